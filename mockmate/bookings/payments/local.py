"""Test mode (no STRIPE_SECRET_KEY): a payment provider that goes through Stripe's lifecycle
without a network.

It keeps no state: intent and refund ids are HMACs of the idempotency key, so every process
agrees on them, and its webhooks are signed like Stripe's and take the same verification
path. `POST /api/bookings/{id}/test-payment` stands in for the customer paying.
"""

import hashlib
import hmac
import json
import time
from typing import Any

import stripe

from mockmate.bookings.payments.port import (
    PAYMENT_FAILED,
    PAYMENT_SUCCEEDED,
    WEBHOOK_TOLERANCE_S,
    PaymentEvent,
    PaymentIntent,
    PaymentRequestError,
    Refund,
    WebhookSignatureError,
    event_from_dict,
)


class TestModePayments:
    """`PaymentProvider` without Stripe (no STRIPE_SECRET_KEY): deterministic, stateless ids,
    and `test_event`/`test_webhook` standing in for the customer paying. It cannot know an
    intent's amount, so refund limits are the booking layer's to enforce."""

    __test__ = False  # not a pytest test class
    name = "test"

    def __init__(self, webhook_secret: str) -> None:
        # Per installation (STRIPE_WEBHOOK_SECRET or one generated in the data dir): a secret
        # anyone can read would let them sign a `payment_failed` and cancel any booking.
        if not webhook_secret:
            raise ValueError("test-mode payments need a webhook signing secret")
        self.webhook_secret = webhook_secret

    async def create_intent(
        self,
        *,
        booking_id: str,
        amount_cents: int,
        currency: str,
        metadata: dict[str, str],
        idempotency_key: str,
    ) -> PaymentIntent:
        if amount_cents <= 0 or len(currency) != 3 or not currency.isalpha():
            raise PaymentRequestError(
                "amount must be positive cents with an ISO currency", "parameter_invalid_integer"
            )
        intent_id = "pi_test_" + self._digest("intent", idempotency_key)
        secret = f"{intent_id}_secret_{self._digest('secret', intent_id)}"
        return PaymentIntent(
            intent_id, secret, "requires_payment_method", amount_cents, currency.lower()
        )

    async def refund(
        self, *, intent_id: str, amount_cents: int, idempotency_key: str, reason: str | None
    ) -> Refund:
        self._check_intent(intent_id)
        if amount_cents <= 0:
            raise PaymentRequestError("refund amount must be positive", "amount_too_small")
        return Refund(
            "re_test_" + self._digest("refund", idempotency_key), "succeeded", amount_cents
        )

    async def cancel_intent(self, *, intent_id: str, idempotency_key: str) -> None:
        self._check_intent(intent_id)

    def test_event(
        self, intent_id: str, booking_id: str, amount_cents: int, succeed: bool
    ) -> PaymentEvent:
        """The event Stripe would send once the customer paid (or failed to)."""
        return event_from_dict(self._event_body(intent_id, booking_id, amount_cents, succeed))

    def test_webhook(
        self,
        intent_id: str,
        booking_id: str,
        amount_cents: int,
        succeed: bool,
        *,
        timestamp: int | None = None,
    ) -> tuple[bytes, str]:
        """`test_event` as a signed webhook: (raw body, Stripe-Signature header)."""
        body = json.dumps(self._event_body(intent_id, booking_id, amount_cents, succeed))
        header = stripe.WebhookSignature.generate_signature_header(
            body, self.webhook_secret, timestamp if timestamp is not None else int(time.time())
        )
        return body.encode(), header

    def parse_webhook(self, raw_body: bytes, signature_header: str | None) -> PaymentEvent:
        try:
            stripe.WebhookSignature.verify_header(
                raw_body, signature_header, self.webhook_secret, WEBHOOK_TOLERANCE_S
            )
            data = json.loads(raw_body)
        except stripe.SignatureVerificationError as exc:
            raise WebhookSignatureError(str(exc.user_message or exc)) from exc
        except ValueError as exc:
            raise WebhookSignatureError(f"malformed webhook body: {exc}") from exc
        if not isinstance(data, dict):
            raise WebhookSignatureError("malformed webhook body: not an object")
        return event_from_dict(data)

    async def aclose(self) -> None:
        return None

    def _event_body(
        self, intent_id: str, booking_id: str, amount_cents: int, succeed: bool
    ) -> dict[str, Any]:
        kind = PAYMENT_SUCCEEDED if succeed else PAYMENT_FAILED
        intent: dict[str, Any] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount_cents,
            "status": "succeeded" if succeed else "requires_payment_method",
            "metadata": {"booking_id": booking_id},
            "livemode": False,
        }
        if not succeed:
            intent["last_payment_error"] = {
                "type": "card_error",
                "code": "card_declined",
                "message": "Your card was declined.",
            }
        return {
            "id": "evt_test_" + self._digest("event", intent_id, kind),
            "object": "event",
            "type": kind,
            "livemode": False,
            "data": {"object": intent},
        }

    def _digest(self, *parts: str) -> str:
        message = "\x1f".join(parts).encode()
        return hmac.new(self.webhook_secret.encode(), message, hashlib.sha256).hexdigest()[:24]

    @staticmethod
    def _check_intent(intent_id: str) -> None:
        if not intent_id.startswith("pi_test_"):
            raise PaymentRequestError(f"No such payment_intent: '{intent_id}'", "resource_missing")


