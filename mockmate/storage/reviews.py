"""Expert reviews of attached interviews: which interviews a booking's candidate attached
(`bookings.review_interview_ids`) and the expert's review of an answer's scores
(`answers.expert_review`, with `review_version` counting its changes).

Both live on the documents they are about, so the booking's and the answer's readers get
them without another query, and a review replaces the previous one only from the version
it was made against (two racing saves: one wins, the other is `conflict`).
"""

from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from mockmate.storage.bookings import DELETED_USER
from mockmate.storage.database import Document


class ReviewRepository:
    def __init__(self, db: AsyncDatabase[Document]):
        self._bookings = db.bookings
        self._answers = db.answers

    async def attach(self, booking_id: str, candidate_id: str, interview_ids: list[str]) -> bool:
        result = await self._bookings.update_one(
            {"_id": booking_id, "candidate_id": candidate_id},
            {"$set": {"review_interview_ids": interview_ids}},
        )
        return result.matched_count == 1

    async def store(self, answer_id: str, review: dict[str, Any], *, version: int,
                    evaluation_revision: int = 1) -> bool:
        """Store review `version` (1 for the first) over version - 1, made against the
        answer's evaluation `evaluation_revision`; False when another review was stored
        meanwhile or the answer was evaluated again (a corrected transcript)."""
        query: Document = {"_id": answer_id}
        query["review_version"] = version - 1 if version > 1 else {"$exists": False}
        query["evaluation_revision"] = evaluation_revision if evaluation_revision > 1 \
            else {"$exists": False}
        result = await self._answers.update_one(query, {"$set": {
            "expert_review": {**review, "version": version,
                              "reviewed_at": datetime.now(UTC).isoformat()},
            "review_version": version,
        }})
        return result.modified_count == 1

    async def written_by(self, user_id: str) -> list[Document]:
        """The reviews an expert wrote (for their data export), without the answers."""
        cursor = self._answers.find({"expert_review.expert_user_id": user_id})
        return [{"answer_id": doc["_id"], **doc["expert_review"]} async for doc in cursor]

    async def forget_reviewer(self, user_id: str) -> None:
        """An erased expert's reviews keep their marks (they are the candidate's results)
        without the expert's id, name or words. Idempotent."""
        async for doc in self._answers.find({"expert_review.expert_user_id": user_id}):
            review = doc["expert_review"]
            criteria = {name: {**c, "comment": ""} for name, c in review["criteria"].items()}
            await self._answers.update_one({"_id": doc["_id"]}, {"$set": {"expert_review": {
                **review, "expert_user_id": DELETED_USER, "expert_name": "", "comment": "",
                "criteria": criteria}}})
