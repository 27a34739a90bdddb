"""A booking's money and time after it is placed: payment, cancellation, expiry, refunds,
completion and no-shows, each as a conditional transition.

Why one module: webhooks, users, admins and the sweeper (in any number of processes) all move
bookings, often at the same moment. Every move here is a single conditional update on the
booking (`status` and `payment_state` as they were read), so exactly one actor wins and only
the winner does the follow-up work: writing the ledger, adjusting the expert's counters,
asking the provider for a refund. Follow-ups are themselves idempotent (ledger `_id`s,
refund idempotency keys, cells deleted by booking id), so redoing them after a crash is safe;
the sweeper redoes the ones that can be interrupted (`cells_state: releasing`,
`refund_status: pending`). A cancelled booking never changes status again, which is what
makes deleting all of its cells always safe.
"""

import logging
import secrets
import time
from collections.abc import Callable
from typing import Any, Literal

from mockmate.bookings.observer import MarketplaceObserver, NoObserver, observe
from mockmate.bookings.payments.port import (
    PaymentError,
    PaymentEvent,
    PaymentProvider,
    PaymentRequestError,
)
from mockmate.bookings.pricing import Split, refund_split
from mockmate.bookings.refunds import CancellationNotAllowed, Canceller, refund_for_cancellation
from mockmate.bookings.status import (
    HELD_STATUSES,
    LIVE_STATUSES,
    BookingStatus,
    PaymentState,
    unpaid_hold,
)
from mockmate.bookings.views import iso, to_dt
from mockmate.domain import CellsState, RefundStatus
from mockmate.errors import Conflict, InvalidState, NotFound
from mockmate.ports import Emitter
from mockmate.storage.booking_record import BookingRecord
from mockmate.storage.bookings import BookingRepository, SlotCells
from mockmate.storage.database import Document
from mockmate.storage.experts import ExpertRepository
from mockmate.storage.ledger import LedgerRepository

log = logging.getLogger(__name__)

Party = Literal["candidate", "expert"]
# A payment that arrives after its hold lapsed re-holds the time this long while confirming.
SECURE_HOLD_S = 300.0
PAYMENT_TIMEOUT = "payment timeout"
TIME_TAKEN = "the time was booked by someone else after the payment hold expired"


