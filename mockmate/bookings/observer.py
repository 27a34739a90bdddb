"""What the marketplace tells the rest of the server about its events (notifications today).

Why a narrow protocol: the marketplace must not depend on how anyone is told; it reports a
booking that changed or moved, feedback that was left and an expert's verification decided,
and the wiring plugs in whoever listens (`notifications.triggers`). A listener's failure never
fails the marketplace's own work (`observe` logs it).
"""

import logging
from collections.abc import Awaitable
from typing import Protocol

from mockmate.storage.booking_record import BookingRecord
from mockmate.storage.database import Document

log = logging.getLogger(__name__)


class MarketplaceObserver(Protocol):
    async def booking_changed(self, booking: BookingRecord) -> None:
        """`booking` was placed (`pending_payment`) or moved to its current status."""

    async def booking_rescheduled(self, booking: BookingRecord, previous_start_ts: float) -> None:
        """`booking` now starts at its `start_ts` instead of `previous_start_ts`."""

    async def feedback_left(self, booking: BookingRecord, side: str) -> None:
        """The `side` ("candidate" or "expert") left feedback on `booking`."""

    async def expert_decided(self, expert: Document, document_type: str, approved: bool,
                             notes: str | None) -> None:
        """An admin decided one of `expert`'s documents; `expert` is as it is afterwards."""


class NoObserver:
    async def booking_changed(self, booking: BookingRecord) -> None:
        return None

    async def booking_rescheduled(self, booking: BookingRecord, previous_start_ts: float) -> None:
        return None

    async def feedback_left(self, booking: BookingRecord, side: str) -> None:
        return None

    async def expert_decided(self, expert: Document, document_type: str, approved: bool,
                             notes: str | None) -> None:
        return None


async def observe(call: Awaitable[None], what: str) -> None:
    """Await a listener, logging (not raising) its failure."""
    try:
        await call
    except Exception:
        log.warning("could not report %s", what, exc_info=True)
