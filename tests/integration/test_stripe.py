"""Payments through the official `stripe` SDK against a local server speaking Stripe's API:
idempotent PaymentIntents, metadata, refunds, declines, 429/5xx/timeouts under our guard,
a rejected key, and signed webhooks; and test mode going through the same lifecycle."""

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mockmate.bookings.payments.local import TestModePayments
from mockmate.bookings.payments.port import (
    PAYMENT_FAILED,
    PAYMENT_SUCCEEDED,
    PaymentDeclinedError,
    PaymentEvent,
    PaymentIntent,
    PaymentProvider,
    PaymentRequestError,
    PaymentUnavailableError,
    WebhookSignatureError,
)
from mockmate.config import Settings
from mockmate.providers.resilience import RetryPolicy
from mockmate.providers.stripe_payments import StripePayments, classify_stripe
from mockmate.server.wiring.marketplace import payments_from_settings
from tests.fakes.guard import RecordingGuard, state
from tests.fakes.stripe import FakeStripe, Reply, event_payload, sign_webhook

WHSEC = "whsec_fake_test_secret"
# stripe's HTTPXClient hands httpx the encoded form as `data=`, which httpx deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")


class Harness(RecordingGuard):
    """Fake Stripe, and `StripePayments` on it with a guard that records its waits."""

    def __init__(self, fake: FakeStripe, policy: RetryPolicy | None = None) -> None:
        super().__init__("stripe", classify_stripe)
        self.fake = fake
        self.payments = StripePayments(fake.api_key, WHSEC, api_base=fake.url,
                                       guard=self.guard, policy=policy)

    async def intent(self, key: str = "booking-b1", amount: int = 5000) -> str:
        intent = await self.payments.create_intent(
            booking_id="b1", amount_cents=amount, currency="USD",
            metadata={"candidate_id": "u1"}, idempotency_key=key)
        return intent.id


@pytest.fixture
async def fake() -> AsyncIterator[FakeStripe]:
    async with FakeStripe() as server:
        yield server


@pytest.fixture
async def h(fake: FakeStripe) -> AsyncIterator[Harness]:
    harness = Harness(fake)
    try:
        yield harness
    finally:
        await harness.payments.aclose()


async def test_same_idempotency_key_creates_one_intent(h: Harness) -> None:
    first = await h.payments.create_intent(
        booking_id="b1", amount_cents=5000, currency="USD", metadata={},
        idempotency_key="booking-b1-pay")
    second = await h.payments.create_intent(
        booking_id="b1", amount_cents=5000, currency="USD", metadata={},
        idempotency_key="booking-b1-pay")
    assert second == first
    assert first.id.startswith("pi_") and first.client_secret.startswith(f"{first.id}_secret_")
    assert (first.status, first.amount_cents, first.currency) == (
        "requires_payment_method", 5000, "usd")
    assert list(h.fake.intents) == [first.id]
    assert [r.idempotency_key for r in h.fake.requests] == ["booking-b1-pay"] * 2
    assert h.fake.replayed == ["booking-b1-pay"]


async def test_reusing_a_key_with_other_parameters_is_refused(h: Harness) -> None:
    await h.intent("key-1", amount=5000)
    with pytest.raises(PaymentRequestError):
        await h.intent("key-1", amount=7000)
    assert len(h.fake.intents) == 1 and h.sleeps == []


async def test_metadata_and_payment_methods_reach_stripe(h: Harness) -> None:
    intent_id = await h.intent()
    form = h.fake.requests[0].form
    assert form["metadata"] == {"candidate_id": "u1", "booking_id": "b1"}
    assert form["automatic_payment_methods"] == {"enabled": "true"}
    assert (form["amount"], form["currency"]) == ("5000", "usd")
    assert h.fake.requests[0].api_key == h.fake.api_key
    assert h.fake.intents[intent_id]["metadata"]["booking_id"] == "b1"


