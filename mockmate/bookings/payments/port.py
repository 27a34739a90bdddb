"""The payment edge of bookings: what booking logic needs from a payment provider.

Bookings need four things: open a PaymentIntent the browser pays, refund (part of) it,
release an unpaid one, and read signed webhooks. `PaymentProvider` is just that, so booking
logic is the same with Stripe (`providers/stripe_payments.py`, when a secret key is set) and
in test mode (`payments/local.py`); the server's marketplace wiring picks one at start-up.
Every write carries the caller's idempotency key, so retries (or a second process retrying the same
booking) never charge twice.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

PROVIDER = "stripe"
PAYMENT_SUCCEEDED = "payment_intent.succeeded"
PAYMENT_FAILED = "payment_intent.payment_failed"
# A Connect account changed (payouts: onboarding finished, or payouts disabled).
ACCOUNT_UPDATED = "account.updated"
WEBHOOK_TOLERANCE_S = 300


@dataclass(frozen=True)
class PaymentIntent:
    id: str
    client_secret: str
    status: str
    amount_cents: int
    currency: str


@dataclass(frozen=True)
class Refund:
    id: str
    status: str
    amount_cents: int


@dataclass(frozen=True)
class PaymentEvent:
    """A verified webhook event. `intent_id` is "" and `amount_cents` 0 for events about
    something other than a PaymentIntent (they pass through with their type)."""

    id: str
    type: str
    intent_id: str
    booking_id: str | None
    amount_cents: int
    livemode: bool
    failure_message: str | None = None
    # For `account.updated`: the connected account and whether it can be paid out.
    account_id: str | None = None
    payouts_enabled: bool | None = None
    # The whole Stripe event, for handlers of other objects (subscriptions, invoices).
    raw: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)


class PaymentError(Exception):
    """Base of the errors a payment provider raises."""


class PaymentDeclinedError(PaymentError):
    """The card was declined (Stripe 402): not retryable; the message is Stripe's, for humans."""

    def __init__(
        self, message: str, code: str | None = None, decline_code: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.decline_code = decline_code


class PaymentUnavailableError(PaymentError):
    """Stripe could not be reached or kept failing (network, 5xx, 429, timeout, open breaker),
    or it rejected our API key (`retryable` False: a configuration problem)."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class PaymentRequestError(PaymentError):
    """Stripe refused the request itself (invalid amount, over-refund, idempotency key reused
    with other parameters, unknown intent): retrying it cannot help."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class WebhookSignatureError(PaymentError):
    """A webhook that must be rejected: bad or missing signature, stale timestamp, bad body."""


class PaymentProvider(Protocol):
    name: str  # "stripe" | "test"

    async def create_intent(
        self,
        *,
        booking_id: str,
        amount_cents: int,
        currency: str,
        metadata: dict[str, str],
        idempotency_key: str,
    ) -> PaymentIntent: ...

    async def refund(
        self, *, intent_id: str, amount_cents: int, idempotency_key: str, reason: str | None
    ) -> Refund: ...

    async def cancel_intent(self, *, intent_id: str, idempotency_key: str) -> None: ...

    def parse_webhook(self, raw_body: bytes, signature_header: str | None) -> PaymentEvent: ...

    async def aclose(self) -> None: ...


def event_from_dict(data: Mapping[str, Any]) -> PaymentEvent:
    """Our `PaymentEvent` from a Stripe event object (as JSON data)."""
    event_id, kind, payload = data.get("id"), data.get("type"), data.get("data")
    obj = payload.get("object") if isinstance(payload, Mapping) else None
    if not isinstance(event_id, str) or not isinstance(kind, str) or not isinstance(obj, Mapping):
        raise WebhookSignatureError("malformed webhook body: not a Stripe event")
    is_intent = obj.get("object") == "payment_intent"
    intent_id = obj.get("id") if is_intent else obj.get("payment_intent")
    amount = obj.get("amount")
    metadata = obj.get("metadata")
    booking_id = metadata.get("booking_id") if isinstance(metadata, Mapping) else None
    error = obj.get("last_payment_error")
    message = error.get("message") if isinstance(error, Mapping) else None
    is_account = obj.get("object") == "account" and isinstance(obj.get("id"), str)
    return PaymentEvent(
        id=event_id,
        type=kind,
        intent_id=intent_id if isinstance(intent_id, str) else "",
        booking_id=booking_id if isinstance(booking_id, str) else None,
        amount_cents=amount if isinstance(amount, int) and not isinstance(amount, bool) else 0,
        livemode=data.get("livemode") is True,
        failure_message=message if isinstance(message, str) else None,
        account_id=str(obj["id"]) if is_account else None,
        payouts_enabled=obj.get("payouts_enabled") is True if is_account else None,
        raw=data,
    )

