"""Money records (`ledger`), received payment webhooks (`payment_events`) and session
feedback (`booking_feedback`).

Why ids instead of checks: each of these must be written at most once even when a webhook is
delivered twice, two processes settle one booking, or a user double-clicks. So every document
has a deterministic `_id` (`<booking>:payment`, `<booking>:refund`, the Stripe event id,
`<booking>:<side>`) and a second write is a duplicate key, never a second entry.
"""

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from mockmate.storage.bookings import DELETED_USER
from mockmate.storage.database import Document

LEDGER = "ledger"
EVENTS = "payment_events"
FEEDBACK = "booking_feedback"


class LedgerRepository:
    def __init__(self, db: AsyncDatabase[Document]):
        self._ledger = db[LEDGER]

    async def ensure_indexes(self) -> None:
        await self._ledger.create_index([("booking_id", ASCENDING)])
        await self._ledger.create_index([("expert_id", ASCENDING)])
        await self._ledger.create_index([("candidate_id", ASCENDING)])
        await self._ledger.create_index([("expert_user_id", ASCENDING)])

    async def record(self, entry: Document) -> bool:
        """Write `entry` unless one with its `_id` exists; True when this call wrote it."""
        try:
            await self._ledger.insert_one(entry)
        except DuplicateKeyError:
            return False
        return True

    async def for_booking(self, booking_id: str) -> list[Document]:
        cursor = self._ledger.find({"booking_id": booking_id}).sort("created_ts", ASCENDING)
        return [d async for d in cursor]

    async def for_user(self, user_id: str) -> list[Document]:
        query = {"$or": [{"candidate_id": user_id}, {"expert_user_id": user_id}]}
        return [d async for d in self._ledger.find(query).sort("created_ts", ASCENDING)]

    async def anonymize(self, user_id: str) -> None:
        for key in ("candidate_id", "expert_user_id"):
            await self._ledger.update_many({key: user_id}, {"$set": {key: DELETED_USER}})


class PaymentEventRepository:
    def __init__(self, db: AsyncDatabase[Document]):
        self._events = db[EVENTS]

    async def claim(self, event_id: str, record: Document) -> bool:
        """True when the event still needs handling: first delivery, or an earlier delivery
        that did not finish (its process failed); False for a replay of a handled event."""
        try:
            await self._events.insert_one({"_id": event_id, "state": "received", **record})
        except DuplicateKeyError:
            seen = await self._events.find_one({"_id": event_id}, {"state": 1})
            return seen is None or seen.get("state") != "handled"
        return True

    async def finish(self, event_id: str, outcome: str, at_ts: float) -> None:
        await self._events.update_one(
            {"_id": event_id}, {"$set": {"state": "handled", "outcome": outcome,
                                         "handled_ts": at_ts}}
        )


class FeedbackRepository:
    def __init__(self, db: AsyncDatabase[Document]):
        self._feedback = db[FEEDBACK]

    async def ensure_indexes(self) -> None:
        await self._feedback.create_index([("booking_id", ASCENDING)])
        await self._feedback.create_index([("author_id", ASCENDING)])
        await self._feedback.create_index([("subject_id", ASCENDING)])

    async def add(self, doc: Document) -> bool:
        """Store feedback once per booking and side; False when that side already gave it."""
        try:
            await self._feedback.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def for_booking(self, booking_id: str) -> dict[str, Document]:
        cursor = self._feedback.find({"booking_id": booking_id})
        return {d["side"]: d async for d in cursor}

    async def for_user(self, user_id: str) -> list[Document]:
        query = {"$or": [{"author_id": user_id}, {"subject_id": user_id}]}
        return [d async for d in self._feedback.find(query)]

    async def anonymize(self, user_id: str) -> None:
        """Replace `user_id` with "deleted-user" and drop the free text they wrote."""
        await self._feedback.update_many(
            {"author_id": user_id},
            {"$set": {"author_id": DELETED_USER}, "$unset": {"body.comment": ""}},
        )
        await self._feedback.update_many(
            {"subject_id": user_id}, {"$set": {"subject_id": DELETED_USER}}
        )