class Settlement:
    def __init__(
        self, *, bookings: BookingRepository, cells: SlotCells, ledger: LedgerRepository,
        experts: ExpertRepository, provider: PaymentProvider, meeting_url_base: str,
        emitter: Emitter | None = None, clock: Callable[[], float] = time.time,
        observer: MarketplaceObserver | None = None,
    ) -> None:
        self.bookings = bookings
        self.cells = cells
        self.ledger = ledger
        self.experts = experts
        self.provider = provider
        self._meeting_base = meeting_url_base.rstrip("/")
        self._emitter = emitter
        self._clock = clock
        self.observer: MarketplaceObserver = observer or NoObserver()

    # Payments ---------------------------------------------------------------------------

    async def payment_succeeded(self, booking: BookingRecord, event: PaymentEvent) -> str:
        """Confirm the booking the customer paid for; if it can no longer be held (cancelled,
        expired and taken), record the payment and refund it in full. Returns the outcome."""
        booking_id, now = booking.id, self._clock()
        known = booking.payment.intent_id
        if known and event.intent_id and event.intent_id != known:
            log.warning("payment %s does not belong to booking %s", event.intent_id, booking_id)
            return "ignored"
        if event.amount_cents and event.amount_cents != booking.price_cents:
            log.warning("payment %s of %d cents for booking %s of %d cents: ignored",
                        event.intent_id, event.amount_cents, booking_id, booking.price_cents)
            return "ignored"
        if booking.paid:
            await self._record_payment(booking)  # a no-op unless a crash lost it
            return "duplicate"
        intent_id = event.intent_id or known or ""
        if booking.status == BookingStatus.PENDING_PAYMENT:
            secured = await self.cells.secure(
                list(booking.cells), expert_id=booking.expert_id, booking_id=booking_id,
                first_ts=booking.start_ts, expires_ts=now + SECURE_HOLD_S,
            ) and await self._secure_seats(booking, now)
            if secured:
                confirmed = await self.bookings.transition(
                    booking_id, unpaid_hold(),
                    {"status": BookingStatus.CONFIRMED, "payment_state": PaymentState.PAID,
                     "paid_ts": now,
                     "confirmed_ts": now, "payment.intent_id": intent_id,
                     "meeting_url": f"{self._meeting_base}/{booking_id}-"
                                    f"{secrets.token_urlsafe(8)}"},
                )
                if confirmed is not None:
                    await self.cells.mark_booked(booking_id)
                    # `secure` worked from the booking as read: had a reschedule moved it
                    # meanwhile, it re-held the old time; keep only the current one.
                    await self.cells.keep_only(
                        booking_id, list(confirmed.cells),
                        confirmed.periods)
                    await self._record_payment(confirmed)
                    await self._notify(confirmed)
                    return "confirmed"
            else:
                await self._cancel_unpaid(booking, TIME_TAKEN)
        fresh = await self.bookings.get(booking_id)
        if fresh is None or fresh.status != BookingStatus.CANCELLED:
            return "duplicate"  # another delivery confirmed it meanwhile
        await self.release_cells(fresh)  # whatever `secure` re-held
        refunding = await self.bookings.transition(
            booking_id, {"status": BookingStatus.CANCELLED, "payment_state": PaymentState.UNPAID},
            {"payment_state": PaymentState.PAID, "paid_ts": now, "payment.intent_id": intent_id,
             "refund_cents": booking.price_cents, "refund_status": RefundStatus.PENDING,
             "refund_requested_ts": now,
             "refund_policy": "Paid after the booking was cancelled: full refund"},
        )
        if refunding is None:
            return "duplicate"
        await self._record_payment(refunding)
        await self.settle_refund(refunding)
        return "refunded"

    async def payment_failed(self, booking: BookingRecord, event: PaymentEvent) -> str:
        message = event.failure_message or "the payment failed"
        cancelled = await self._cancel_unpaid(booking, f"payment failed: {message}")
        return "cancelled" if cancelled else "ignored"

    async def expire(self, booking: BookingRecord) -> bool:
        """Cancel an unpaid booking whose hold has lapsed (any process may try; one wins)."""
        now = self._clock()
        cancelled = await self.bookings.transition(
            booking.id,
            {"status": BookingStatus.PENDING_PAYMENT, "payment_state": PaymentState.UNPAID,
             "hold_expires_ts": {"$lt": now}},
            cancelled_changes("system", None, PAYMENT_TIMEOUT, now),
        )
        if cancelled is None:
            return False
        await self._after_unpaid_cancel(cancelled)
        return True

    async def _cancel_unpaid(self, booking: BookingRecord, reason: str) -> BookingRecord | None:
        cancelled = await self.bookings.transition(
            booking.id, unpaid_hold(),
            cancelled_changes("system", None, reason, self._clock()),
        )
        if cancelled is not None:
            await self._after_unpaid_cancel(cancelled)
        return cancelled

    async def _after_unpaid_cancel(self, booking: BookingRecord) -> None:
        await self.release_cells(booking)
        await self.cancel_intent(booking)
        await self._notify(booking)

    async def cancel_intent(self, booking: BookingRecord) -> None:
        """Best effort: a PaymentIntent left open could still be paid, which a later
        `payment_succeeded` would refund anyway."""
        intent_id = booking.payment.intent_id
        if not intent_id:
            return
        try:
            await self.provider.cancel_intent(
                intent_id=intent_id, idempotency_key=f"booking-{booking.id}-cancel-intent"
            )
        except PaymentError as exc:
            log.info("could not cancel payment %s of booking %s: %s",
                     intent_id, booking.id, exc)

    # Cancellation, completion, no-shows -------------------------------------------------

    async def cancel(
        self, booking: BookingRecord, *, by: Canceller, actor_id: str | None, reason: str
    ) -> BookingRecord:
        """Cancel under the refund policy and start the refund; the cancelled booking."""
        for _ in range(3):  # a payment or another cancel may move it while we decide
            if booking.status not in LIVE_STATUSES:
                raise InvalidState(
                                    f"a {booking.status} booking cannot be cancelled")
            now = self._clock()
            paid = booking.price_cents if booking.paid else 0
            try:
                refund = refund_for_cancellation(by, to_dt(booking.start_ts), to_dt(now), paid)
            except CancellationNotAllowed as exc:
                raise InvalidState(str(exc)) from None
            changes = cancelled_changes(by, actor_id, reason, now)
            changes.update(refund_cents=refund.refund_cents, refund_percent=refund.percent,
                           refund_policy=refund.reason,
                           refund_status=RefundStatus.PENDING if refund.refund_cents
                           else RefundStatus.NONE,
                           refund_requested_ts=now)
            done = await self.bookings.transition(
                booking.id,
                {"status": booking.status, "payment_state": booking.payment_state},
                changes,
            )
            if done is not None:
                break
            fresh = await self.bookings.get(booking.id)
            if fresh is None:
                raise NotFound("no such booking")
            booking = fresh
        else:
            raise Conflict("the booking keeps changing; try again")
        await self.release_cells(done)
        if paid and by != "system":  # an admin cancelling is neither party's record
            await self.experts.bump(done.expert_id, {f"{by}_cancellations": 1})
        if not paid:
            await self.cancel_intent(done)
        await self._notify(done)
        return await self.settle_refund(done)

    async def complete(self, booking: BookingRecord) -> BookingRecord | None:
        now = self._clock()
        done = await self.bookings.transition(
            booking.id, {"status": BookingStatus.CONFIRMED},
            {"status": BookingStatus.COMPLETED, "completed_ts": now},
        )
        if done is not None:
            await self.experts.bump(done.expert_id, {"completed_sessions": 1},
                                    last_session_ts=done.end_ts)
            await self._notify(done)
        return done

    async def no_show(
        self, booking: BookingRecord, *, absent: Party, marked_by: str
    ) -> BookingRecord:
        now = self._clock()
        if booking.status != BookingStatus.CONFIRMED:
            raise InvalidState(
                                f"a {booking.status} booking cannot be marked as a no-show")
        if now < booking.start_ts:
            raise InvalidState("the session has not started yet")
        changes: dict[str, Any] = {
            "status": BookingStatus.NO_SHOW, "no_show_ts": now,
            "no_show": {"party": absent, "marked_by": marked_by, "at": iso(now)},
        }
        if absent == "expert":
            changes.update(refund_cents=booking.price_cents, refund_percent=100,
                           refund_status=RefundStatus.PENDING, refund_requested_ts=now,
                           refund_policy="The expert did not attend: full refund")
        done = await self.bookings.transition(
            booking.id, {"status": BookingStatus.CONFIRMED}, changes
        )
        if done is None:
            raise InvalidState("the booking changed meanwhile")
        await self.experts.bump(done.expert_id, {f"{absent}_no_shows": 1})
        await self._notify(done)
        return await self.settle_refund(done)

    # Follow-ups (idempotent; the sweeper retries them) ------------------------------------

    async def _secure_seats(self, booking: BookingRecord, now: float) -> bool:
        """Make sure a paying booking still has its day and week seats (its hold may have
        lapsed and a seat been taken): renew the ones it has, claim free ones for the rest."""
        expires = now + SECURE_HOLD_S
        await self.cells.renew_seats(booking.id, expires)
        for seat in booking.seats:
            if not await self.cells.claim_seat(
                booking.expert_id, seat.period, seat.capacity,
                booking_id=booking.id, expires_ts=expires, now_ts=now,
            ):
                return False
        return True

    async def release_cells(self, booking: BookingRecord) -> None:
        await self.cells.release(booking.id)
        await self.bookings.set_fields(booking.id, {"cells_state": CellsState.RELEASED})

    async def settle_refund(self, booking: BookingRecord) -> BookingRecord:
        """Refund what the booking owes through the provider (once, by idempotency key) and
        reverse the ledger in proportion; the booking as it is afterwards."""
        if booking.refund_status != RefundStatus.PENDING:
            return booking
        try:
            refund = await self.provider.refund(
                intent_id=(booking.payment.intent_id or ""),
                amount_cents=booking.refund_cents,
                idempotency_key=f"booking-{booking.id}-refund",
                reason=f"cancelled by {booking.cancelled_by or 'no-show'}",
            )
        except PaymentRequestError as exc:
            log.error("refund of booking %s refused: %s", booking.id, exc)
            failed = await self.bookings.transition(
                booking.id, {"refund_status": RefundStatus.PENDING},
                {"refund_status": RefundStatus.FAILED, "refund_error": str(exc)},
            )
            return failed or booking
        except PaymentError as exc:
            log.warning("refund of booking %s will be retried: %s", booking.id, exc)
            return booking
        done = await self.bookings.transition(
            booking.id, {"refund_status": RefundStatus.PENDING},
            {"refund_status": RefundStatus.SUCCEEDED, "refund_id": refund.id,
             "refunded_ts": self._clock()},
        )
        if done is None:
            return await self.bookings.get(booking.id) or booking
        reversal = refund_split(_split(done), done.refund_cents)
        if await self.ledger.record(self._entry(done, "refund", refund.id, reversal, -1)):
            await self.experts.bump(done.expert_id, {"earnings_cents": -reversal.net_cents})
        return done

    async def _record_payment(self, booking: BookingRecord) -> None:
        intent_id = booking.payment.intent_id
        entry = self._entry(booking, "payment", intent_id, _split(booking), 1)
        if await self.ledger.record(entry):
            deltas = {"earnings_cents": booking.net_cents}
            if booking.status in HELD_STATUSES:
                deltas["sessions_booked"] = 1
            await self.experts.bump(booking.expert_id, deltas)

    def _entry(
        self, booking: BookingRecord, kind: str, reference: str | None, split: Split, sign: int
    ) -> Document:
        now = self._clock()
        return {
            "_id": f"{booking.id}:{kind}", "booking_id": booking.id, "kind": kind,
            "expert_id": booking.expert_id, "expert_user_id": booking.expert_user_id,
            "candidate_id": booking.candidate_id,
            "gross_cents": sign * split.gross_cents, "fee_cents": sign * split.fee_cents,
            "net_cents": sign * split.net_cents, "currency": split.currency,
            "provider": booking.payment.provider, "reference": reference,
            "created_at": iso(now), "created_ts": now,
        }

    async def _notify(self, booking: BookingRecord) -> None:
        """`booking:update {booking_id, status}` to both parties' sockets (best effort), and
        the change to the observer (notifications)."""
        await observe(self.observer.booking_changed(booking), f"booking {booking.id}")
        await self.emit_update(booking)

    async def emit_update(self, booking: BookingRecord) -> None:
        """`booking:update {booking_id, status}` to both parties' sockets (best effort)."""
        if self._emitter is None:
            return
        data = {"booking_id": booking.id, "status": booking.status}
        for user_id in {booking.candidate_id, booking.expert_user_id}:
            try:
                await self._emitter.to_user(user_id, "booking:update", data)
            except Exception:
                log.warning("could not notify %s about booking %s", user_id, booking.id,
                            exc_info=True)


def cancelled_changes(
    by: Canceller, actor_id: str | None, reason: str, now: float
) -> Document:
    """The fields every cancellation sets (the refund fields are overridden when owed)."""
    return {"status": BookingStatus.CANCELLED, "cancelled_by": by, "cancel_actor": actor_id,
            "cancel_reason": reason, "cancelled_ts": now, "cells_state": CellsState.RELEASING,
            "refund_cents": 0, "refund_status": RefundStatus.NONE}


def _split(booking: BookingRecord) -> Split:
    return Split(gross_cents=booking.price_cents, fee_cents=booking.fee_cents,
                 net_cents=booking.net_cents, currency=booking.currency)
