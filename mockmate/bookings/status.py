"""Which booking statuses count as what, for the booking rules, queries and views (the
statuses themselves are `domain.BookingStatus`)."""

from typing import Any

from mockmate.domain import BookingStatus, PaymentState

__all__ = ["HELD_STATUSES", "LIVE_STATUSES", "BookingStatus", "PaymentState", "unpaid_hold"]

# Bookings that still hold their expert's time.
LIVE_STATUSES = (BookingStatus.PENDING_PAYMENT, BookingStatus.CONFIRMED)
# Bookings that took place (or were due to): feedback and calendar entries refer to them.
HELD_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW)


def unpaid_hold() -> dict[str, Any]:
    """The filter of a booking still waiting for its payment."""
    return {"status": BookingStatus.PENDING_PAYMENT, "payment_state": PaymentState.UNPAID}
