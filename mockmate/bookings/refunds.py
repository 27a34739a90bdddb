"""Cancellation refund policy, as one pure function.

Why: how much a cancelled booking refunds depends only on who cancelled, how long before the
session they did it, and what was actually paid. Keeping that rule here (and out of handlers)
makes the boundaries exact and testable: an expert cancelling refunds everything; a candidate
gets everything back 24 h or more ahead, half (rounded half-up to the cent) from 2 h up to
24 h ahead, nothing inside 2 h; a system cancellation (payment timeout) happens before anything
was captured. Nobody can cancel a session that has already started.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from mockmate.bookings.pricing import div_half_up

Canceller = Literal["expert", "candidate", "system"]

FULL_REFUND_NOTICE = timedelta(hours=24)
HALF_REFUND_NOTICE = timedelta(hours=2)


class CancellationNotAllowed(ValueError):
    """The booking can no longer be cancelled (its session has started)."""


@dataclass(frozen=True)
class Refund:
    """How much of the paid amount goes back to the candidate, and why (shown to users)."""

    refund_cents: int
    percent: int
    reason: str


def refund_for_cancellation(
    cancelled_by: Canceller, session_start: datetime, now: datetime, paid_cents: int
) -> Refund:
    """The refund owed when `cancelled_by` cancels at `now` a session starting at
    `session_start`, of which `paid_cents` were captured (0 while payment is pending).

    Raises `CancellationNotAllowed` at or after the session start, and ValueError for naive
    datetimes or a negative amount."""
    for value, what in ((session_start, "session_start"), (now, "now")):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{what} must be a timezone-aware datetime")
    # In UTC: subtracting two datetimes of one zone gives the wall-clock difference, which is
    # an hour off across a DST change.
    session_start, now = session_start.astimezone(UTC), now.astimezone(UTC)
    if paid_cents < 0:
        raise ValueError("paid_cents must not be negative")
    if now >= session_start:
        raise CancellationNotAllowed(
            "the session has already started and can no longer be cancelled"
        )
    if cancelled_by == "expert":
        return Refund(paid_cents, 100, "Cancelled by the expert: full refund")
    if cancelled_by == "system":
        # Payment timeout / unpaid: nothing was captured, so nothing goes back. Should a system
        # cancellation ever hit a paid booking, the candidate is not the one at fault: refund all.
        if paid_cents == 0:
            return Refund(0, 0, "Cancelled before payment was completed: nothing was charged")
        return Refund(paid_cents, 100, "Cancelled by MockMate: full refund")
    if cancelled_by != "candidate":
        raise ValueError(f"unknown canceller {cancelled_by!r}")
    notice = session_start - now
    if notice >= FULL_REFUND_NOTICE:
        return Refund(paid_cents, 100, "Cancelled 24 hours or more before the session: full refund")
    if notice >= HALF_REFUND_NOTICE:
        return Refund(
            div_half_up(paid_cents, 2),
            50,
            "Cancelled between 2 and 24 hours before the session: 50% refund",
        )
    return Refund(0, 0, "Cancelled less than 2 hours before the session: no refund")
