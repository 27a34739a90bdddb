"""Expert payouts through the official Stripe SDK against the local Stripe fake (Connect
accounts, onboarding links, transfers), and in test mode: a completed session becomes one
transfer of the expert's share after its refund window, however often the payout runs, even
after a worker died between Stripe's transfer and recording it."""

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from mockmate.config import Settings
from tests.fakes.stripe import FakeStripe, event_payload, sign_webhook
from tests.support.marketplace import (
    HOUR,
    Api,
    Market,
    application,
    booking_body,
    first_slot,
    market_on,
)
from tests.support.server import running_app, settings_from
from tests.support.waiting import eventually

WHSEC = "whsec_mockmate_payouts"
RATING = {"rating": 5, "preparation": 5, "communication": 5, "expertise": 5,
          "helpfulness": 5, "would_recommend": True}
FAST_SWEEP = {"MOCKMATE_BOOKING_MIN_NOTICE_MINUTES": "0", "MOCKMATE_PAYOUT_SWEEP_S": "0.2"}
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")


@pytest.fixture
async def fake() -> AsyncIterator[FakeStripe]:
    async with FakeStripe() as server:
        yield server


@pytest.fixture
async def stripe_market(fake: FakeStripe, deployment_env: dict[str, str]
                        ) -> AsyncIterator[Market]:
    settings: Settings = settings_from(
        deployment_env, STRIPE_SECRET_KEY=fake.api_key, STRIPE_API_BASE=fake.url,
        STRIPE_WEBHOOK_SECRET=WHSEC, **FAST_SWEEP)
    async with running_app(settings) as url, market_on(url, settings) as m:
        yield m


@pytest.fixture
async def mode_market(deployment_env: dict[str, str]) -> AsyncIterator[Market]:
    settings = settings_from(deployment_env, **FAST_SWEEP)
    async with running_app(settings) as url, market_on(url, settings) as m:
        yield m


async def account_webhook(market: Market, payload: bytes, secret: str) -> tuple[int, Any]:
    return await market.anonymous().request(
        "POST", "/api/payments/webhook", data=payload,
        headers={"Stripe-Signature": sign_webhook(payload, secret),
                 "Content-Type": "application/json"})


async def earnings(expert: Api) -> dict[str, Any]:
    status, body = await expert.get("/api/experts/me/earnings")
    assert status == 200, body
    return dict(body["earnings"])


async def held_session(market: Market, expert_id: str, pay: Any) -> str:
    """A session booked, paid, held and rated: completed."""
    me = await market.user()
    start = await first_slot(me, expert_id, 30 * HOUR)
    status, body = await me.post("/api/bookings", booking_body(expert_id, start))
    assert status == 201, body
    booking_id = body["booking"]["id"]
    await pay(me, booking_id)
    await market.started_ago(booking_id, hours=2)
    status, body = await me.post(f"/api/bookings/{booking_id}/feedback", RATING)
    assert status == 201, body
    assert (await market.booking(booking_id))["status"] == "completed"
    return str(booking_id)


