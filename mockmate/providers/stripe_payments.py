"""Payments on Stripe's API through the official SDK (async methods, over httpx).

The SDK's own retries are off: our `ProviderGuard` owns timeouts, backoff, Retry-After and
the breaker, as for every other provider; every write carries the booking's idempotency key,
so a retried call can never charge or refund twice.
"""

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

import stripe
from stripe.params import RefundCreateParams

from mockmate.bookings.payments.port import (
    PROVIDER,
    WEBHOOK_TOLERANCE_S,
    PaymentDeclinedError,
    PaymentEvent,
    PaymentIntent,
    PaymentRequestError,
    PaymentUnavailableError,
    Refund,
    WebhookSignatureError,
    event_from_dict,
)
from mockmate.providers.resilience import (
    CircuitOpenError,
    Failure,
    ProviderGuard,
    RetryPolicy,
    Vendor,
    classify_basic,
    classify_status,
    make_guard,
)

# Stripe answers in well under a second; the deadline bounds the customer's wait for all tries.
DEFAULT_POLICY = RetryPolicy(attempts=3, timeout_s=10.0, deadline_s=25.0)
_REFUND_REASONS = frozenset({"duplicate", "fraudulent", "requested_by_customer"})
T = TypeVar("T")


def classify_stripe(exc: BaseException) -> Failure:
    """Retry 409/429/5xx, timeouts and dropped connections; honour Stripe-Should-Retry."""
    if isinstance(exc, stripe.CardError):
        return Failure(retryable=False, kind="declined", counts=False)
    if isinstance(exc, stripe.APIConnectionError):
        return Failure(retryable=True, kind="connection")
    if isinstance(exc, stripe.StripeError):
        if exc.http_status is None:  # an unreadable answer
            return Failure(retryable=True, kind="server_error")
        failure = classify_status(exc.http_status, _header(exc, "retry-after"))
        if exc.http_status == 409:  # a concurrent request holds the idempotency key
            failure = Failure(retryable=True, kind="conflict", counts=False)
        advice = _header(exc, "stripe-should-retry")
        if advice in ("true", "false") and failure.kind != "auth":
            failure = replace(failure, retryable=advice == "true")
        return failure
    return classify_basic(exc)


STRIPE = Vendor(PROVIDER, classify_stripe, DEFAULT_POLICY)


def _header(exc: stripe.StripeError, name: str) -> str | None:
    for key, value in (exc.headers or {}).items():
        if str(key).lower() == name:
            return str(value)
    return None


class StripePayments:
    """`PaymentProvider` on Stripe's API; one instance per process, closed with `aclose`."""

    name = "stripe"

    def __init__(
        self,
        secret_key: str,
        webhook_secret: str,
        *,
        api_base: str = "",
        guard: ProviderGuard | None = None,
        policy: RetryPolicy | None = None,
        http_timeout_s: float = 30.0,
    ) -> None:
        self._http = stripe.HTTPXClient(timeout=http_timeout_s)
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base} if api_base else None,
            http_client=self._http,
            max_network_retries=0,  # the guard retries
        )
        self._guard = guard or make_guard(STRIPE)
        self._policy = policy
        self._webhook_secret = webhook_secret

    async def create_intent(
        self,
        *,
        booking_id: str,
        amount_cents: int,
        currency: str,
        metadata: dict[str, str],
        idempotency_key: str,
    ) -> PaymentIntent:
        async def request() -> stripe.PaymentIntent:
            return await self._client.v1.payment_intents.create_async(
                params={
                    "amount": amount_cents,
                    "currency": currency.lower(),
                    "automatic_payment_methods": {"enabled": True},
                    "metadata": {**metadata, "booking_id": booking_id},
                },
                options={"idempotency_key": idempotency_key},
            )

        intent = await self._run("create_intent", request)
        return PaymentIntent(
            id=intent.id,
            client_secret=intent.client_secret or "",
            status=intent.status,
            amount_cents=intent.amount,
            currency=intent.currency,
        )

    async def refund(
        self, *, intent_id: str, amount_cents: int, idempotency_key: str, reason: str | None
    ) -> Refund:
        params: RefundCreateParams = {"payment_intent": intent_id, "amount": amount_cents}
        if reason in _REFUND_REASONS:
            params["reason"] = reason
        elif reason:  # free text is kept for people, not sent as Stripe's reason enum
            params["metadata"] = {"reason": reason[:500]}

        async def request() -> stripe.Refund:
            return await self._client.v1.refunds.create_async(
                params=params, options={"idempotency_key": idempotency_key}
            )

        refund = await self._run("refund", request)
        return Refund(id=refund.id, status=refund.status or "pending", amount_cents=refund.amount)

    async def cancel_intent(self, *, intent_id: str, idempotency_key: str) -> None:
        async def request() -> stripe.PaymentIntent:
            return await self._client.v1.payment_intents.cancel_async(
                intent_id, options={"idempotency_key": idempotency_key}
            )

        async def retrieve() -> stripe.PaymentIntent:
            return await self._client.v1.payment_intents.retrieve_async(intent_id)

        try:
            await self._run("cancel_intent", request)
        except PaymentRequestError as exc:
            if exc.code != "payment_intent_unexpected_state":
                raise
            if (await self._run("retrieve_intent", retrieve)).status != "canceled":
                raise
            # canceled already (by another process or an earlier attempt): nothing to do

    def parse_webhook(self, raw_body: bytes, signature_header: str | None) -> PaymentEvent:
        try:
            event = self._client.construct_event(
                raw_body, signature_header, self._webhook_secret, WEBHOOK_TOLERANCE_S
            )
        except stripe.SignatureVerificationError as exc:
            raise WebhookSignatureError(str(exc.user_message or exc)) from exc
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise WebhookSignatureError(f"malformed webhook body: {exc}") from exc
        return event_from_dict(event.to_dict())

    async def aclose(self) -> None:
        await self._http.close_async()  # type: ignore[no-untyped-call]

    async def _run(self, operation: str, fn: Callable[[], Awaitable[T]]) -> T:
        """`fn` under the guard, its final failure translated into a `PaymentError`."""
        try:
            return await self._guard.run(operation, fn, policy=self._policy)
        except CircuitOpenError as exc:
            raise PaymentUnavailableError(
                f"payments are unavailable, retry in {exc.retry_in_s:.0f}s"
            ) from exc
        except stripe.CardError as exc:
            raise PaymentDeclinedError(
                str(exc.user_message or "your card was declined"),
                exc.code,
                exc.error.decline_code if exc.error is not None else None,
            ) from exc
        except Exception as exc:
            failure = self._guard.classify(exc)
            if failure.kind == "auth":
                raise PaymentUnavailableError(
                    "Stripe rejected the API key (check STRIPE_SECRET_KEY)", retryable=False
                ) from exc
            if isinstance(exc, stripe.StripeError) and failure.kind == "client_error":
                raise PaymentRequestError(str(exc.user_message or exc), exc.code) from exc
            raise PaymentUnavailableError(f"Stripe {operation} failed ({failure.kind})") from exc


