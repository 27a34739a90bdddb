"""Answers: one document per answered question, with transcript and evaluation.

A unique (interview_id, index) index makes a repeated submission of the same answer a
`conflict` instead of a second answer, and the evaluation is written only where none is
stored yet, so a retried evaluation job never replaces a result a client has already seen.
Answers are read and written as `AnswerRecord`s (`storage/records.py`).
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from mockmate.errors import Conflict
from mockmate.storage.database import Document
from mockmate.storage.records import AnswerRecord, StoredEvaluation, StoredTranscript


class AnswerRepository:
    def __init__(self, db: AsyncDatabase[Document]):
        self._answers = db.answers

    async def create(self, answer: AnswerRecord) -> None:
        try:
            await self._answers.insert_one({"created_at": datetime.now(UTC),
                                            **answer.document()})
        except DuplicateKeyError:
            raise Conflict(
                f"question {answer.index} is already answered"
            ) from None

    async def get(self, answer_id: str) -> AnswerRecord | None:
        return _record(await self._answers.find_one({"_id": answer_id}))

    async def delete(self, answer_id: str) -> None:
        await self._answers.delete_one({"_id": answer_id})

    async def for_interview(self, interview_id: str) -> list[AnswerRecord]:
        cursor = self._answers.find({"interview_id": interview_id}).sort("index", ASCENDING)
        return [AnswerRecord.model_validate(doc) async for doc in cursor]

    async def all_for_user(self, user_id: str) -> list[AnswerRecord]:
        return [AnswerRecord.model_validate(doc)
                async for doc in self._answers.find({"user_id": user_id})]

    async def evaluated_since(self, user_id: str, since: datetime) -> list[AnswerRecord]:
        """The user's evaluated answers submitted since `since`, oldest first."""
        cursor = self._answers.find(
            {"user_id": user_id, "evaluation": {"$exists": True}, "created_at": {"$gte": since}}
        ).sort("created_at", ASCENDING)
        return [AnswerRecord.model_validate(doc) async for doc in cursor]

    async def rubric_averages(
        self, criteria: Sequence[str], user_id: str | None = None
    ) -> dict[str, dict[str, float | None]]:
        """Per user (only `user_id`'s, when given): the mean of each rubric criterion over
        their evaluated answers (None where no answer has it)."""
        match: Document = {"evaluation": {"$exists": True}}
        if user_id is not None:
            match["user_id"] = user_id
        cursor = await self._answers.aggregate([
            {"$match": match},
            {"$group": {"_id": "$user_id",
                        **{c: {"$avg": f"$evaluation.rubric.{c}"} for c in criteria}}},
        ])
        return {str(doc["_id"]): {c: _number(doc.get(c)) for c in criteria}
                async for doc in cursor}

    async def delete_for_user(self, user_id: str) -> None:
        await self._answers.delete_many({"user_id": user_id})

    async def delete_for_interview(self, interview_id: str) -> None:
        await self._answers.delete_many({"interview_id": interview_id})

    async def store_evaluation(self, answer_id: str, evaluation: StoredEvaluation) -> bool:
        """Store the first evaluation of an answer; False when one was already there."""
        result = await self._answers.update_one(
            {"_id": answer_id, "evaluation": {"$exists": False}},
            {"$set": {"evaluation": evaluation.document(), "evaluated_at": datetime.now(UTC)}},
        )
        return result.modified_count == 1

    async def store_transcript(self, answer_id: str, transcript: StoredTranscript) -> bool:
        """Store the first transcript of a spoken answer; False when one was already there."""
        result = await self._answers.update_one(
            {"_id": answer_id, "transcript": {"$exists": False}},
            {"$set": {"transcript": transcript.document(),
                      "transcribed_at": datetime.now(UTC)}},
        )
        return result.modified_count == 1

    async def mark_recording(self, answer_id: str, kept: Literal["kept", "deleted"]) -> None:
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

    async def delete_if_created(self, answer_id: str, created_at: datetime | None) -> bool:
        """Delete `answer_id` if it is still the document created at `created_at`."""
        result = await self._answers.delete_one({"_id": answer_id, "created_at": created_at})
        return result.deleted_count == 1

    async def at_index(self, interview_id: str, index: int) -> AnswerRecord | None:
        return _record(
            await self._answers.find_one({"interview_id": interview_id, "index": index})
        )

    async def correct(self, answer: AnswerRecord, text: str, *, revision: int) -> bool:
        """Replace the transcript's text with the candidate's correction, keeping what the
        machine heard (`transcript.machine_text`); once per answer, and for revision 1 (the
        first evaluation) only while that is not made yet. False when that was too late."""
        heard = answer.transcript.text if answer.transcript else ""
        query: Document = {"_id": answer.id, "transcript.text": heard,
                           "correction": {"$exists": False}}
        if revision == 1:
            query["evaluation"] = {"$exists": False}
        result = await self._answers.update_one(query, {"$set": {
            "transcript.machine_text": heard, "transcript.text": text,
            "correction": {"revision": revision, "at": datetime.now(UTC)},
        }})
        return result.modified_count == 1

    async def store_revision(
        self, answer: AnswerRecord, evaluation: StoredEvaluation, *, revision: int
    ) -> bool:
        """Replace the evaluation with the one of a corrected transcript, once per revision;
        the first one is kept in `first_evaluation` (a `$set`: nx-27017 stores a document
        pushed into an array as a string)."""
        first = answer.first_evaluation or answer.evaluation
        result = await self._answers.update_one(
            {"_id": answer.id, "evaluation": {"$exists": True},
             "evaluation_revision": {"$nin": [revision]}},
            {"$set": {"evaluation": evaluation.document(), "evaluation_revision": revision,
                      "evaluated_at": datetime.now(UTC),
                      "first_evaluation": first.document() if first else None}},
        )
        return result.modified_count == 1


def expert_reviewed_before(answer: AnswerRecord, revision: int) -> bool:
    """Whether an expert's review of `answer` (`expert_review`, written by `reviews`) was
    made against an evaluation older than `revision`: the statistics then count the
    expert's score, which a re-evaluation of a corrected transcript must not replace."""
    review = answer.expert_review
    return review is not None and int(review.get("ai_revision", 1)) < revision


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _record(doc: Document | None) -> AnswerRecord | None:
    return None if doc is None else AnswerRecord.model_validate(doc)