async def test_a_session_is_paid_out_once_through_stripe_connect(
    stripe_market: Market, fake: FakeStripe,
) -> None:
    market = stripe_market
    expert, expert_id = await market.expert()

    async def pay(me: Api, booking_id: str) -> None:
        (intent_id,) = [i for i, v in fake.intents.items()
                        if v["metadata"]["booking_id"] == booking_id]
        payload = event_payload("payment_intent.succeeded", fake.pay(intent_id))
        status, body = await market.anonymous().request(
            "POST", "/api/payments/webhook", data=payload,
            headers={"Stripe-Signature": sign_webhook(payload, WHSEC),
                     "Content-Type": "application/json"})
        assert (status, body["outcome"]) == (200, "confirmed"), body

    booking_id = await held_session(market, expert_id, pay)
    mine = await earnings(expert)
    # Within the refund window: pending, not yet transferable.
    assert (mine["pending_cents"], mine["available_cents"], mine["paid_cents"]) == (9_600, 0, 0)
    assert mine["account"] is None and not mine["test_mode"]
    assert [(e["kind"], e["net_cents"]) for e in mine["ledger"]] == [("payment", 9_600)]

    # Onboarding: one Express account however often it is asked for, and a hosted link.
    status, body = await expert.post("/api/experts/me/payouts/onboard")
    assert status == 200, body
    again = (await expert.post("/api/experts/me/payouts/onboard"))[1]
    (account_id, account), = fake.accounts.items()
    assert body["payouts"]["account_id"] == again["payouts"]["account_id"] == account_id
    assert account["type"] == "express" and account["metadata"] == {"expert_id": expert_id}
    assert body["payouts"]["url"].startswith("https://connect.stripe.com/setup/")
    assert body["payouts"]["payouts_enabled"] is False

    # The window passes; the account is not ready yet, so nothing moves.
    await market.started_ago(booking_id, hours=80)
    mine = await earnings(expert)
    assert (mine["pending_cents"], mine["available_cents"]) == (0, 9_600)
    assert fake.transfers == {}

    # The expert finishes onboarding; Stripe says so in a signed `account.updated` (a
    # wrongly signed one is refused). The sweep (every 0.2 s, over and over) then pays once.
    payload = event_payload("account.updated", fake.enable_payouts(account_id))
    assert (await account_webhook(market, payload, "whsec_wrong"))[0] == 400
    status, body = await account_webhook(market, payload, WHSEC)
    assert (status, body["outcome"]) == (200, "payouts enabled"), body
    stored = await market.db.payout_accounts.find_one({"account_id": account_id})
    assert stored["payouts_enabled"]

    async def paid() -> dict[str, Any] | None:
        found = await earnings(expert)
        return found if found["paid_cents"] else None
    mine = await eventually(paid)
    (transfer_id, transfer), = fake.transfers.items()
    assert (transfer["amount"], transfer["currency"], transfer["destination"]) == \
        (9_600, "usd", account_id)
    assert transfer["metadata"] == {"booking_id": booking_id}
    assert (mine["available_cents"], mine["paid_cents"]) == (0, 9_600)
    assert [s["transfer_id"] for s in mine["sessions"]] == [transfer_id]
    requests = [r for r in fake.requests if r.path == "/v1/transfers"]
    assert {r.idempotency_key for r in requests} == {f"payout-{booking_id}"}

    # A worker died after Stripe made the transfer but before recording it: its claim is
    # found stale, the request is repeated with the same key, and Stripe replays it.
    await market.db.payouts.update_one({"_id": booking_id}, {"$set": {
        "state": "transferring", "claimed_ts": time.time() - 3600}})
    await eventually(paid)
    assert f"payout-{booking_id}" in fake.replayed
    assert list(fake.transfers) == [transfer_id]
    assert (await market.db.payouts.find_one({"_id": booking_id}))["transfer_id"] == transfer_id


async def test_test_mode_pays_out_without_stripe(mode_market: Market) -> None:
    market = mode_market
    expert, expert_id = await market.expert()

    async def pay(me: Api, booking_id: str) -> None:
        status, body = await me.post(f"/api/bookings/{booking_id}/test-payment",
                                     {"succeed": True})
        assert status == 200, body

    booking_id = await held_session(market, expert_id, pay)
    status, body = await expert.post("/api/experts/me/payouts/onboard")
    assert status == 200 and body["payouts"]["payouts_enabled"] is True, body
    await market.started_ago(booking_id, hours=80)

    async def paid() -> dict[str, Any] | None:
        found = await earnings(expert)
        return found if found["paid_cents"] else None
    mine = await eventually(paid)
    assert mine["test_mode"] and mine["paid_cents"] == 9_600
    assert mine["sessions"][0]["transfer_id"].startswith("tr_test_")
    assert await market.db.payouts.count_documents({}) == 1
    status, exported = await expert.get("/api/me/export")
    assert status == 200, exported
    assert [p["_id"] for p in exported["payouts"]["payouts"]] == [booking_id]
    assert exported["payouts"]["account"]["account_id"].startswith("acct_test_")
    assert [n["kind"] for n in exported["notifications"]["inbox"]
            if n["kind"] == "expert_verified"] == ["expert_verified"]

    async def told_of_feedback() -> list[Any]:  # the candidate's rating, in the inbox
        _, inbox = await expert.get("/api/me/notifications")
        return [n for n in inbox["notifications"] if n["kind"] == "feedback_received"]
    [feedback] = await eventually(told_of_feedback)
    assert feedback["data"]["booking_id"] == booking_id

    # Not an expert: a clear not_found; a pending applicant cannot onboard.
    stranger = await market.user()
    status, body = await stranger.get("/api/experts/me/earnings")
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, _ = await stranger.post("/api/experts", application())
    assert status == 201
    status, body = await stranger.post("/api/experts/me/payouts/onboard")
    assert (status, body["error"]["code"]) == (409, "invalid_state")