async def test_full_refund(h: Harness) -> None:
    intent_id = await h.intent()
    h.fake.pay(intent_id)
    refund = await h.payments.refund(intent_id=intent_id, amount_cents=5000,
                                     idempotency_key="refund-b1", reason="requested_by_customer")
    assert refund.id.startswith("re_") and (refund.status, refund.amount_cents) == (
        "succeeded", 5000)
    sent = h.fake.requests[-1].form
    assert (sent["payment_intent"], sent["amount"], sent["reason"]) == (
        intent_id, "5000", "requested_by_customer")
    again = await h.payments.refund(intent_id=intent_id, amount_cents=5000,
                                    idempotency_key="refund-b1", reason="requested_by_customer")
    assert again == refund and len(h.fake.refunds) == 1


async def test_partial_refunds_then_over_refund_is_refused(h: Harness) -> None:
    intent_id = await h.intent()
    h.fake.pay(intent_id)
    half = await h.payments.refund(intent_id=intent_id, amount_cents=2500,
                                   idempotency_key="r1", reason="expert cancelled late")
    assert half.amount_cents == 2500
    assert h.fake.requests[-1].form["metadata"] == {"reason": "expert cancelled late"}
    assert "reason" not in h.fake.requests[-1].form  # free text is not Stripe's enum
    with pytest.raises(PaymentRequestError) as caught:
        await h.payments.refund(intent_id=intent_id, amount_cents=3000,
                                idempotency_key="r2", reason=None)
    assert caught.value.code == "amount_too_large"
    assert len(h.fake.refunds) == 1 and h.sleeps == [] and state(h.guard.breaker) == "closed"


async def test_cancel_is_idempotent_but_not_for_paid_intents(h: Harness) -> None:
    intent_id = await h.intent()
    await h.payments.cancel_intent(intent_id=intent_id, idempotency_key="cancel-1")
    assert h.fake.intents[intent_id]["status"] == "canceled"
    await h.payments.cancel_intent(intent_id=intent_id, idempotency_key="cancel-1")
    await h.payments.cancel_intent(intent_id=intent_id, idempotency_key="cancel-2")
    paid = await h.intent("booking-b2")
    h.fake.pay(paid)
    with pytest.raises(PaymentRequestError):
        await h.payments.cancel_intent(intent_id=paid, idempotency_key="cancel-3")


async def test_card_declined(h: Harness) -> None:
    h.fake.script(Reply.card_declined("Your card has insufficient funds.", "insufficient_funds"))
    with pytest.raises(PaymentDeclinedError) as caught:
        await h.intent()
    assert str(caught.value) == "Your card has insufficient funds."
    assert (caught.value.code, caught.value.decline_code) == ("card_declined",
                                                              "insufficient_funds")
    assert len(h.fake.requests) == 1 and state(h.guard.breaker) == "closed"


async def test_rate_limited_then_retried_with_the_same_key(h: Harness) -> None:
    h.fake.script(Reply.rate_limited(retry_after="2"))
    intent_id = await h.intent("booking-b9")
    assert h.sleeps == [2.0]
    assert [r.idempotency_key for r in h.fake.requests] == ["booking-b9"] * 2
    assert list(h.fake.intents) == [intent_id] and h.errors("rate_limited") == 1


async def test_server_errors_open_the_breaker(h: Harness) -> None:
    h.fake.default = Reply.server_error()
    with pytest.raises(PaymentUnavailableError) as caught:
        await h.intent()
    assert caught.value.retryable and len(h.fake.requests) == 3
    assert state(h.guard.breaker) == "open"
    with pytest.raises(PaymentUnavailableError, match="unavailable"):
        await h.payments.refund(intent_id="pi_x", amount_cents=1, idempotency_key="r",
                                reason=None)
    assert len(h.fake.requests) == 3  # the open breaker kept Stripe out of it


