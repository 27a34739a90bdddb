"""Plans and the premium subscription at the edges: the state each user's provider events
left (`plans.apply_event`), the plan it puts them on now, the daily interview gate, and test
mode (no Stripe): a checkout that needs no payment page and events made on request, handled
like signed webhooks.

Events come through the marketplace's signed `POST /api/payments/webhook` (its event ids make
a replay a `duplicate`); the state is changed with a version check, so any order of events in
any process ends the same.
"""

import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from mockmate.bookings.payments.port import PaymentEvent
from mockmate.errors import InvalidState
from mockmate.storage.database import Document
from mockmate.storage.interviews import InterviewRepository
from mockmate.storage.subscriptions import SubscriptionStore
from mockmate.storage.users import User
from mockmate.subscriptions import plans as rules

PERIOD_S = 30 * 86_400  # a test-mode billing period
TEST_EVENTS: dict[rules.EventKind, str] = {kind: name for name, kind in
                                          rules.STRIPE_EVENTS.items()}


class CheckoutProvider(Protocol):
    """Where a user pays for premium (Stripe Checkout in `subscription` mode)."""

    async def subscription_session(self, *, user_id: str, email: str, success_url: str,
                                   cancel_url: str, idempotency_key: str) -> str:
        """The hosted payment page's URL."""


class Subscriptions:
    def __init__(
        self, *, store: SubscriptionStore, plans: dict[str, rules.Plan],
        interviews: InterviewRepository, handle: Callable[[PaymentEvent], Awaitable[str]],
        test_mode: bool, public_url: str, checkout: CheckoutProvider | None = None,
        time_zone: Callable[[str], Awaitable[str]] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._time_zone = time_zone
        self._checkout = checkout
        self._store = store
        self._plans = plans
        self._interviews = interviews
        self._handle = handle
        self._test_mode = test_mode
        self._public_url = public_url.rstrip("/")
        self._clock = clock

    async def state(self, user_id: str) -> rules.Subscription:
        return rules.Subscription.model_validate(await self._store.get(user_id))

    async def plan(self, user_id: str) -> rules.Plan:
        return self._plans[rules.plan_name(await self.state(user_id), self._clock())]

    async def view(self, user_id: str) -> dict[str, Any]:
        sub = await self.state(user_id)
        plan = self._plans[rules.plan_name(sub, self._clock())]
        return {"plan": plan.name, "status": sub.status,
                "period_end": _iso(sub.period_end_ts), "limits": plan.model_dump(mode="json"),
                "interviews_today": await self._started_today(user_id),
                "test_mode": self._test_mode}

    async def checkout(self, user: User) -> dict[str, Any]:
        """Where to pay for premium: a Stripe Checkout page (one per user and UTC day for
        the same request: its idempotency key). Test mode: the return page (no payment is
        taken; events come from `test_event`)."""
        if rules.plan_name(await self.state(user.id), self._clock()) == rules.PREMIUM:
            raise InvalidState("you are on the premium plan already")
        if self._test_mode:
            return {"url": f"{self._public_url}/?subscription=test", "test_mode": True}
        if self._checkout is None:
            raise InvalidState("premium is not for sale here (STRIPE_PREMIUM_PRICE is not set)")
        day = datetime.fromtimestamp(self._clock(), UTC).date().isoformat()
        url = await self._checkout.subscription_session(
            user_id=user.id, email=user.email,
            success_url=f"{self._public_url}/?subscription=success",
            cancel_url=f"{self._public_url}/?subscription=cancelled",
            idempotency_key=f"subscribe-{user.id}-{day}")
        return {"url": url, "test_mode": False}

    async def test_event(self, user: User, kind: rules.EventKind) -> str:
        """Test mode: what Stripe would send about the user's subscription, handled as a
        signed webhook is."""
        if not self._test_mode:
            raise InvalidState("test events exist only in test mode (no STRIPE_SECRET_KEY)")
        now = self._clock()
        sub = await self.state(user.id)
        sub_id = sub.subscription_id if sub.subscription_id and kind != "created" \
            else f"sub_test_{uuid.uuid4().hex[:12]}"
        ends = max(sub.period_end_ts or now, now) + PERIOD_S if kind == "renewed" \
            else now + PERIOD_S
        raw = {"id": f"evt_test_{uuid.uuid4().hex}", "type": TEST_EVENTS[kind],
               "created": now, "livemode": False,
               "data": {"object": {"object": "subscription", "id": sub_id,
                                   "metadata": {"user_id": user.id},
                                   "current_period_end": ends}}}
        return await self._handle(PaymentEvent(
            id=str(raw["id"]), type=TEST_EVENTS[kind], intent_id="", booking_id=None,
            amount_cents=0, livemode=False, raw=raw))

    async def event_received(self, event: PaymentEvent) -> str:
        """A subscription or invoice event from the webhook: the outcome it logs."""
        parsed = rules.from_stripe(event.raw or {})
        if parsed is None:
            return "not a user's subscription"
        user_id, change = parsed

        def step(doc: Document) -> Document:
            before = rules.Subscription.model_validate(doc)
            return rules.apply_event(before, change).model_dump(mode="json")

        after = rules.Subscription.model_validate(await self._store.change(user_id, step))
        return f"subscription {after.status}"

    async def before_interview(self, user_id: str, voice: str | None) -> None:
        """The interview gate: `limit_reached` naming the plan for a voice it does not
        offer, or past its interviews a day (the user's own days, `plans.plan_day`)."""
        plan = await self.plan(user_id)
        if voice:
            rules.check_voice(plan, voice)
        if plan.interviews_per_day is not None:
            rules.check_interview(plan, await self._started_today(user_id))

    async def llm_limit(self, user_id: str) -> int | None:
        """The user's plan's LLM evaluations a day (None: the plan sets no limit)."""
        return (await self.plan(user_id)).llm_evaluations_per_day

    async def _started_today(self, user_id: str) -> int:
        """Interviews started since the user's local midnight."""
        tz = await self._time_zone(user_id) if self._time_zone is not None else None
        midnight = rules.plan_day_start(self._clock(), tz)
        _, total = await self._interviews.list_for_user(user_id, status=None, page=1,
                                                        per_page=1, since=midnight)
        return total

    async def export_user(self, user_id: str) -> dict[str, Any]:
        return {"subscription": await self._store.get(user_id)}

    async def erase_user(self, user_id: str) -> None:
        await self._store.delete_for_user(user_id)


def _iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts, UTC).isoformat() if ts else None
