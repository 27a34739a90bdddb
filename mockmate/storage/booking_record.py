"""The typed record of a booking document, as `storage/bookings.py` reads and writes it.

`BookingRepository` returns these frozen models instead of raw documents, so the marketplace
reads `booking.status` (a `BookingStatus`) and `booking.payment.intent_id`, and mypy sees every
field. Like the interview and answer records (`records.py`), they are read leniently: a
booking written by an older version may lack the fields added since (reschedules, seats, the
move lock, refund details: they take their defaults) or carry fields no longer declared
(`extra="allow"` keeps them, so an exported booking is not cut short), and `document()` gives
back what was read or set. Conditional updates still name fields by their stored paths
(`payment.intent_id`, `move.token`); the record is what they return.
"""

from typing import Any, Literal

from pydantic import Field, field_serializer

from mockmate.domain import BookingStatus, CellsState, PaymentState, RefundStatus
from mockmate.storage.records import Record


class StoredPayment(Record):
    """The booking's PaymentIntent at its provider (`intent_id` is set once it is opened)."""

    provider: str | None = None
    intent_id: str | None = None
    client_secret: str | None = None


class StoredSeat(Record):
    """One day or week seat the booking takes ("day:…"/"week:…" of `capacity` seats)."""

    period: str
    capacity: int


class NoShow(Record):
    """Who did not attend, who said so and when (ISO); sent to clients as it is stored."""

    party: Literal["candidate", "expert"]
    marked_by: str
    at: str | None = None


class MoveLock(Record):
    """A reschedule in progress (`bookings/moves.py`): whose lock, since when, and when the
    booking was pointed at its new time."""

    token: str | None = None
    started_ts: float | None = None
    moved_ts: float | None = None


class BookingRecord(Record):
    """One booked (or held) session: its parties, time, price, payment and what became of it.
    Instants are epoch seconds (`*_ts`); `start_at` and `created_at` are ISO strings."""

    id: str = Field(alias="_id")
    expert_id: str
    expert_user_id: str
    candidate_id: str
    session_type: str
    duration_min: int
    start_ts: float
    end_ts: float
    start_at: str | None = None
    cells: tuple[str, ...] = ()
    seats: tuple[StoredSeat, ...] = ()
    price_cents: int
    fee_cents: int = 0
    net_cents: int = 0
    currency: str
    status: BookingStatus
    payment_state: PaymentState = PaymentState.UNPAID
    cells_state: CellsState = CellsState.HELD
    hold_expires_ts: float | None = None
    payment: StoredPayment = Field(default_factory=StoredPayment)
    created_at: str | None = None
    created_ts: float | None = None
    # Paid and confirmed.
    paid_ts: float | None = None
    confirmed_ts: float | None = None
    meeting_url: str | None = None
    # Cancelled, and what is refunded.
    cancelled_by: str | None = None
    cancel_actor: str | None = None
    cancel_reason: str | None = None
    cancelled_ts: float | None = None
    refund_cents: int = 0
    refund_status: RefundStatus = RefundStatus.NONE
    refund_percent: int | None = None
    refund_policy: str | None = None
    refund_requested_ts: float | None = None
    refund_id: str | None = None
    refunded_ts: float | None = None
    refund_error: str | None = None
    # Taken place, or not.
    completed_ts: float | None = None
    no_show: NoShow | None = None
    no_show_ts: float | None = None
    # Moved (`bookings/moves.py`).
    reschedules: int = 0
    previous_start_ts: float | None = None
    rescheduled_ts: float | None = None
    rescheduled_by: Literal["candidate", "expert"] | None = None
    move: MoveLock | None = None
    # Interviews the candidate attached for the expert (`reviews/`).
    review_interview_ids: tuple[str, ...] = ()

    @field_serializer("cells", "review_interview_ids")
    def _strings(self, values: tuple[str, ...]) -> list[str]:
        return list(values)

    @field_serializer("seats")
    def _seats(self, seats: tuple[StoredSeat, ...]) -> list[dict[str, Any]]:
        return [seat.document() for seat in seats]

    @property
    def periods(self) -> list[str]:
        """The day and week periods whose seats the booking takes."""
        return [seat.period for seat in self.seats]

    @property
    def move_token(self) -> str | None:
        """The token of the reschedule holding the booking's lock, if any."""
        return None if self.move is None else self.move.token

    @property
    def paid(self) -> bool:
        return self.payment_state == PaymentState.PAID