async def test_slow_reply_past_the_timeout(fake: FakeStripe) -> None:
    harness = Harness(fake, RetryPolicy(attempts=1, timeout_s=0.3))
    fake.script(Reply.slow(10.0))
    started = time.monotonic()
    try:
        with pytest.raises(PaymentUnavailableError, match="timeout"):
            await harness.intent()
    finally:
        await harness.payments.aclose()
    assert time.monotonic() - started < 3.0 and harness.errors("timeout") == 1


async def test_rejected_key_is_a_clear_error(fake: FakeStripe) -> None:
    payments = StripePayments("sk_test_wrong", WHSEC, api_base=fake.url)
    try:
        with pytest.raises(PaymentUnavailableError, match="STRIPE_SECRET_KEY") as caught:
            await payments.create_intent(booking_id="b1", amount_cents=100, currency="usd",
                                         metadata={}, idempotency_key="k")
    finally:
        await payments.aclose()
    assert not caught.value.retryable and len(fake.requests) == 1


async def test_signed_webhook_parses_to_a_payment_event(h: Harness) -> None:
    intent_id = await h.intent()
    body = event_payload(PAYMENT_SUCCEEDED, h.fake.pay(intent_id), "evt_1")
    event = h.payments.parse_webhook(body, sign_webhook(body, WHSEC))
    assert event == PaymentEvent(id="evt_1", type=PAYMENT_SUCCEEDED, intent_id=intent_id,
                                 booking_id="b1", amount_cents=5000, livemode=False)
    failed = event_payload(PAYMENT_FAILED, h.fake.fail(intent_id, "Insufficient funds."))
    event = h.payments.parse_webhook(failed, sign_webhook(failed, WHSEC))
    assert (event.type, event.failure_message) == (PAYMENT_FAILED, "Insufficient funds.")
    refund = {"id": "ch_1", "object": "charge", "amount": 5000, "payment_intent": intent_id}
    other = event_payload("charge.refunded", refund, "evt_2")
    event = h.payments.parse_webhook(other, sign_webhook(other, WHSEC))
    assert (event.type, event.intent_id, event.booking_id) == ("charge.refunded", intent_id, None)


@pytest.mark.parametrize("body, header", [
    (b'{"id": "evt_1"}', sign_webhook(b'{"id": "evt_1"}', "whsec_other")),  # wrong secret
    (b'{"id": "evt_1"}', sign_webhook(b'{"id": "evt_2"}', WHSEC)),  # tampered body
    (b'{"id": "evt_1"}', None),  # no header
    (b'{"id": "evt_1"}', "garbage"),
    (b'{"id": "evt_1"}', sign_webhook(b'{"id": "evt_1"}', WHSEC, int(time.time()) - 301)),
    (b"not json", sign_webhook(b"not json", WHSEC)),
    (b"[1, 2]", sign_webhook(b"[1, 2]", WHSEC)),
    (b'{"hello": "world"}', sign_webhook(b'{"hello": "world"}', WHSEC)),
    (b"\xff\xfe", sign_webhook(b"\xff\xfe", WHSEC)),
])
async def test_bad_webhooks_are_rejected(h: Harness, body: bytes, header: str | None) -> None:
    with pytest.raises(WebhookSignatureError):
        h.payments.parse_webhook(body, header)


async def create(payments: PaymentProvider, key: str, amount: int = 5000) -> PaymentIntent:
    return await payments.create_intent(booking_id="b1", amount_cents=amount, currency="USD",
                                        metadata={}, idempotency_key=key)


