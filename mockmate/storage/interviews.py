"""Interview documents: configuration, questions, status, timestamps and final scores, read
and written as `InterviewRecord`s (`storage/records.py`)."""

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pymongo import DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from mockmate.domain import InterviewStatus
from mockmate.questions.models import Question
from mockmate.storage.database import Document
from mockmate.storage.records import InterviewRecord


class InterviewRepository:
    def __init__(self, db: AsyncDatabase[Document]):
        self._interviews = db.interviews

    async def create(self, interview: InterviewRecord) -> None:
        """Store a new interview: in progress, its completion not yet announced."""
        now = datetime.now(UTC)
        search = search_text(interview.role, interview.questions)
        await self._interviews.insert_one(
            {"status": InterviewStatus.IN_PROGRESS, "completion_sent": False, "created_at": now,
             "search_text": search, **interview.document()}
        )

    async def get(self, interview_id: str) -> InterviewRecord | None:
        return _record(await self._interviews.find_one({"_id": interview_id}))

    async def delete(self, interview_id: str) -> None:
        await self._interviews.delete_one({"_id": interview_id})

    async def all_for_user(self, user_id: str) -> list[InterviewRecord]:
        return [InterviewRecord.model_validate(doc)
                async for doc in self._interviews.find({"user_id": user_id})]

    async def delete_for_user(self, user_id: str) -> None:
        await self._interviews.delete_many({"user_id": user_id})

    async def list_for_user(
        self, user_id: str, *, status: InterviewStatus | None, page: int, per_page: int,
        since: datetime | None = None, until: datetime | None = None, text: str = "",
    ) -> tuple[list[InterviewRecord], int]:
        """A page of interviews, newest first: of `status`, created in [since, until), whose
        role or questions contain `text` (any case)."""
        # Practice sessions have their own history (`GET /api/practice`).
        query: dict[str, Any] = {"user_id": user_id, "mode": {"$ne": "practice"}}
        if status:
            query["status"] = status
        created: dict[str, datetime] = {}
        if since is not None:
            created["$gte"] = since
        if until is not None:
            created["$lt"] = until
        if created:
            query["created_at"] = created
        if text:
            # `search_text` holds the role and every question (nx-27017 cannot match a regex
            # inside an array of sub-documents); older interviews are found by role.
            query["$or"] = [{"search_text": {"$regex": re.escape(text.lower())}},
                            {"role": {"$regex": re.escape(text), "$options": "i"}}]
        total = await self._interviews.count_documents(query)
        cursor = (
            self._interviews.find(query, {"resume_text": 0, "job_description": 0})
            .sort("created_at", DESCENDING)
            .skip((page - 1) * per_page)
            .limit(per_page)
        )
        return [InterviewRecord.model_validate(doc) async for doc in cursor], total

    async def practice_for_user(self, user_id: str, *, limit: int) -> list[InterviewRecord]:
        """The user's latest practice sessions, newest first, without their texts."""
        cursor = self._interviews.find(
            {"user_id": user_id, "mode": "practice"},
            {"resume_text": 0, "job_description": 0, "questions": 0},
        ).sort("created_at", DESCENDING).limit(limit)
        return [InterviewRecord.model_validate(doc) async for doc in cursor]

    async def count_practice(self, user_id: str) -> int:
        return await self._interviews.count_documents({"user_id": user_id, "mode": "practice"})

    async def announced_for_user(self, user_id: str) -> list[InterviewRecord]:
        """The user's completed interviews whose final scores were announced."""
        cursor = self._interviews.find(
            {"user_id": user_id, "status": InterviewStatus.COMPLETED, "completion_sent": True},
            {"resume_text": 0, "job_description": 0},
        )
        return [InterviewRecord.model_validate(doc) async for doc in cursor]

    async def finish(
        self, interview_id: str, *, status: InterviewStatus, answered: int,
        skipped: Sequence[int],
    ) -> InterviewRecord | None:
        """Record how an interview ended; only the first end counts (None: it had ended)."""
        now = datetime.now(UTC)
        return _record(await self._interviews.find_one_and_update(
            {"_id": interview_id, "status": InterviewStatus.IN_PROGRESS},
            {
                "$set": {
                    "status": status,
                    "ended_at": now,
                    "answered": answered,
                    "skipped": list(skipped),
                }
            },
            return_document=ReturnDocument.AFTER,
        ))

    async def record_questions(
        self, interview_id: str, questions: Sequence[Question], follow_ups: int
    ) -> bool:
        """Store the questions as the session now plans them, with `follow_ups` in them.

        Follow-ups only ever add up, so a write that knows of fewer than the document already
        holds is stale and changes nothing (two hooks may race to record theirs).
        """
        result = await self._interviews.update_one(
            {
                "_id": interview_id,
                "$or": [
                    {"follow_up_count": {"$lt": follow_ups}},
                    {"follow_up_count": {"$exists": False}},
                ],
            },
            {"$set": {"questions": [q.model_dump(mode="json") for q in questions],
                      "follow_up_count": follow_ups,
                      "search_text": search_text(None, questions)}},
        )
        return result.modified_count == 1

    async def abandon_in_progress(self) -> int:
        """Mark every unfinished interview abandoned (their sessions are known to be lost)."""
        result = await self._interviews.update_many(
            {"status": InterviewStatus.IN_PROGRESS}, {"$set": {"status": InterviewStatus.ABANDONED}}
        )
        return result.modified_count

    async def in_progress(self) -> list[str]:
        """The ids of unfinished interviews. (No date range: the MongoDB stand-in's date
        comparisons are not reliable, and the caller needs none: see `sweep_lost`.)"""
        cursor = self._interviews.find({"status": InterviewStatus.IN_PROGRESS}, {"_id": 1})
        return [str(doc["_id"]) async for doc in cursor]

    async def rescore(
        self, interview_id: str, *, overall_score: float | None,
        category_scores: dict[str, float],
    ) -> None:
        """New scores for an interview already announced (an answer was corrected since)."""
        await self._interviews.update_one(
            {"_id": interview_id, "completion_sent": True},
            {"$set": {"overall_score": overall_score, "category_scores": category_scores}},
        )

    async def mark_completion_sent(
        self, interview_id: str, *, overall_score: float | None, category_scores: dict[str, float]
    ) -> InterviewRecord | None:
        """Flip `completion_sent` once; the caller that gets the record announces it."""
        return _record(await self._interviews.find_one_and_update(
            {"_id": interview_id, "status": InterviewStatus.COMPLETED, "completion_sent": False},
            {
                "$set": {
                    "completion_sent": True,
                    "overall_score": overall_score,
                    "category_scores": category_scores,
                }
            },
            return_document=ReturnDocument.AFTER,
        ))


def search_text(role: str | None, questions: Sequence[Question]) -> str:
    """What the interview list searches: the role and the questions, lower-cased."""
    return "\n".join([role or "", *(q.text for q in questions)]).lower()


def _record(doc: Document | None) -> InterviewRecord | None:
    return None if doc is None else InterviewRecord.model_validate(doc)
