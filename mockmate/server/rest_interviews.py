"""The interview history: list, read in full, delete."""

from typing import Any

from aiohttp import web

from mockmate.errors import InvalidPayload, NotFound
from mockmate.reviews.rules import public_review
from mockmate.server.http import current_user, signed_in
from mockmate.server.list_filters import list_window, search_query
from mockmate.server.wiring.interviews import INTERVIEWS, Interviews
from mockmate.storage import interviews as interview_status
from mockmate.storage.database import Document, as_datetime
from mockmate.storage.users import User

routes = web.RouteTableDef()
PER_PAGE = 20


def _iso(value: object) -> str | None:
    moment = as_datetime(value)
    return moment.isoformat() if moment else None


def _summary(doc: Document) -> dict[str, Any]:
    return {
        "id": doc["_id"],
        "status": doc["status"],
        "role": doc.get("role"),
        "interview_type": doc.get("interview_type"),
        "difficulty": doc.get("difficulty"),
        "question_count": doc.get("question_count"),
        "answered": doc.get("answered"),
        "overall_score": doc.get("overall_score"),
        "category_scores": doc.get("category_scores"),
        "created_at": _iso(doc.get("created_at")),
        "ended_at": _iso(doc.get("ended_at")),
    }


def _page(request: web.Request) -> int:
    try:
        page = int(request.query.get("page", "1"))
    except ValueError:
        raise InvalidPayload("page must be a number") from None
    if not 1 <= page <= 10_000:
        raise InvalidPayload("page must be between 1 and 10000")
    return page


async def _owned(request: web.Request) -> tuple[str, Document]:
    user = await current_user(request)
    doc = await request.app[INTERVIEWS].interviews.get(request.match_info["interview_id"])
    if doc is None or doc["user_id"] != user.id:
        raise NotFound("no such interview")
    return user.id, doc


@routes.get("/api/interviews")
@signed_in
async def list_interviews(request: web.Request, user: User) -> web.Response:
    status = request.query.get("status") or None
    if status is not None and status not in interview_status.STATUSES:
        raise InvalidPayload(
            f"status must be one of {', '.join(interview_status.STATUSES)}",
        )
    page = _page(request)
    since, until = list_window(request.query.get("from"), request.query.get("to"))
    docs, total = await request.app[INTERVIEWS].interviews.list_for_user(
        user.id, status=status, page=page, per_page=PER_PAGE, since=since, until=until,
        text=search_query(request.query.get("q")),
    )
    return web.json_response({
        "interviews": [_summary(d) for d in docs], "page": page, "per_page": PER_PAGE,
        "total": total,
    })


@routes.get("/api/interviews/{interview_id}")
async def get_interview(request: web.Request) -> web.Response:
    _, doc = await _owned(request)
    return web.json_response({"interview": await interview_body(request.app[INTERVIEWS], doc)})


async def interview_body(services: Interviews, doc: Document) -> dict[str, Any]:
    """An interview in full: questions, answers, transcripts, evaluations, delivery."""
    answers = await services.answers.for_interview(doc["_id"])
    questions = doc.get("questions", [])
    return {
        **_summary(doc),
        "job_description": doc.get("job_description", ""),
        "template": doc.get("template"),
        "resume_id": doc.get("resume_id"),
        "job_analysis": doc.get("job_analysis"),
        "skipped": doc.get("skipped", []),
        "started_at": _iso(doc.get("started_at")),
        "questions": [
            {**{k: q[k] for k in ("id", "text", "category", "difficulty", "skills")},
             "follow_up_to": q.get("follow_up_to"), "why": q.get("why", "")}
            for q in questions
        ],
        "answers": [
            {
                "answer_id": a["_id"],
                "index": a["index"],
                "question": _asked(a, questions),
                "question_id": a.get("question_id"),
                "kind": a.get("kind"),
                "transcript": a.get("transcript"),
                "delivery": (a.get("transcript") or {}).get("delivery"),
                "audio": {
                    "format": a.get("format"), "bytes": a.get("audio_bytes"),
                    "duration_s": a.get("duration_s"),
                    # "kept" (play it at .../answers/{index}/audio), "deleted", or None
                    # while it is being transcribed.
                    "recording": a.get("recording"),
                } if a.get("kind") == "audio" else None,
                "evaluation_revision": a.get("evaluation_revision", 1),
                "evaluation": a.get("evaluation"),
                # The booked expert's confirmation or override of the rubric scores (the
                # statistics count its score), or None (docs/marketplace.md).
                "expert_review": public_review(a.get("expert_review")),
                "submitted_at": _iso(a.get("created_at")),
                "evaluated_at": _iso(a.get("evaluated_at")),
            }
            for a in answers
        ],
    }



def _asked(answer: dict[str, Any], questions: list[dict[str, Any]]) -> str | None:
    """The question as asked when this answer was given (answers keep their own copy)."""
    if answer.get("question"):
        return str(answer["question"]["text"])
    index = answer["index"]
    return str(questions[index]["text"]) if index < len(questions) else None


@routes.delete("/api/interviews/{interview_id}")
async def delete_interview(request: web.Request) -> web.Response:
    user_id, doc = await _owned(request)
    services = request.app[INTERVIEWS]
    await services.sessions.discard(doc["_id"], user_id)
    await services.audio.delete_for_interview(doc["_id"])
    await services.answers.delete_for_interview(doc["_id"])
    await services.interviews.delete(doc["_id"])
    return web.json_response({"deleted": True, "id": doc["_id"]})
