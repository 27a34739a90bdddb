"""Booking a session, and what its two parties do with it afterwards.

Why this order when booking: the time is claimed first, by inserting one unique cell per 15
minutes (`SlotCells.hold`), so of any number of concurrent requests exactly one gets it and
the others answer `conflict` without ever having written a booking. Only then are the booking
document and the PaymentIntent created (one idempotency key per booking, so a retried call
cannot open two). If the provider fails, the booking is cancelled and its cells freed at once;
if the process dies in between, the cells carry the hold's expiry and the sweeper frees them.
"""

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from mockmate.bookings.holds import slot_keys
from mockmate.bookings.observer import observe
from mockmate.bookings.payments.port import PaymentError, PaymentIntent, PaymentProvider
from mockmate.bookings.pricing import quote
from mockmate.bookings.queries import BookingListQuery
from mockmate.bookings.refunds import Canceller
from mockmate.bookings.rules import (
    BookingRules,
    held_interval,
    notice,
    off_days,
    seat_demands,
    within_horizon,
)
from mockmate.bookings.schemas import (
    Availability,
    BookingRequest,
    CandidateFeedback,
    ExpertFeedback,
)
from mockmate.bookings.settlement import Party, Settlement, cancelled_changes
from mockmate.bookings.slots import is_offered
from mockmate.bookings.status import BookingStatus, PaymentState
from mockmate.bookings.views import booking_view, iso, to_dt
from mockmate.domain import CellsState, RefundStatus
from mockmate.errors import (
    Conflict,
    InvalidPayload,
    InvalidState,
    NotFound,
    Unavailable,
    invalid_payload,
)
from mockmate.storage.booking_record import BookingRecord, StoredPayment, StoredSeat
from mockmate.storage.bookings import BookingRepository, SlotCells
from mockmate.storage.database import Document
from mockmate.storage.experts import ExpertRepository
from mockmate.storage.ledger import FeedbackRepository
from mockmate.storage.users import User

_DAY = timedelta(days=1)

def party_of(user: User, booking: BookingRecord) -> Party | None:
    if booking.candidate_id == user.id:
        return "candidate"
    if booking.expert_user_id == user.id:
        return "expert"
    return None


def check_offered(
    expert: Document, start: datetime, duration_min: int, *, now: float,
    platform_notice: timedelta,
) -> BookingRules:
    """The expert's booking rules, once `start` (UTC) for `duration_min` is shown to be one of
    their free slots now (weekly hours, blackout and vacation days, notice, horizon); raises
    `invalid_state` while they are paused and `invalid_payload` for a time not offered.
    Bookings and reschedules both ask this; cells and seats then settle concurrency."""
    availability = Availability.model_validate(expert["availability"])
    rules = availability.rules()
    if rules.paused:
        raise InvalidState("this expert is not taking bookings at the moment")
    day = start.date()
    offered = within_horizon(start, to_dt(now), rules) and is_offered(
        start, duration_min, weekly=availability.windows(),
        expert_tz=expert["time_zone"], now=to_dt(now),
        blackout_dates=off_days(availability.blackout_dates, rules, day - _DAY, day + _DAY),
        min_notice=notice(platform_notice, rules),
    )
    if not offered:
        raise InvalidPayload(
            "the expert does not offer this time; pick one from GET "
            f"/api/experts/{expert['_id']}/slots",
        )
    return rules


