"""Bookings in Stripe mode: the server's official Stripe SDK talks to a local server that
speaks Stripe's API (`tests.fakes.stripe`), and webhooks are signed with the test secret:
PaymentIntents with an idempotency key and metadata, a valid webhook confirming the booking,
bad signatures and stale timestamps refused with 400, a replayed event changing nothing,
refunds through Stripe, and a provider failure freeing the time."""

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from mockmate.config import Settings
from tests.fakes.stripe import FakeStripe, Reply, event_payload, sign_webhook
from tests.support.marketplace import HOUR, Api, Market, booking_body, first_slot, market_on
from tests.support.server import running_app, settings_from

WHSEC = "whsec_mockmate_integration"
WEBHOOK = "/api/payments/webhook"
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")


@pytest.fixture
async def fake() -> AsyncIterator[FakeStripe]:
    async with FakeStripe() as server:
        yield server


@pytest.fixture
async def market(fake: FakeStripe, deployment_env: dict[str, str]) -> AsyncIterator[Market]:
    settings: Settings = settings_from(
        deployment_env, STRIPE_SECRET_KEY=fake.api_key, STRIPE_API_BASE=fake.url,
        STRIPE_WEBHOOK_SECRET=WHSEC, MOCKMATE_BOOKING_MIN_NOTICE_MINUTES="0",
    )
    async with running_app(settings) as url, market_on(url, settings) as m:
        yield m


async def webhook(market: Market, payload: bytes, signature: str) -> tuple[int, Any]:
    return await market.anonymous().request(
        "POST", WEBHOOK, data=payload,
        headers={"Stripe-Signature": signature, "Content-Type": "application/json"})


async def book(me: Api, expert_id: str, ahead: float = 30) -> dict[str, Any]:
    start = await first_slot(me, expert_id, ahead * HOUR)
    status, body = await me.post("/api/bookings", booking_body(expert_id, start))
    assert status == 201, body
    return dict(body)


async def test_a_signed_webhook_confirms_the_booking_once(market: Market,
                                                          fake: FakeStripe) -> None:
    expert, expert_id = await market.expert()
    me = await market.user()
    body = await book(me, expert_id)
    booking_id = body["booking"]["id"]
    assert body["payment"]["provider"] == "stripe"
    (intent_id, intent), = fake.intents.items()
    assert body["payment"]["client_secret"] == intent["client_secret"]
    assert (intent["amount"], intent["currency"]) == (12_000, "usd")
    assert intent["metadata"]["booking_id"] == booking_id
    created = next(r for r in fake.requests if r.path == "/v1/payment_intents")
    assert created.idempotency_key == f"booking-{booking_id}-intent"
    status, answer = await me.post(f"/api/bookings/{booking_id}/test-payment", {})
    assert (status, answer["error"]["code"]) == (409, "invalid_state")  # not in Stripe mode

    payload = event_payload("payment_intent.succeeded", fake.pay(intent_id))
    status, answer = await webhook(market, payload, sign_webhook(payload, "whsec_wrong"))
    assert (status, answer["error"]["code"]) == (400, "invalid_payload")
    stale = sign_webhook(payload, WHSEC, timestamp=int(time.time()) - 600)
    status, answer = await webhook(market, payload, stale)
    assert (status, answer["error"]["code"]) == (400, "invalid_payload")
    status, answer = await webhook(market, payload + b" ", sign_webhook(payload, WHSEC))
    assert status == 400  # the signature covers the exact raw body
    status, answer = await market.anonymous().request("POST", WEBHOOK, data=payload)
    assert status == 400  # no signature at all
    _, seen = await me.get(f"/api/bookings/{booking_id}")
    assert seen["booking"]["status"] == "pending_payment"

    status, answer = await webhook(market, payload, sign_webhook(payload, WHSEC))
    assert (status, answer["outcome"]) == (200, "confirmed"), answer
    _, seen = await me.get(f"/api/bookings/{booking_id}")
    assert seen["booking"]["status"] == "confirmed" and seen["booking"]["meeting_url"]
    before = await market.db.ledger.find({}).to_list()
    assert [(e["kind"], e["gross_cents"], e["fee_cents"], e["net_cents"], e["reference"])
            for e in before] == [("payment", 12_000, 2_400, 9_600, intent_id)]

    status, answer = await webhook(market, payload, sign_webhook(payload, WHSEC))  # replay
    assert (status, answer["outcome"]) == (200, "duplicate")
    assert await market.db.ledger.find({}).to_list() == before
    _, mine = await expert.get(f"/api/experts/{expert_id}")
    assert mine["expert"]["performance"]["earnings_cents"] == 9_600
    assert mine["expert"]["performance"]["sessions_booked"] == 1

    # The expert cancels: Stripe refunds all of it, once, under the booking's key.
    status, answer = await expert.post(f"/api/bookings/{booking_id}/cancel",
                                       {"reason": "Conflict at work"})
    assert (status, answer["refund_cents"]) == (200, 12_000), answer
    assert answer["booking"]["refund_status"] == "succeeded"
    (refund,) = fake.refunds.values()
    assert (refund["payment_intent"], refund["amount"]) == (intent_id, 12_000)
    refunded = next(r for r in fake.requests if r.path == "/v1/refunds")
    assert refunded.idempotency_key == f"booking-{booking_id}-refund"
    kinds = {e["kind"]: e["net_cents"] for e in await market.db.ledger.find({}).to_list()}
    assert kinds == {"payment": 9_600, "refund": -9_600}


