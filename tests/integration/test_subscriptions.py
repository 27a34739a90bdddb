"""Plans and the premium subscription on a real server in test mode: the free plan's daily
interview limit answers `limit_reached` naming the plan; a subscription created, renewed,
failed and cancelled through signed webhooks (out of order and replayed too) moves the user
between the plans; Stripe Checkout through the official SDK against the local Stripe fake;
test-mode events do the same without Stripe."""

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from redis.asyncio import Redis

from mockmate.bookings.payments.port import PaymentEvent
from mockmate.config import Settings
from mockmate.errors import LimitReached
from mockmate.providers.budget import LlmBudget
from mockmate.storage.database import connect
from mockmate.storage.interviews import InterviewRepository
from mockmate.storage.records import InterviewRecord
from mockmate.storage.subscriptions import SubscriptionStore
from mockmate.subscriptions.plans import parse_plans
from mockmate.subscriptions.service import Subscriptions
from tests.conftest import CandidateFactory
from tests.fakes.stripe import FakeStripe, sign_webhook
from tests.support.client import Candidate
from tests.support.marketplace import Api, Market, market_on
from tests.support.server import ServerProcess, running_app, settings_from

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")
WHSEC = "whsec_subscriptions"
DAY = 86_400
PLANS = {"free": {"interviews_per_day": 1, "voices": ["default"]}, "premium": {}}
START = {"role": "Backend Engineer", "interview_type": "behavioral", "difficulty": "mid",
         "question_count": 1, "speak": False, "adaptive": False}


@pytest.fixture
def settings(deployment_env: dict[str, str]) -> Settings:
    return settings_from(deployment_env, STRIPE_WEBHOOK_SECRET=WHSEC,
                         MOCKMATE_PLANS=json.dumps(PLANS))


def subscription_event(type_: str, user_id: str, sub_id: str, created: float,
                       period_end: float | None = None) -> dict[str, Any]:
    """A Stripe event about a subscription (or its invoice, in the newer API layout)."""
    if type_.startswith("invoice."):
        obj: dict[str, Any] = {"object": "invoice", "parent": {"subscription_details": {
            "subscription": sub_id, "metadata": {"user_id": user_id}}},
            "lines": {"data": [{"period": {"end": period_end}}]} if period_end else {}}
    else:
        obj = {"object": "subscription", "id": sub_id, "metadata": {"user_id": user_id},
               "items": {"data": [{"current_period_end": period_end}]}}
    return {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": type_,
            "created": int(created), "livemode": False, "data": {"object": obj}}


async def deliver(api: Api, event: dict[str, Any]) -> tuple[int, Any]:
    raw = json.dumps(event).encode()
    return await api.post("/api/payments/webhook", data=raw, headers={
        "Stripe-Signature": sign_webhook(raw, WHSEC), "Content-Type": "application/json"})


async def plan_of(api: Api) -> dict[str, Any]:
    status, body = await api.get("/api/me/subscription")
    assert status == 200, body
    return dict(body["subscription"])


async def try_interview(client: Candidate) -> dict[str, Any]:
    """Start an interview and end it at once; the start's ack."""
    ack = await client.call("interview:start", START)
    if ack["ok"]:
        assert (await client.call("interview:end", {"session_id": ack["session_id"]}))["ok"]
    return dict(ack)


async def test_signed_webhooks_move_a_user_between_plans(
    market: Market, candidates: CandidateFactory,
) -> None:
    client = await candidates.new()
    me = Api(client.url, client.token, market.http, market.tokens().verify(client.token).user_id)
    assert (await plan_of(me))["plan"] == "free"
    voiced = await client.call("interview:start", {**START, "voice": "amy"})
    assert (voiced["error"]["code"], voiced["error"]["plan"]) == ("limit_reached", "free")
    assert voiced["error"]["voices"] == ["default"] and "'amy'" in voiced["error"]["message"]
    assert (await try_interview(client))["ok"]
    refused = await try_interview(client)
    assert not refused["ok"]
    assert refused["error"]["code"] == "limit_reached" and refused["error"]["plan"] == "free"
    assert "free plan allows 1 interview a day" in refused["error"]["message"]

    now = time.time()
    created = subscription_event("customer.subscription.created", me.user_id, "sub_1",
                                 now - 60, now + 30 * DAY)
    status, body = await deliver(me, created)
    assert (status, body["outcome"]) == (200, "subscription active"), body
    status, body = await deliver(me, created)  # a replay
    assert body["outcome"] == "duplicate"
    view = await plan_of(me)
    assert (view["plan"], view["status"], view["interviews_today"]) == ("premium", "active", 1)
    assert (await try_interview(client))["ok"]
    voiced = await client.call("interview:start", {**START, "voice": "amy"})
    assert voiced["ok"], voiced
    assert (await client.call("interview:end", {"session_id": voiced["session_id"]}))["ok"]

    renewed = subscription_event("invoice.paid", me.user_id, "sub_1", now - 30,
                                 now + 60 * DAY)
    failed = subscription_event("invoice.payment_failed", me.user_id, "sub_1", now - 20)
    # out of order: the failure first, then the (older) renewal; the renewal still extends
    # the period, the failure (newer) decides the status
    assert (await deliver(me, failed))[1]["outcome"] == "subscription past_due"
    assert (await deliver(me, renewed))[1]["outcome"] == "subscription past_due"
    view = await plan_of(me)
    assert (view["plan"], view["status"]) == ("premium", "past_due")
    assert view["period_end"].startswith(time.strftime("%Y-%m-%d",
                                                       time.gmtime(now + 60 * DAY)))

    cancelled = subscription_event("customer.subscription.deleted", me.user_id, "sub_1",
                                   now - 10)
    assert (await deliver(me, cancelled))[1]["outcome"] == "subscription cancelled"
    assert (await plan_of(me))["plan"] == "free"
    refused = await try_interview(client)
    assert (refused["error"]["code"], refused["error"]["plan"]) == ("limit_reached", "free")

    bad = json.dumps(created).encode()
    status, body = await me.post("/api/payments/webhook", data=bad, headers={
        "Stripe-Signature": sign_webhook(bad, "whsec_wrong"),
        "Content-Type": "application/json"})
    assert (status, body["error"]["code"]) == (400, "invalid_payload")


