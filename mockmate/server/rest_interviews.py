"""The interview history: list, read in full, delete."""

from datetime import datetime
from typing import Any

from aiohttp import web

from mockmate.domain import InterviewStatus
from mockmate.errors import InvalidPayload, NotFound
from mockmate.interviews.replies import InterviewDeleted, InterviewPage, InterviewReply
from mockmate.questions.models import Question
from mockmate.reviews.rules import public_review
from mockmate.server.http import current_user, model_response, signed_in
from mockmate.server.list_filters import list_window, search_query
from mockmate.server.wiring.interviews import INTERVIEWS, Interviews
from mockmate.storage.records import AnswerRecord, InterviewRecord
from mockmate.storage.users import User

routes = web.RouteTableDef()
PER_PAGE = 20


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _summary(doc: InterviewRecord) -> dict[str, Any]:
    return {
        "id": doc.id,
        "status": doc.status,
        "role": doc.role,
        "interview_type": doc.interview_type,
        "difficulty": doc.difficulty,
        "question_count": doc.question_count,
        "answered": doc.answered,
        "overall_score": doc.overall_score,
        "category_scores": doc.category_scores,
        "created_at": _iso(doc.created_at),
        "ended_at": _iso(doc.ended_at),
    }


def _page(request: web.Request) -> int:
    try:
        page = int(request.query.get("page", "1"))
    except ValueError:
        raise InvalidPayload("page must be a number") from None
    if not 1 <= page <= 10_000:
        raise InvalidPayload("page must be between 1 and 10000")
    return page


async def _owned(request: web.Request) -> tuple[str, InterviewRecord]:
    user = await current_user(request)
    doc = await request.app[INTERVIEWS].interviews.get(request.match_info["interview_id"])
    if doc is None or doc.user_id != user.id:
        raise NotFound("no such interview")
    return user.id, doc


@routes.get("/api/interviews")
@signed_in
async def list_interviews(request: web.Request, user: User) -> web.Response:
    wanted = request.query.get("status") or None
    if wanted is not None and wanted not in tuple(InterviewStatus):
        raise InvalidPayload(
            f"status must be one of {', '.join(InterviewStatus)}",
        )
    status = InterviewStatus(wanted) if wanted is not None else None
    page = _page(request)
    since, until = list_window(request.query.get("from"), request.query.get("to"))
    docs, total = await request.app[INTERVIEWS].interviews.list_for_user(
        user.id, status=status, page=page, per_page=PER_PAGE, since=since, until=until,
        text=search_query(request.query.get("q")),
    )
    return model_response(InterviewPage.model_validate({
        "interviews": [_summary(d) for d in docs], "page": page, "per_page": PER_PAGE,
        "total": total,
    }))


@routes.get("/api/interviews/{interview_id}")
async def get_interview(request: web.Request) -> web.Response:
    _, doc = await _owned(request)
    body = await interview_body(request.app[INTERVIEWS], doc)
    return model_response(InterviewReply.model_validate({"interview": body}),
                          exclude_unset=True)


async def interview_body(services: Interviews, doc: InterviewRecord) -> dict[str, Any]:
    """An interview in full: questions, answers, transcripts, evaluations, delivery."""
    answers = await services.answers.for_interview(doc.id)
    questions = doc.questions
    return {
        **_summary(doc),
        "job_description": doc.job_description,
        "template": doc.template,
        "resume_id": doc.resume_id,
        "job_analysis": doc.job_analysis,
        "skipped": list(doc.skipped),
        "started_at": _iso(doc.started_at),
        "questions": [
            {"id": q.id, "text": q.text, "category": q.category, "difficulty": q.difficulty,
             "skills": list(q.skills), "follow_up_to": q.follow_up_to, "why": q.why}
            for q in questions
        ],
        "answers": [
            {
                "answer_id": a.id,
                "index": a.index,
                "question": _asked(a, questions),
                "question_id": a.question_id,
                "kind": a.kind,
                "transcript": a.transcript.wire() if a.transcript else None,
                "delivery": a.transcript.delivery if a.transcript else None,
                "audio": {
                    "format": a.format, "bytes": a.audio_bytes,
                    "duration_s": a.duration_s,
                    # "kept" (play it at .../answers/{index}/audio), "deleted", or None
                    # while it is being transcribed.
                    "recording": a.recording,
                } if a.kind == "audio" else None,
                "evaluation_revision": a.evaluation_revision,
                "evaluation": a.evaluation.wire() if a.evaluation else None,
                # The booked expert's confirmation or override of the rubric scores (the
                # statistics count its score), or None (docs/marketplace.md).
                "expert_review": public_review(a.expert_review),
                "submitted_at": _iso(a.created_at),
                "evaluated_at": _iso(a.evaluated_at),
            }
            for a in answers
        ],
    }


def _asked(answer: AnswerRecord, questions: tuple[Question, ...]) -> str | None:
    """The question as asked when this answer was given (answers keep their own copy)."""
    if answer.question is not None:
        return answer.question.text
    return questions[answer.index].text if answer.index < len(questions) else None


@routes.delete("/api/interviews/{interview_id}")
async def delete_interview(request: web.Request) -> web.Response:
    user_id, doc = await _owned(request)
    services = request.app[INTERVIEWS]
    await services.sessions.discard(doc.id, user_id)
    await services.audio.delete_for_interview(doc.id)
    await services.answers.delete_for_interview(doc.id)
    await services.interviews.delete(doc.id)
    return model_response(InterviewDeleted(deleted=True, id=doc.id))