async def test_a_failed_payment_event_cancels_and_frees_the_time(market: Market,
                                                                  fake: FakeStripe) -> None:
    _, expert_id = await market.expert()
    me = await market.user()
    body = await book(me, expert_id)
    booking_id = body["booking"]["id"]
    (intent_id,) = fake.intents
    payload = event_payload("payment_intent.payment_failed", fake.fail(intent_id))
    status, answer = await webhook(market, payload, sign_webhook(payload, WHSEC))
    assert (status, answer["outcome"]) == (200, "cancelled")
    _, seen = await me.get(f"/api/bookings/{booking_id}")
    assert seen["booking"]["status"] == "cancelled"
    assert "declined" in seen["booking"]["cancel_reason"]
    assert await book(me, expert_id)


async def test_a_payment_after_the_time_was_taken_is_refunded(market: Market,
                                                              fake: FakeStripe) -> None:
    _, expert_id = await market.expert()
    me, other = await market.user(), await market.user()
    body = await book(me, expert_id)
    booking_id, start = body["booking"]["id"], body["booking"]["start"]
    (intent_id,) = fake.intents
    # The hold lapsed and its cells were freed; someone else booked the time meanwhile.
    await market.db.bookings.update_one({"_id": booking_id},
                                        {"$set": {"hold_expires_ts": time.time() - 1}})
    await market.db.booking_slots.delete_many({"booking_id": booking_id})
    status, taken = await other.post("/api/bookings", booking_body(expert_id, start))
    assert status == 201, taken

    payload = event_payload("payment_intent.succeeded", fake.pay(intent_id))
    status, answer = await webhook(market, payload, sign_webhook(payload, WHSEC))
    assert (status, answer["outcome"]) == (200, "refunded"), answer
    _, seen = await me.get(f"/api/bookings/{booking_id}")
    assert (seen["booking"]["status"], seen["booking"]["refund_cents"]) == ("cancelled", 12_000)
    assert [r["amount"] for r in fake.refunds.values()] == [12_000]
    cells = await market.db.booking_slots.find({}).to_list()
    assert {c["booking_id"] for c in cells} == {taken["booking"]["id"]}


async def test_a_payment_provider_failure_answers_unavailable_and_frees_the_time(
    market: Market, fake: FakeStripe
) -> None:
    _, expert_id = await market.expert()
    me = await market.user()
    start = await first_slot(me, expert_id, 30 * HOUR)
    fake.script(Reply.error(400, "invalid_request_error", "Amount too large", "amount_too_large"))
    status, body = await me.post("/api/bookings", booking_body(expert_id, start))
    assert (status, body["error"]["code"]) == (503, "unavailable")
    assert await market.db.booking_slots.count_documents({}) == 0
    status, body = await me.post("/api/bookings", booking_body(expert_id, start))
    assert status == 201, body
