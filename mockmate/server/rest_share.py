"""Sharing an interview's results: its PDF report, links the owner creates and revokes, and
reading a link without an account: `GET /api/share/{token}` (JSON), `GET /share/{token}`."""

import asyncio
import html
from typing import Any

from aiohttp import web

from mockmate.errors import MockMateError, NotFound
from mockmate.interviews.replies import InterviewReply, ShareLink, ShareRevoked
from mockmate.server.http import model_response, read_json
from mockmate.server.rest_interviews import _owned, interview_body
from mockmate.server.wiring.documents import DOCUMENTS
from mockmate.server.wiring.interviews import INTERVIEWS
from mockmate.sharing.links import ShareRequest
from mockmate.sharing.report import interview_report_pdf

routes = web.RouteTableDef()


@routes.get("/api/interviews/{interview_id}/report.pdf")
async def report_pdf(request: web.Request) -> web.Response:
    _, doc = await _owned(request)
    body = await interview_body(request.app[INTERVIEWS], doc)
    data = await asyncio.to_thread(interview_report_pdf, body)
    return web.Response(body=data, content_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="mockmate-interview-{doc.id}.pdf"',
    })


@routes.post("/api/interviews/{interview_id}/share")
async def create_share(request: web.Request) -> web.Response:
    user_id, doc = await _owned(request)
    body = await read_json(request, ShareRequest)
    link = await request.app[DOCUMENTS].shares.create(user_id, doc.id, body)
    return model_response(ShareLink.model_validate(link), status=201)


@routes.delete("/api/interviews/{interview_id}/share/{token}")
async def revoke_share(request: web.Request) -> web.Response:
    user_id, doc = await _owned(request)
    await request.app[DOCUMENTS].shares.revoke(user_id, doc.id, request.match_info["token"])
    return model_response(ShareRevoked(revoked=True))


async def _shared(request: web.Request) -> dict[str, Any]:
    interviews = request.app[INTERVIEWS]
    share = await request.app[DOCUMENTS].shares.resolve(request.match_info["token"])
    doc = await interviews.interviews.get(share["interview_id"])
    if doc is None:
        raise NotFound("this share link does not exist or has expired")
    body = await interview_body(interviews, doc)
    if not share.get("include_audio"):
        for answer in body["answers"]:
            answer["audio"] = None
    return body


@routes.get("/api/share/{token}")
async def shared_json(request: web.Request) -> web.Response:
    return model_response(InterviewReply.model_validate({"interview": await _shared(request)}),
                          exclude_unset=True, headers={"Cache-Control": "no-store"})


@routes.get("/share/{token}")
async def shared_page(request: web.Request) -> web.Response:
    try:
        interview = await _shared(request)
    except MockMateError:
        return web.Response(status=404, content_type="text/html", text=_page(
            "Link not found", "<p>This share link does not exist, was revoked or has expired.</p>"
        ))
    return web.Response(content_type="text/html", text=_results_page(interview),
                        headers={"Cache-Control": "no-store"})


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>'
            f'{html.escape(title)}</title><meta name="robots" content="noindex"></head>'
            f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>")


def _results_page(interview: dict[str, Any]) -> str:
    e = html.escape
    score = interview.get("overall_score")
    parts = [f"<p>{e(str(interview.get('interview_type') or ''))} · "
             f"{e(str(interview.get('difficulty') or ''))} · overall score: "
             f"{e(str(score) if score is not None else 'not scored')}</p>"]
    answers = {a["index"]: a for a in interview["answers"]}
    for index, question in enumerate(interview["questions"]):
        answer = answers.get(index) or {}
        evaluation = answer.get("evaluation") or {}
        transcript = (answer.get("transcript") or {}).get("text") or "(not answered)"
        parts.append(
            f"<section><h2>Question {index + 1}</h2><p>{e(question['text'])}</p>"
            f"<h3>Answer</h3><p>{e(transcript)}</p>"
            + (f"<h3>Score: {e(str(evaluation.get('score')))}</h3>"
               f"<p>{e(str(evaluation.get('feedback') or ''))}</p>" if evaluation else "")
            + "</section>"
        )
    return _page(f"Interview results: {interview.get('role') or 'interview'}", "".join(parts))
