"""Pure payout rules: where a booking's money stands for its expert, and the totals.

Why pure: "pending", "available" and "paid" are what an expert reads on their earnings page
and what decides a transfer; they are functions of the booking, its ledger net and the
clock, tested without a database.
"""

from collections.abc import Iterable
from typing import Literal, Protocol

from pydantic import BaseModel

from mockmate.domain import BookingStatus

Stage = Literal["pending", "available", "paid"]
# The expert earns from these: the session took place (or the candidate did not come).
_EARNED = (BookingStatus.COMPLETED, BookingStatus.NO_SHOW)


class _Absence(Protocol):
    @property
    def party(self) -> str: ...


class Booked(Protocol):
    """What the rules read of a booking (a `storage.booking_record.BookingRecord`)."""

    @property
    def status(self) -> BookingStatus: ...

    @property
    def end_ts(self) -> float: ...

    @property
    def no_show(self) -> _Absence | None: ...


def stage(booking: Booked, net_cents: int, *, paid: bool, now_ts: float,
          delay_s: float) -> Stage | None:
    """`paid` once transferred; `available` once the session ended `delay_s` ago (the
    window in which it could still be refunded) with money left to pay; `pending` before
    that; None when the expert is owed nothing from it."""
    if paid:
        return "paid"
    if net_cents <= 0:
        return None
    status = booking.status
    if status == BookingStatus.NO_SHOW and booking.no_show and booking.no_show.party == "expert":
        return None
    if status in _EARNED and booking.end_ts + delay_s <= now_ts:
        return "available"
    if status in (BookingStatus.CONFIRMED, *_EARNED):
        return "pending"
    return None


class Totals(BaseModel):
    pending_cents: int = 0
    available_cents: int = 0
    paid_cents: int = 0


def totals(rows: Iterable[tuple[Stage, int]]) -> Totals:
    out = Totals()
    for where, cents in rows:
        setattr(out, f"{where}_cents", getattr(out, f"{where}_cents") + cents)
    return out
