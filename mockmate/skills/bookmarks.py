"""Bookmarked questions: any question of the candidate's interviews (during or after one),
kept with its text so it can be practised again even after the interview is deleted.

One document per (user, question): bookmarking the same question twice keeps one; the id a
client sees is the question key, so another user's id is simply not found.
"""

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from mockmate.errors import LimitReached, NotFound, invalid_payload
from mockmate.questions.models import Question
from mockmate.skills.attempts import Attempts
from mockmate.skills.practice_rules import question_key
from mockmate.storage.database import Document
from mockmate.storage.interviews import InterviewRepository


class NewBookmark(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    interview_id: str = Field(min_length=1, max_length=64)
    index: int = Field(ge=0, le=1000)
    note: str = Field("", max_length=500)


class Bookmarks:
    def __init__(self, db: AsyncDatabase[Document], *, interviews: InterviewRepository,
                 attempts: Attempts, max_per_user: int) -> None:
        self._bookmarks = db.bookmarks
        self._interviews = interviews
        self._attempts = attempts
        self._max = max_per_user

    async def ensure_indexes(self) -> None:
        await self._bookmarks.create_index([("user_id", 1), ("created_at", DESCENDING)])

    async def add(self, user_id: str, raw: object) -> tuple[dict[str, Any], bool]:
        """The bookmark, and whether it is new."""
        try:
            request = NewBookmark.model_validate(raw)
        except ValidationError as exc:
            raise invalid_payload(exc) from None
        interview = await self._interviews.get(request.interview_id)
        if interview is None or interview.user_id != user_id:
            raise NotFound("no such interview")
        if request.index >= len(interview.questions):
            raise NotFound("the interview has no question at this index",
                                field="index")
        question = interview.questions[request.index]
        key = question_key(question.text)
        existing = await self._bookmarks.find_one({"_id": f"{user_id}:{key}"})
        if existing is not None:
            return await self._wire(existing), False
        if await self._bookmarks.count_documents({"user_id": user_id}) >= self._max:
            raise LimitReached(f"at most {self._max} bookmarks; delete some first")
        doc = {
            "_id": f"{user_id}:{key}", "user_id": user_id, "key": key,
            "question": question.wire(), "interview_id": request.interview_id,
            "index": request.index, "note": request.note, "created_at": datetime.now(UTC),
        }
        try:
            await self._bookmarks.insert_one(doc)
        except DuplicateKeyError:  # bookmarked at the same moment elsewhere
            stored = await self._bookmarks.find_one({"_id": doc["_id"]})
            return await self._wire(stored or doc), False
        return await self._wire(doc), True

    async def for_user(self, user_id: str) -> list[dict[str, Any]]:
        cursor = self._bookmarks.find({"user_id": user_id}).sort("created_at", DESCENDING)
        return [await self._wire(d) async for d in cursor]

    async def questions(self, user_id: str, ids: list[str] | None) -> list[Question]:
        """The bookmarked questions (all, or these ids; an unknown id is `not_found`)."""
        query: Document = {"user_id": user_id}
        if ids is not None:
            query["_id"] = {"$in": [f"{user_id}:{i}" for i in ids]}
        docs = [d async for d in self._bookmarks.find(query).sort("created_at", DESCENDING)]
        if ids is not None and len(docs) < len(set(ids)):
            raise NotFound("no such bookmark", field="bookmark_ids")
        return [Question.model_validate(d["question"]) for d in docs]

    async def delete(self, user_id: str, bookmark_id: str) -> None:
        deleted = await self._bookmarks.delete_one({"_id": f"{user_id}:{bookmark_id}"})
        if deleted.deleted_count == 0:
            raise NotFound("no such bookmark")

    async def _wire(self, doc: Document) -> dict[str, Any]:
        created = doc["created_at"]
        return {
            "id": doc["key"], "question": doc["question"], "interview_id": doc["interview_id"],
            "index": doc["index"], "note": doc.get("note", ""),
            "created_at": created.isoformat() if isinstance(created, datetime) else created,
            **await self._attempts.summary(doc["user_id"], doc["key"]),
        }

    async def export_user(self, user_id: str) -> dict[str, Any]:
        return {"bookmarks": await self.for_user(user_id)}

    async def erase_user(self, user_id: str) -> None:
        await self._bookmarks.delete_many({"user_id": user_id})
