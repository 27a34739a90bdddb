"""Plans and subscriptions (issue 14 item 6), as pure rules: what each plan allows, how a
subscription moves with the payment provider's events, which plan a user is on at a given
moment, and the `limit_reached` that names the plan when it says no.

Why pure: the same rules answer a Stripe webhook, a test-mode event and every gated request,
in any process and in any order the events arrive in, so they take the state and the event
and return the new state, with no I/O. `service.py` stores the state and calls them.
"""

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mockmate.errors import LimitReached
from mockmate.gamification.streaks import local_day, zone

FREE, PREMIUM = "free", "premium"


class Plan(BaseModel):
    """What one plan allows; None is no limit (for `voices`: every voice)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=40)
    interviews_per_day: int | None = Field(None, ge=0)
    llm_evaluations_per_day: int | None = Field(None, ge=0)
    voices: tuple[str, ...] | None = None


# Without `MOCKMATE_PLANS` neither plan limits anything: a deployment that sells premium
# says what free lacks (an existing deployment keeps working as it did).
DEFAULT_PLANS: dict[str, Plan] = {FREE: Plan(name=FREE), PREMIUM: Plan(name=PREMIUM)}


def parse_plans(raw: str) -> dict[str, Plan]:
    """`MOCKMATE_PLANS`: a JSON object `{"free": {...}, "premium": {...}}` of plan limits
    (`interviews_per_day`, `llm_evaluations_per_day`, `voices`); empty means the defaults.
    Both plans must be named; a plan's fields left out have no limit. ValueError otherwise."""
    if not raw.strip():
        return dict(DEFAULT_PLANS)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"MOCKMATE_PLANS is not JSON: {exc}") from None
    if not isinstance(data, dict) or set(data) != {FREE, PREMIUM}:
        raise ValueError('MOCKMATE_PLANS must be an object with exactly "free" and "premium"')
    try:
        return {name: Plan.model_validate({**limits, "name": name})
                for name, limits in data.items()}
    except (ValidationError, TypeError) as exc:
        raise ValueError(f"MOCKMATE_PLANS: {exc}") from None


# --- the subscription ---------------------------------------------------------------------

Status = Literal["none", "active", "past_due", "cancelled"]
EventKind = Literal["created", "renewed", "payment_failed", "cancelled"]

# The provider's webhook events, as the kinds above (Stripe's names).
STRIPE_EVENTS: dict[str, EventKind] = {
    "customer.subscription.created": "created",
    "invoice.paid": "renewed",
    "invoice.payment_failed": "payment_failed",
    "customer.subscription.deleted": "cancelled",
}


class Subscription(BaseModel):
    """A user's premium subscription as the provider's events left it."""

    model_config = ConfigDict(frozen=True)

    status: Status = "none"
    subscription_id: str | None = None
    period_end_ts: float | None = None  # premium lasts until then while active
    last_event_ts: float = 0.0  # the newest event applied (older ones are stale)


class SubscriptionEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: EventKind
    subscription_id: str
    at_ts: float  # when the provider created the event
    period_end_ts: float | None = None  # for created and renewed


def _get(data: Any, *path: str | int) -> Any:
    for step in path:
        if isinstance(step, int):
            data = data[step] if isinstance(data, list) and len(data) > step else None
        else:
            data = data.get(step) if isinstance(data, Mapping) else None
    return data


def _first_str(*values: Any) -> str | None:
    return next((v for v in values if isinstance(v, str) and v), None)


def _first_number(*values: Any) -> float | None:
    return next((float(v) for v in values
                 if isinstance(v, (int, float)) and not isinstance(v, bool)), None)


