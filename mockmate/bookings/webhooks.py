"""Payment webhooks: verified, handled once per event id, and the test-mode stand-in.

Why: Stripe delivers an event at least once, possibly to several processes at once, and
retries until it gets a 2xx. The signature is checked on the raw body before anything is
parsed; the event id is recorded in `payment_events` (its `_id`), and a replay of an event
already handled changes nothing. An event whose handling failed part-way is not marked
handled, so the redelivery finishes it; the handling itself (`Settlement`) is made of
conditional transitions, so running it twice cannot confirm, record or refund twice.
Test mode (no STRIPE_SECRET_KEY) builds the event Stripe would send and takes the same path.
"""

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from mockmate.bookings.payments.local import TestModePayments
from mockmate.bookings.payments.port import (
    ACCOUNT_UPDATED,
    PAYMENT_FAILED,
    PAYMENT_SUCCEEDED,
    PaymentEvent,
    PaymentProvider,
    WebhookSignatureError,
)
from mockmate.bookings.settlement import Settlement
from mockmate.bookings.status import BookingStatus
from mockmate.bookings.views import iso
from mockmate.errors import InvalidPayload, InvalidState
from mockmate.storage.booking_record import BookingRecord
from mockmate.storage.bookings import BookingRepository
from mockmate.storage.ledger import PaymentEventRepository

log = logging.getLogger(__name__)


class PaymentWebhooks:
    def __init__(
        self, *, events: PaymentEventRepository, bookings: BookingRepository,
        settlement: Settlement, provider: PaymentProvider,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.events = events
        self.bookings = bookings
        self.settlement = settlement
        self.provider = provider
        self._clock = clock
        # Set by the payouts wiring: handles `account.updated` (Connect onboarding).
        self.on_account_updated: Callable[[PaymentEvent], Awaitable[str]] | None = None
        # Handlers of other event types by type (the subscriptions wiring's).
        self.on_event: dict[str, Callable[[PaymentEvent], Awaitable[str]]] = {}

    async def receive(self, raw_body: bytes, signature: str | None) -> dict[str, Any]:
        """`POST /api/payments/webhook`: 400 `invalid_payload` unless properly signed."""
        try:
            event = self.provider.parse_webhook(raw_body, signature)
        except WebhookSignatureError as exc:
            raise InvalidPayload(f"rejected webhook: {exc}") from None
        outcome = await self.handle(event)
        return {"received": True, "event_id": event.id, "outcome": outcome}

    async def handle(self, event: PaymentEvent) -> str:
        """Apply `event` once; what happened ("duplicate" for a replay)."""
        now = self._clock()
        first = await self.events.claim(event.id, {
            "type": event.type, "booking_id": event.booking_id, "intent_id": event.intent_id,
            "livemode": event.livemode, "received_at": iso(now), "received_ts": now,
        })
        if not first:
            return "duplicate"
        outcome = "ignored"
        if event.type in (PAYMENT_SUCCEEDED, PAYMENT_FAILED):
            booking = await self._booking_of(event)
            if booking is None:
                outcome = "unknown booking"
                log.warning("payment event %s names no booking we know", event.id)
            elif event.type == PAYMENT_SUCCEEDED:
                outcome = await self.settlement.payment_succeeded(booking, event)
            else:
                outcome = await self.settlement.payment_failed(booking, event)
        elif event.type == ACCOUNT_UPDATED and self.on_account_updated is not None:
            outcome = await self.on_account_updated(event)
        elif event.type in self.on_event:
            outcome = await self.on_event[event.type](event)
        await self.events.finish(event.id, outcome, self._clock())
        log.info("payment event %s (%s): %s", event.id, event.type, outcome)
        return outcome

    async def test_payment(self, booking: BookingRecord, succeed: bool) -> str:
        """Test mode: the candidate pays (or fails to) for a pending booking."""
        if not isinstance(self.provider, TestModePayments):
            raise InvalidState(
                                "test payments exist only in test mode (no STRIPE_SECRET_KEY)")
        if booking.status != BookingStatus.PENDING_PAYMENT:
            raise InvalidState(
                                f"a {booking.status} booking is not awaiting payment")
        intent_id = booking.payment.intent_id
        if not intent_id:
            raise InvalidState("this booking has no payment to make")
        event = self.provider.test_event(intent_id, booking.id, booking.price_cents,
                                         succeed)
        return await self.handle(event)

    async def _booking_of(self, event: PaymentEvent) -> BookingRecord | None:
        if event.booking_id:
            booking = await self.bookings.get(event.booking_id)
            if booking is not None:
                return booking
        return await self.bookings.by_intent(event.intent_id) if event.intent_id else None
