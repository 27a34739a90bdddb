"""A user's marketplace data as a whole: for `GET /api/me/export` and `DELETE /api/me`.

Why erasure cancels before it forgets: the other party of an upcoming session must be told and
refunded under the usual policy (candidate rules when the user was the candidate, a full refund
when they were the expert), and the time must be freed. Then the expert profile and its files
go, and the bookings, ledger entries and feedback that have to stay (the other party's history,
the books) keep no trace of who the user was: their id becomes "deleted-user" and what they
wrote is dropped. Every step is idempotent, so an erasure interrupted by a crash is re-run.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from mockmate.bookings.settlement import Party, Settlement
from mockmate.bookings.status import LIVE_STATUSES
from mockmate.bookings.views import booking_view, expert_view, ledger_view
from mockmate.errors import MockMateError
from mockmate.storage.bookings import BookingRepository
from mockmate.storage.database import Document
from mockmate.storage.experts import ExpertDocumentStore, ExpertRepository
from mockmate.storage.ledger import FeedbackRepository, LedgerRepository

log = logging.getLogger(__name__)
ERASED_REASON = "account deleted"


def feedback_view(entry: Document, user_id: str) -> dict[str, Any]:
    return {
        "booking_id": entry["booking_id"],
        "side": entry["side"],
        "given": entry["author_id"] == user_id,
        **entry["body"],
        "created_at": entry.get("created_at"),
    }


class MarketplaceAccount:
    def __init__(
        self, *, experts: ExpertRepository, documents: ExpertDocumentStore,
        bookings: BookingRepository, ledger: LedgerRepository, feedback: FeedbackRepository,
        settlement: Settlement, clock: Callable[[], float] = time.time,
    ) -> None:
        self.experts = experts
        self.documents = documents
        self.bookings = bookings
        self.ledger = ledger
        self.feedback = feedback
        self.settlement = settlement
        self._clock = clock

    async def export_user(self, user_id: str) -> dict[str, Any]:
        expert = await self.experts.by_user(user_id)
        return {
            "expert": expert_view(expert, private=True) if expert else None,
            "bookings": [booking_view(b, viewer_id=user_id)
                         for b in await self.bookings.all_for_user(user_id)],
            "feedback": [feedback_view(f, user_id)
                         for f in await self.feedback.for_user(user_id)],
            "ledger": [ledger_view(e) for e in await self.ledger.for_user(user_id)],
        }

    async def erase_user(self, user_id: str) -> None:
        now = self._clock()
        for booking in await self.bookings.all_for_user(user_id):
            if booking.status not in LIVE_STATUSES or booking.start_ts <= now:
                continue
            by: Party = "candidate" if booking.candidate_id == user_id else "expert"
            try:
                await self.settlement.cancel(booking, by=by, actor_id=None,
                                             reason=ERASED_REASON)
            except MockMateError as exc:  # it moved meanwhile (paid, cancelled, started)
                log.info("erasure left booking %s as it is: %s", booking.id, exc.message)
        expert = await self.experts.by_user(user_id)
        if expert is not None:
            await self.documents.delete_for_expert(expert["_id"])
            await self.experts.delete(expert["_id"])
        await self.bookings.anonymize(user_id)
        await self.ledger.anonymize(user_id)
        await self.feedback.anonymize(user_id)