async def test_test_mode_ids_agree_across_processes() -> None:
    one, two = TestModePayments("whsec_shared"), TestModePayments("whsec_shared")
    first, again = await create(one, "booking-b1"), await create(two, "booking-b1")
    assert first == again and (await create(one, "booking-b2")).id != first.id
    assert first.id.startswith("pi_test_") and len(first.id) == len("pi_test_") + 24
    assert first.client_secret.startswith(f"{first.id}_secret_")
    assert (first.status, first.currency) == ("requires_payment_method", "usd")
    r1 = await one.refund(intent_id=first.id, amount_cents=5000, idempotency_key="refund-b1",
                          reason=None)
    r2 = await two.refund(intent_id=first.id, amount_cents=5000, idempotency_key="refund-b1",
                          reason=None)
    assert r1 == r2 and r1.id.startswith("re_test_") and r1.status == "succeeded"
    await one.cancel_intent(intent_id=first.id, idempotency_key="c")
    await two.cancel_intent(intent_id=first.id, idempotency_key="c")  # again: no error
    with pytest.raises(PaymentRequestError):
        await one.refund(intent_id="pi_live_1", amount_cents=1, idempotency_key="x", reason=None)
    with pytest.raises(PaymentRequestError):
        await create(one, "z", amount=0)
    assert (await create(TestModePayments("whsec_elsewhere"), "booking-b1")).id != first.id


async def test_test_mode_events_round_trip_through_webhook_parsing() -> None:
    one, two = TestModePayments("whsec_shared"), TestModePayments("whsec_shared")
    paid = one.test_event("pi_test_abc", "b1", 5000, succeed=True)
    assert paid == PaymentEvent(id=paid.id, type=PAYMENT_SUCCEEDED, intent_id="pi_test_abc",
                                booking_id="b1", amount_cents=5000, livemode=False)
    assert two.test_event("pi_test_abc", "b1", 5000, succeed=True).id == paid.id  # a replay
    failed = one.test_event("pi_test_abc", "b1", 5000, succeed=False)
    assert failed.type == PAYMENT_FAILED and failed.id != paid.id and failed.failure_message
    body, header = one.test_webhook("pi_test_abc", "b1", 5000, succeed=True)
    assert two.parse_webhook(body, header) == paid
    assert json.loads(body)["data"]["object"]["metadata"] == {"booking_id": "b1"}
    with pytest.raises(WebhookSignatureError):
        two.parse_webhook(body.replace(b"5000", b"9000"), header)
    stale_body, stale = one.test_webhook("pi_test_abc", "b1", 5000, True,
                                         timestamp=int(time.time()) - 301)
    with pytest.raises(WebhookSignatureError):
        one.parse_webhook(stale_body, stale)
    with pytest.raises(WebhookSignatureError):
        TestModePayments("whsec_other").parse_webhook(body, header)
    with pytest.raises(WebhookSignatureError):
        one.parse_webhook(b"{}", sign_webhook(b"{}", one.webhook_secret))


async def test_provider_follows_the_settings(tmp_path: Path) -> None:
    test_mode = payments_from_settings(Settings(
        _env_file=None, STRIPE_SECRET_KEY="", MOCKMATE_DATA_DIR=str(tmp_path)))
    assert test_mode.name == "test"
    # Test mode signs with a secret of this installation's, never one written in the code.
    assert isinstance(test_mode, TestModePayments)
    secret_file = tmp_path / "webhook_secret"
    assert test_mode.webhook_secret == secret_file.read_text()
    assert test_mode.webhook_secret.startswith("whsec_") and len(test_mode.webhook_secret) > 40
    assert secret_file.stat().st_mode & 0o077 == 0  # owner-only
    again = payments_from_settings(Settings(
        _env_file=None, STRIPE_SECRET_KEY="", MOCKMATE_DATA_DIR=str(tmp_path)))
    assert isinstance(again, TestModePayments)
    assert again.webhook_secret == test_mode.webhook_secret  # every process shares it
    elsewhere = payments_from_settings(Settings(
        _env_file=None, STRIPE_SECRET_KEY="", MOCKMATE_DATA_DIR=str(tmp_path / "other")))
    assert isinstance(elsewhere, TestModePayments)
    assert elsewhere.webhook_secret != test_mode.webhook_secret
    stripe_mode = payments_from_settings(Settings(
        _env_file=None, STRIPE_SECRET_KEY="sk_test_x", STRIPE_WEBHOOK_SECRET=WHSEC))
    try:
        assert stripe_mode.name == "stripe"
    finally:
        await stripe_mode.aclose()
