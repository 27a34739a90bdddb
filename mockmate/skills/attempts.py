"""Every answer to a question, keyed by the question's words, so that answering it again
shows what changed (`answer:comparison`, `GET /api/answers/{id}/comparison`).

One document per answer (`question_attempts`, keyed by the answer id: a hook that runs twice
writes the same document), with the user and question key indexed for the look-back.
"""

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from mockmate.errors import NotFound
from mockmate.interviews.hooks import AnswerEvaluated
from mockmate.skills.practice_rules import Attempt, Comparison, compare, question_key
from mockmate.storage.database import Document

Emit = Callable[[str, str, dict[str, Any]], Awaitable[None]]


class Attempts:
    def __init__(self, db: AsyncDatabase[Document], emit: Emit) -> None:
        self._attempts = db.question_attempts
        self._emit = emit

    async def ensure_indexes(self) -> None:
        await self._attempts.create_index([("user_id", ASCENDING), ("key", ASCENDING)])

    async def answer_evaluated(self, event: AnswerEvaluated) -> None:
        at = event.answer.created_at
        key = question_key(event.question.text)
        doc = {
            "_id": event.answer_id, "user_id": event.user_id, "key": key,
            "question": event.question.text, "interview_id": event.interview_id,
            "index": event.index, "at": (at.isoformat() if at else ""),
            "score": event.evaluation.score, "rubric": event.evaluation.rubric.model_dump(),
        }
        with contextlib.suppress(DuplicateKeyError):  # a repeated hook: the same attempt
            await self._attempts.insert_one(doc)
        comparison = await self._comparison(doc)
        if comparison is not None:
            await self._emit(event.user_id, "answer:comparison", {
                "session_id": event.interview_id, "index": event.index,
                "answer_id": event.answer_id, **comparison.model_dump(mode="json"),
            })

    async def comparison(self, user_id: str, answer_id: str) -> dict[str, Any]:
        doc = await self._attempts.find_one({"_id": answer_id, "user_id": user_id})
        if doc is None:
            raise NotFound("no evaluated answer with this id")
        comparison = await self._comparison(doc)
        return {"comparison": comparison.model_dump(mode="json") if comparison else None}

    async def summary(self, user_id: str, key: str) -> dict[str, Any]:
        """How often a question was answered and the last score."""
        cursor = self._attempts.find({"user_id": user_id, "key": key}).sort("at", DESCENDING)
        docs = [d async for d in cursor]
        return {"attempts": len(docs), "last_score": docs[0]["score"] if docs else None}

    async def _comparison(self, doc: Document) -> Comparison | None:
        cursor = self._attempts.find({
            "user_id": doc["user_id"], "key": doc["key"], "_id": {"$ne": doc["_id"]},
        }).sort("at", DESCENDING)
        earlier = [d async for d in cursor if (d["at"], d["_id"]) < (doc["at"], doc["_id"])]
        if not earlier:
            return None
        return compare(doc["key"], doc["question"], _attempt(earlier[0]), _attempt(doc))

    async def export_user(self, user_id: str) -> dict[str, Any]:
        cursor = self._attempts.find({"user_id": user_id}, {"user_id": 0}).sort("at", ASCENDING)
        return {"attempts": [{"answer_id": d.pop("_id"), **d} async for d in cursor]}

    async def erase_user(self, user_id: str) -> None:
        await self._attempts.delete_many({"user_id": user_id})


def _attempt(doc: Document) -> Attempt:
    return Attempt(answer_id=doc["_id"], interview_id=doc["interview_id"], index=doc["index"],
                   at=doc["at"], score=doc["score"], rubric=doc["rubric"])