class BookingService:
    def __init__(
        self, *, experts: ExpertRepository, bookings: BookingRepository, cells: SlotCells,
        feedback: FeedbackRepository, settlement: Settlement, provider: PaymentProvider,
        hold: timedelta, min_notice: timedelta, clock: Callable[[], float] = time.time,
    ) -> None:
        self.experts = experts
        self.bookings = bookings
        self.cells = cells
        self.feedback = feedback
        self.settlement = settlement
        self.provider = provider
        self._hold = hold
        self._min_notice = min_notice
        self._clock = clock

    async def book(self, user: User, req: BookingRequest) -> tuple[BookingRecord, PaymentIntent]:
        expert = await self.experts.get(req.expert_id)
        if expert is None or expert["status"] != "active":
            raise NotFound("no such expert")
        if expert["user_id"] == user.id:
            raise InvalidPayload("you cannot book yourself")
        rate = expert["pricing"].get(req.session_type)
        if rate is None:
            raise InvalidPayload(
                                f"this expert does not offer {req.session_type} sessions")
        now = self._clock()
        start = req.start.astimezone(UTC)
        end = start + timedelta(minutes=req.duration_min)
        rules = check_offered(expert, start, req.duration_min, now=now,
                              platform_notice=self._min_notice)
        try:
            keys = slot_keys(expert["_id"], *held_interval(start, end, rules))
        except ValueError as exc:
            raise InvalidPayload(str(exc)) from None
        booking_id = uuid.uuid4().hex
        expires = now + self._hold.total_seconds()
        held = await self.cells.hold(keys, expert_id=expert["_id"], booking_id=booking_id,
                                     first_ts=start.timestamp(), expires_ts=expires,
                                     now_ts=now)
        if not held:
            raise Conflict("this time is no longer available")
        seats = seat_demands(start, expert["time_zone"], rules)
        for seat in seats:
            if not await self.cells.claim_seat(expert["_id"], seat.period, seat.capacity,
                                               booking_id=booking_id, expires_ts=expires,
                                               now_ts=now):
                await self.cells.release(booking_id)
                unit = seat.period.split(":")[0]
                raise Conflict(
                    f"the expert takes at most {seat.capacity} sessions a {unit}, "
                    f"and that {unit} is full",
                )
        split = quote(int(rate["hourly_cents"]), req.duration_min, expert["currency"])
        booking = BookingRecord(
            id=booking_id, expert_id=expert["_id"], expert_user_id=expert["user_id"],
            candidate_id=user.id, session_type=req.session_type,
            duration_min=req.duration_min, start_ts=start.timestamp(),
            end_ts=end.timestamp(), start_at=start.isoformat(), cells=tuple(keys),
            seats=tuple(StoredSeat(period=x.period, capacity=x.capacity) for x in seats),
            price_cents=split.gross_cents, fee_cents=split.fee_cents,
            net_cents=split.net_cents, currency=split.currency,
            status=BookingStatus.PENDING_PAYMENT, payment_state=PaymentState.UNPAID,
            cells_state=CellsState.HELD, hold_expires_ts=expires, refund_cents=0,
            refund_status=RefundStatus.NONE,
            payment=StoredPayment(provider=self.provider.name, intent_id=None,
                                  client_secret=None),
            created_at=iso(now), created_ts=now,
        )
        try:
            await self.bookings.insert(booking)
        except BaseException:
            await self.cells.release(booking_id)
            raise
        try:
            intent = await self.provider.create_intent(
                booking_id=booking_id, amount_cents=split.gross_cents, currency=split.currency,
                metadata={"booking_id": booking_id, "expert_id": expert["_id"],
                          "candidate_id": user.id},
                idempotency_key=f"booking-{booking_id}-intent",
            )
        except PaymentError as exc:
            await self.bookings.transition(
                booking_id, {"status": BookingStatus.PENDING_PAYMENT},
                cancelled_changes("system", None, "the payment could not be started",
                                  self._clock()),
            )
            await self.settlement.release_cells(booking)
            raise Unavailable(
                                f"payments are unavailable, try again later ({exc})") from None
        payment = StoredPayment(provider=self.provider.name, intent_id=intent.id,
                                client_secret=intent.client_secret)
        await self.bookings.set_fields(booking_id, {"payment": payment.document()})
        booking = booking.model_copy(update={"payment": payment})
        await observe(self.settlement.observer.booking_changed(booking), f"booking {booking_id}")
        return booking, intent

    async def for_party(
        self, user: User, booking_id: str, *, admin_ok: bool = True
    ) -> BookingRecord:
        booking = await self.bookings.get(booking_id)
        if booking is None or (party_of(user, booking) is None
                               and not (admin_ok and user.is_admin)):
            raise NotFound("no such booking")
        return booking

    async def view(self, user: User, booking: BookingRecord) -> dict[str, Any]:
        feedback = await self.feedback.for_booking(booking.id)
        return booking_view(booking, viewer_id=user.id, feedback=feedback)

    async def list(self, user: User, q: BookingListQuery) -> dict[str, Any]:
        docs, total = await self.bookings.for_user(
            user.id, role=q.role, status=q.status, page=q.page, per_page=q.per_page
        )
        return {"bookings": [booking_view(d, viewer_id=user.id) for d in docs],
                "page": q.page, "per_page": q.per_page, "total": total}

    async def cancel(self, user: User, booking_id: str, reason: str) -> BookingRecord:
        booking = await self.for_party(user, booking_id)
        party = party_of(user, booking)
        by: Canceller = "system" if party is None else party  # an admin cancels as MockMate
        return await self.settlement.cancel(booking, by=by, actor_id=user.id, reason=reason)

    async def no_show(self, user: User, booking_id: str) -> BookingRecord:
        booking = await self.for_party(user, booking_id, admin_ok=False)
        absent: Party = "expert" if party_of(user, booking) == "candidate" else "candidate"
        return await self.settlement.no_show(booking, absent=absent, marked_by=user.id)

    async def leave_feedback(
        self, user: User, booking_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        """The caller's feedback on the session: once per side, only after it ended."""
        booking = await self.for_party(user, booking_id, admin_ok=False)
        side = party_of(user, booking)
        assert side is not None  # for_party let only the two parties through
        model: type[CandidateFeedback | ExpertFeedback] = (
            CandidateFeedback if side == "candidate" else ExpertFeedback
        )
        try:
            parsed = model.model_validate(body)
        except ValidationError as exc:
            raise invalid_payload(exc) from None
        if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.COMPLETED):
            raise InvalidState(
                                f"a {booking.status} booking takes no feedback")
        now = self._clock()
        if now < booking.end_ts:
            raise InvalidState(
                                "feedback opens when the session has ended")
        other = booking.expert_user_id if side == "candidate" else booking.candidate_id
        entry: Document = {
            "_id": f"{booking_id}:{side}", "booking_id": booking_id, "side": side,
            "author_id": user.id, "subject_id": other, "expert_id": booking.expert_id,
            "body": parsed.model_dump(mode="json"), "created_at": iso(now), "created_ts": now,
        }
        added = await self.feedback.add(entry)
        stored = entry if added else (await self.feedback.for_booking(booking_id)).get(side)
        if stored is not None and side == "candidate":
            # Idempotent: a repeat finishes counting a rating that a crash interrupted.
            rated = CandidateFeedback.model_validate(stored["body"])
            await self.experts.add_rating(
                booking.expert_id, booking_id, rated.rating, rated.would_recommend
            )
        if booking.status == BookingStatus.CONFIRMED:
            await self.settlement.complete(booking)
        if not added:
            raise Conflict("you already left feedback for this session")
        await observe(self.settlement.observer.feedback_left(booking, side),
                      f"feedback on {booking_id}")
        return {"booking_id": booking_id, "side": side, **entry["body"],
                "created_at": entry["created_at"]}