async def test_test_mode_subscribes_renews_fails_and_cancels_without_stripe(
    market: Market,
) -> None:
    me = await market.user()
    status, body = await me.post("/api/me/subscription/checkout")
    assert status == 200 and body["checkout"]["test_mode"] is True, body
    expected = {"created": ("active", "premium"), "renewed": ("active", "premium"),
                "payment_failed": ("past_due", "premium"), "cancelled": ("cancelled", "free")}
    period_end = None
    for kind, (state, plan) in expected.items():
        status, body = await me.post("/api/me/subscription/test-event", {"type": kind})
        assert status == 200, body
        view = body["subscription"]
        assert (body["outcome"], view["status"], view["plan"]) == (
            f"subscription {state}", state, plan)
        if kind == "renewed":
            assert view["period_end"] > period_end  # a renewal adds a period
        period_end = view["period_end"]
    status, body = await me.post("/api/me/subscription/test-event", {"type": "upgrade"})
    assert (status, body["error"]["code"]) == (400, "invalid_payload")
    _, export = await me.get("/api/me/export")
    assert export["subscriptions"]["subscription"]["status"] == "cancelled"


async def test_premium_is_bought_through_stripe_checkout(
    deployment_env: dict[str, str],
) -> None:
    async with FakeStripe() as fake:
        settings = settings_from(deployment_env, STRIPE_SECRET_KEY=fake.api_key,
                                 STRIPE_API_BASE=fake.url, STRIPE_WEBHOOK_SECRET=WHSEC,
                                 STRIPE_PREMIUM_PRICE="price_premium")
        async with running_app(settings) as url, market_on(url, settings) as market:
            me = await market.user()
            status, body = await me.post("/api/me/subscription/checkout")
            assert status == 200, body
            [session] = fake.checkout_sessions.values()
            assert body["checkout"] == {"url": session["url"], "test_mode": False}
            [request] = [r for r in fake.requests if r.path == "/v1/checkout/sessions"]
            pairs = dict(request.pairs)
            assert (pairs["mode"], pairs["line_items[0][price]"],
                    pairs["line_items[0][quantity]"]) == ("subscription", "price_premium", "1")
            assert pairs["subscription_data[metadata][user_id]"] == me.user_id
            assert pairs["client_reference_id"] == me.user_id
            day = datetime.now(UTC).date().isoformat()
            assert request.idempotency_key == f"subscribe-{me.user_id}-{day}"
            # a second click the same day gets the same page back
            status, body = await me.post("/api/me/subscription/checkout")
            assert body["checkout"]["url"] == session["url"] and len(fake.checkout_sessions) == 1
            status, body = await me.post("/api/me/subscription/test-event", {"type": "created"})
            assert (status, body["error"]["code"]) == (409, "invalid_state")

            # Stripe's event once the customer paid: premium, and no second checkout
            now = time.time()
            status, body = await deliver(me, subscription_event(
                "customer.subscription.created", me.user_id, "sub_live", now, now + 30 * DAY))
            assert body["outcome"] == "subscription active", body
            assert (await plan_of(me))["plan"] == "premium"
            status, body = await me.post("/api/me/subscription/checkout")
            assert (status, body["error"]["code"]) == (409, "invalid_state")


