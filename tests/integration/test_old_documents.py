"""Interviews and answers stored by older versions still load through the typed records
(`storage/records.py`): the candidate sees them in their history, in full, and in their data
export, with nothing made up and nothing dropped."""

import uuid
from datetime import UTC, datetime

from mockmate.config import Settings
from mockmate.storage.database import connect
from mockmate.storage.users import UserRepository
from tests.conftest import CandidateFactory
from tests.integration.test_progress import rest

QUESTION = {"id": "bank:rebuilt-pipeline", "text": "Tell me about a pipeline you rebuilt.",
            "category": "behavioral", "difficulty": "mid", "skills": ["etl"]}
TRANSCRIPT = {"text": "We rebuilt the nightly ETL so reports landed by 6 am.",
              "confidence": 1.0, "duration_s": 0.0}
EVALUATION = {"score": 7.5, "rubric": {"relevance": 8, "examples": 7, "clarity": 8,
                                       "technical_accuracy": 7, "job_alignment": 7},
              "strengths": ["a concrete result"], "weaknesses": [], "tips": []}


def old_documents(user_id: str) -> tuple[dict[str, object], dict[str, object]]:
    """An interview from before follow-ups, search text, modes and voice settings (its end
    written by a `$set`, which the MongoDB stand-in keeps as a naive ISO string, and a field
    no version declares any more), and its answer from before answers kept their question,
    their delivery figures or their revisions."""
    interview_id = uuid.uuid4().hex
    interview = {
        "_id": interview_id, "user_id": user_id, "role": "Data Engineer",
        "interview_type": "behavioral", "difficulty": "mid", "questions": [QUESTION],
        "status": "completed", "completion_sent": True,
        "created_at": datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
        "ended_at": "2026-01-05T10:20:00", "answered": 1, "skipped": [],
        "overall_score": 7.5, "category_scores": {"behavioral": 7.5},
        "legacy_notes": "written by 0.3",
    }
    answer = {
        "_id": uuid.uuid4().hex, "interview_id": interview_id, "user_id": user_id,
        "index": 0, "question_id": QUESTION["id"], "category": "behavioral", "kind": "text",
        "text": TRANSCRIPT["text"], "transcript": TRANSCRIPT, "evaluation": EVALUATION,
        "created_at": datetime(2026, 1, 5, 10, 5, tzinfo=UTC),
        "evaluated_at": "2026-01-05T10:05:02",
    }
    return interview, answer


async def test_an_interview_stored_by_an_older_version_reads_in_full(
    candidates: CandidateFactory, settings: Settings
) -> None:
    client = await candidates.new("veteran@example.com")
    mongo = connect(settings.mongodb_url)
    try:
        db = mongo[settings.mongodb_db]
        user = await UserRepository(db).by_email("veteran@example.com")
        assert user is not None
        interview, answer = old_documents(user.id)
        await db.interviews.insert_one(interview)
        await db.answers.insert_one(answer)
    finally:
        await mongo.close()
    interview_id = str(interview["_id"])

    status, listing = await rest(client, "GET", "/api/interviews?q=data%20engineer")
    assert status == 200, listing
    assert [i["id"] for i in listing["interviews"]] == [interview_id]
    assert listing["interviews"][0]["ended_at"] == "2026-01-05T10:20:00+00:00"

    status, body = await rest(client, "GET", f"/api/interviews/{interview_id}")
    assert status == 200, body
    shown = body["interview"]
    assert (shown["status"], shown["overall_score"]) == ("completed", 7.5)
    assert shown["questions"][0]["text"] == QUESTION["text"]
    (only,) = shown["answers"]
    assert only["question"] == QUESTION["text"]  # from the interview: the answer has no copy
    assert only["transcript"] == TRANSCRIPT  # as stored: no fields added
    assert only["delivery"] is None and only["evaluation"] == EVALUATION
    assert only["evaluation_revision"] == 1
    assert only["evaluated_at"] == "2026-01-05T10:05:02+00:00"

    status, exported = await rest(client, "GET", "/api/me/export")
    assert status == 200, exported
    (mine,) = [i for i in exported["interviews"] if i["_id"] == interview_id]
    assert mine["legacy_notes"] == "written by 0.3"  # kept, though no longer declared
    assert [a["transcript"] for a in mine["answers"]] == [TRANSCRIPT]
    assert "follow_up_count" not in mine and "question" not in mine["answers"][0]