def from_stripe(event: Mapping[str, Any]) -> tuple[str, SubscriptionEvent] | None:
    """The user and the subscription event in a Stripe event (a subscription's or an
    invoice's, in the older and the newer API layouts); None when it is not one of
    `STRIPE_EVENTS` or names no user (`metadata.user_id`, set at checkout) or subscription."""
    kind = STRIPE_EVENTS.get(str(event.get("type")))
    obj = _get(event, "data", "object")
    if kind is None or not isinstance(obj, Mapping):
        return None
    is_subscription = obj.get("object") == "subscription"
    details = _get(obj, "parent", "subscription_details") or obj.get("subscription_details")
    user_id = _first_str(_get(obj, "metadata", "user_id"), _get(details, "metadata", "user_id"))
    sub_id = _first_str(obj.get("id") if is_subscription else None, obj.get("subscription"),
                        _get(details, "subscription"))
    at = _first_number(event.get("created"))
    if user_id is None or sub_id is None or at is None:
        return None
    ends = _first_number(obj.get("current_period_end"),
                         _get(obj, "items", "data", 0, "current_period_end"),
                         _get(obj, "lines", "data", 0, "period", "end"))
    return user_id, SubscriptionEvent(kind=kind, subscription_id=sub_id, at_ts=at,
                                      period_end_ts=ends if kind in ("created", "renewed")
                                      else None)


STATUS_AFTER: dict[EventKind, Status] = {
    "created": "active", "renewed": "active", "payment_failed": "past_due",
    "cancelled": "cancelled",
}


def apply_event(sub: Subscription, event: SubscriptionEvent) -> Subscription:
    """The subscription after `event`, the same for any order the events arrive in
    (webhooks are not ordered): the status is the newest event's, the paid period the
    latest end any event named. Events of a subscription other than the current one change
    nothing, except a newer `created` (a new subscription replaces it)."""
    newer = event.at_ts >= sub.last_event_ts
    if sub.subscription_id not in (None, event.subscription_id):
        if not (newer and event.kind == "created"):
            return sub
        sub = Subscription()
    ends = max(filter(None, (sub.period_end_ts, event.period_end_ts)), default=None)
    update: dict[str, object] = {"subscription_id": event.subscription_id,
                                 "period_end_ts": ends}
    if newer:
        update |= {"status": STATUS_AFTER[event.kind], "last_event_ts": event.at_ts}
    return sub.model_copy(update=update)


def plan_name(sub: Subscription, now_ts: float) -> str:
    """Premium while the subscription is active or past due (the provider still retries
    the payment) and its paid period has not ended; free otherwise."""
    if sub.status in ("active", "past_due") and sub.period_end_ts is not None:
        return PREMIUM if now_ts < sub.period_end_ts else FREE
    return FREE


# --- the gates ----------------------------------------------------------------------------


def plan_day(now_ts: float, tz_name: str | None) -> date:
    """The day a plan's "a day" counts in: the user's own calendar day at `now_ts`, in their
    time zone (unset or unknown: UTC)."""
    return local_day(datetime.fromtimestamp(now_ts, UTC), tz_name)


def plan_day_start(now_ts: float, tz_name: str | None) -> datetime:
    """The instant (UTC) the user's current day began. Where a DST jump skips midnight, the
    day begins at the jump: zoneinfo reads a skipped wall time (fold=0) with the offset
    before the jump, which lands exactly on it."""
    day = plan_day(now_ts, tz_name)
    return datetime.combine(day, time(0), tzinfo=zone(tz_name)).astimezone(UTC)


def check_interview(plan: Plan, started_today: int) -> None:
    """Whether one more interview may start today; `limit_reached` naming the plan if not."""
    limit = plan.interviews_per_day
    if limit is not None and started_today >= limit:
        raise LimitReached(
            f"the {plan.name} plan allows {limit} interview{'s' if limit != 1 else ''} a day",
            plan=plan.name, limit=limit)


def check_voice(plan: Plan, voice: str) -> None:
    if plan.voices is not None and voice not in plan.voices:
        raise LimitReached(f"the voice {voice!r} is not in the {plan.name} plan",
                           plan=plan.name, voices=list(plan.voices))


def llm_allowed(plan: Plan, used_today: int) -> bool:
    """Whether today's next evaluation may use the LLM (else the offline evaluator)."""
    limit = plan.llm_evaluations_per_day
    return limit is None or used_today < limit