async def test_the_plan_caps_a_users_daily_llm_calls(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    try:
        budget = LlmBudget(redis, prefix=f"t{uuid.uuid4().hex[:8]}", daily_limit=4)
        limits = {"capped": 2, "unlimited": None}

        async def plan_limit(user_id: str) -> int | None:
            return limits[user_id]
        budget.plan_limit = plan_limit
        assert [await budget.take("capped") for _ in range(3)] == [True, True, False]
        assert [await budget.take("unlimited") for _ in range(5)] == [True] * 4 + [False]
        assert await budget.used("capped") == 2  # a refused call is not counted
    finally:
        await redis.aclose()


async def test_a_webhook_on_one_process_lifts_the_limit_on_another(
    spawn: Callable[..., ServerProcess], deployment_env: dict[str, str],
) -> None:
    env = {"STRIPE_WEBHOOK_SECRET": WHSEC, "MOCKMATE_PLANS": json.dumps(PLANS)}
    a, b = await asyncio.gather(spawn("a", **env).ready(), spawn("b", **env).ready())
    settings = settings_from(deployment_env, **env)
    async with market_on(a.url, settings) as on_a:
        me = await on_a.user()
        client = await Candidate(b.url, str(me.token)).connect()
        try:
            assert (await try_interview(client))["ok"]
            assert (await try_interview(client))["error"]["code"] == "limit_reached"
            now = time.time()
            status, body = await deliver(me, subscription_event(
                "customer.subscription.created", me.user_id, "sub_ab", now, now + DAY))
            assert (status, body["outcome"]) == (200, "subscription active"), body
            assert (await try_interview(client))["ok"]  # on process b
        finally:
            await client.close()


async def test_a_plans_day_turns_at_the_users_midnight(settings: Settings, redis_url: str) -> None:
    """The interview gate and the LLM budget on real nx-27017 and Redis with an injected
    clock: a user in Kiritimati (UTC+14) gets a new day at 10:00 UTC, one in Pago Pago
    (UTC-11) keeps the day's count past midnight UTC until 11:00 UTC."""
    mongo = connect(settings.mongodb_url)
    redis = Redis.from_url(redis_url)
    try:
        db = mongo[settings.mongodb_db]
        interviews = InterviewRepository(db)
        zones = {"east": "Pacific/Kiritimati", "west": "Pacific/Pago_Pago"}

        async def time_zone(user_id: str) -> str:
            return zones[user_id]
        now = datetime(2026, 1, 10, 9, 30, tzinfo=UTC)

        def clock() -> float:
            return now.timestamp()

        async def refuse(event: PaymentEvent) -> str:
            raise AssertionError("no payment events here")
        subscriptions = Subscriptions(
            store=SubscriptionStore(db), plans=parse_plans(json.dumps(PLANS)),
            interviews=interviews, handle=refuse, test_mode=True,
            public_url="http://localhost", time_zone=time_zone, clock=clock)
        budget = LlmBudget(redis, prefix=f"t{uuid.uuid4().hex[:8]}", daily_limit=1,
                           clock=clock)
        budget.time_zone = time_zone
        # 09:00 UTC: 23:00 on the 10th in Kiritimati, 22:00 on the 9th in Pago Pago.
        for user_id in zones:
            await interviews.create(InterviewRecord(
                id=uuid.uuid4().hex, user_id=user_id,
                created_at=datetime(2026, 1, 10, 9, 0, tzinfo=UTC)))
            assert await budget.take(user_id) and not await budget.take(user_id)
        for user_id in zones:
            with pytest.raises(LimitReached, match="free plan allows 1 interview a day"):
                await subscriptions.before_interview(user_id, None)

        now = datetime(2026, 1, 10, 10, 0, tzinfo=UTC)  # midnight in Kiritimati
        await subscriptions.before_interview("east", None)
        assert (await subscriptions.view("east"))["interviews_today"] == 0
        assert await budget.used("east") == 0 and await budget.take("east")
        with pytest.raises(LimitReached):  # 23:00 in Pago Pago, still the 9th
            await subscriptions.before_interview("west", None)
        assert not await budget.take("west")

        # 23:00 UTC: noon on the 10th in Pago Pago, whose 10th began at 11:00 UTC.
        now = datetime(2026, 1, 10, 23, 0, tzinfo=UTC)
        await subscriptions.before_interview("west", None)
        await interviews.create(InterviewRecord(id=uuid.uuid4().hex, user_id="west",
                                                created_at=now))
        assert await budget.used("west") == 0 and await budget.take("west")
        now = datetime(2026, 1, 11, 0, 30, tzinfo=UTC)  # a new UTC day, not a new local one
        with pytest.raises(LimitReached):
            await subscriptions.before_interview("west", None)
        assert not await budget.take("west")
        now = datetime(2026, 1, 11, 11, 0, tzinfo=UTC)  # midnight in Pago Pago
        await subscriptions.before_interview("west", None)
        assert await budget.take("west")
    finally:
        await redis.aclose()
        await mongo.close()
