"""Answers: one document per answered question, with transcript and evaluation.

A unique (interview_id, index) index makes a repeated submission of the same answer a
`conflict` instead of a second answer, and the evaluation is written only where none is
stored yet, so a retried evaluation job never replaces a result a client has already seen.
"""

from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from mockmate.errors import Conflict
from mockmate.storage.database import Document


class AnswerRepository:
    def __init__(self, db: AsyncDatabase[Document]):
        self._answers = db.answers

    async def create(self, doc: Document) -> None:
        try:
            await self._answers.insert_one({"created_at": datetime.now(UTC), **doc})
        except DuplicateKeyError:
            raise Conflict(
                f"question {doc.get('index')} is already answered"
            ) from None

    async def get(self, answer_id: str) -> Document | None:
        return await self._answers.find_one({"_id": answer_id})

    async def delete(self, answer_id: str) -> None:
        await self._answers.delete_one({"_id": answer_id})

    async def for_interview(self, interview_id: str) -> list[Document]:
        cursor = self._answers.find({"interview_id": interview_id}).sort("index", ASCENDING)
        return [doc async for doc in cursor]

    async def all_for_user(self, user_id: str) -> list[Document]:
        return [doc async for doc in self._answers.find({"user_id": user_id})]

    async def delete_for_user(self, user_id: str) -> None:
        await self._answers.delete_many({"user_id": user_id})

    async def delete_for_interview(self, interview_id: str) -> None:
        await self._answers.delete_many({"interview_id": interview_id})

    async def store_evaluation(self, answer_id: str, evaluation: dict[str, Any]) -> bool:
        """Store the first evaluation of an answer; False when one was already there."""
        result = await self._answers.update_one(
            {"_id": answer_id, "evaluation": {"$exists": False}},
            {"$set": {"evaluation": evaluation, "evaluated_at": datetime.now(UTC)}},
        )
        return result.modified_count == 1

    async def store_transcript(self, answer_id: str, transcript: dict[str, Any]) -> bool:
        """Store the first transcript of a spoken answer; False when one was already there."""
        result = await self._answers.update_one(
            {"_id": answer_id, "transcript": {"$exists": False}},
            {"$set": {"transcript": transcript, "transcribed_at": datetime.now(UTC)}},
        )
        return result.modified_count == 1

    async def mark_recording(self, answer_id: str, kept: str) -> None:
        """Whether the answer's recording was `kept` or `deleted` after its transcript."""
        update: Document = {"$set": {"recording": kept}}
        if kept == "deleted":
            update["$unset"] = {"audio_file_id": ""}
        await self._answers.update_one({"_id": answer_id}, update)

    async def mark_recordings_deleted(self, user_id: str) -> None:
        await self._answers.update_many(
            {"user_id": user_id, "recording": "kept"},
            {"$set": {"recording": "deleted"}, "$unset": {"audio_file_id": ""}},
        )

    async def delete_if_created(self, answer_id: str, created_at: object) -> bool:
        """Delete `answer_id` if it is still the document created at `created_at`."""
        result = await self._answers.delete_one({"_id": answer_id, "created_at": created_at})
        return result.deleted_count == 1

    async def at_index(self, interview_id: str, index: int) -> Document | None:
        return await self._answers.find_one({"interview_id": interview_id, "index": index})

    async def correct(self, answer: Document, text: str, *, revision: int) -> bool:
        """Replace the transcript's text with the candidate's correction, keeping what the
        machine heard (`transcript.machine_text`); once per answer, and for revision 1 (the
        first evaluation) only while that is not made yet. False when that was too late."""
        heard = answer["transcript"]["text"]
        query: Document = {"_id": answer["_id"], "transcript.text": heard,
                           "correction": {"$exists": False}}
        if revision == 1:
            query["evaluation"] = {"$exists": False}
        result = await self._answers.update_one(query, {"$set": {
            "transcript.machine_text": heard, "transcript.text": text,
            "correction": {"revision": revision, "at": datetime.now(UTC)},
        }})
        return result.modified_count == 1

    async def store_revision(
        self, answer: Document, evaluation: dict[str, Any], *, revision: int
    ) -> bool:
        """Replace the evaluation with the one of a corrected transcript, once per revision;
        the first one is kept in `first_evaluation` (a `$set`: nx-27017 stores a document
        pushed into an array as a string)."""
        result = await self._answers.update_one(
            {"_id": answer["_id"], "evaluation": {"$exists": True},
             "evaluation_revision": {"$nin": [revision]}},
            {"$set": {"evaluation": evaluation, "evaluation_revision": revision,
                      "evaluated_at": datetime.now(UTC),
                      "first_evaluation": answer.get("first_evaluation") or answer["evaluation"]}},
        )
        return result.modified_count == 1


def expert_reviewed_before(answer: Document, revision: int) -> bool:
    """Whether an expert's review of `answer` (`expert_review`, written by `reviews`) was
    made against an evaluation older than `revision`: the statistics then count the
    expert's score, which a re-evaluation of a corrected transcript must not replace."""
    review: Document | None = answer.get("expert_review")
    return review is not None and int(review.get("ai_revision", 1)) < revision
