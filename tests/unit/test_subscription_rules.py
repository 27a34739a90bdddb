"""Plans and the premium subscription's pure rules: `MOCKMATE_PLANS`, the subscription moved
by created, renewed, failed and cancelled events in any order, the plan at a moment, and the
gates' `limit_reached` naming the plan."""

from datetime import UTC, date, datetime
from itertools import permutations

import pytest

from mockmate.errors import LimitReached
from mockmate.subscriptions import plans as rules
from mockmate.subscriptions.plans import Subscription, SubscriptionEvent

DAY = 86_400.0


def event(kind: str, at: float, period_end: float | None = None,
          sub_id: str = "sub_1") -> SubscriptionEvent:
    return SubscriptionEvent.model_validate({"kind": kind, "subscription_id": sub_id,
                                             "at_ts": at, "period_end_ts": period_end})


def applied(*events: SubscriptionEvent) -> Subscription:
    sub = Subscription()
    for e in events:
        sub = rules.apply_event(sub, e)
    return sub


def test_empty_plans_are_the_defaults_and_json_replaces_them() -> None:
    assert rules.parse_plans("") == rules.DEFAULT_PLANS
    assert rules.parse_plans("  ") == rules.DEFAULT_PLANS
    plans = rules.parse_plans('{"free": {"interviews_per_day": 1, "voices": ["amy"]},'
                              ' "premium": {"llm_evaluations_per_day": 100}}')
    assert plans["free"] == rules.Plan(name="free", interviews_per_day=1, voices=("amy",))
    assert plans["premium"].interviews_per_day is None
    assert plans["premium"].llm_evaluations_per_day == 100


@pytest.mark.parametrize("raw", [
    "{", "[]", '{"free": {}}', '{"free": {}, "premium": {}, "gold": {}}',
    '{"free": {"interviews_per_day": -1}, "premium": {}}',
    '{"free": {"lives": 3}, "premium": {}}', '{"free": 3, "premium": {}}',
])
def test_bad_plans_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="MOCKMATE_PLANS"):
        rules.parse_plans(raw)


def test_a_subscription_is_premium_from_creation_until_its_paid_period_ends() -> None:
    assert rules.plan_name(Subscription(), 0) == "free"
    sub = applied(event("created", 10, period_end=30 * DAY))
    assert (sub.status, sub.subscription_id) == ("active", "sub_1")
    assert rules.plan_name(sub, 29 * DAY) == "premium"
    assert rules.plan_name(sub, 30 * DAY) == "free"  # lapsed without a renewal


def test_renewal_extends_failure_keeps_the_paid_period_cancellation_ends_it() -> None:
    sub = applied(event("created", 10, 30 * DAY), event("renewed", 30 * DAY, 60 * DAY))
    assert (sub.status, sub.period_end_ts) == ("active", 60 * DAY)
    failed = rules.apply_event(sub, event("payment_failed", 60 * DAY))
    assert failed.status == "past_due"
    assert rules.plan_name(failed, 59 * DAY) == "premium"
    assert rules.plan_name(failed, 61 * DAY) == "free"
    recovered = rules.apply_event(failed, event("renewed", 61 * DAY, 90 * DAY))
    assert rules.plan_name(recovered, 61 * DAY) == "premium"
    cancelled = rules.apply_event(recovered, event("cancelled", 62 * DAY))
    assert cancelled.status == "cancelled" and rules.plan_name(cancelled, 62 * DAY) == "free"


def test_a_late_renewal_never_shortens_the_period() -> None:
    sub = applied(event("created", 10, 60 * DAY), event("renewed", 20, 30 * DAY))
    assert sub.period_end_ts == 60 * DAY


def test_events_in_any_order_end_the_same() -> None:
    history = [event("created", 1, 30 * DAY), event("renewed", 2, 60 * DAY),
               event("payment_failed", 3), event("renewed", 4, 90 * DAY)]
    final = applied(*history)
    assert (final.status, final.period_end_ts, final.last_event_ts) == ("active", 90 * DAY, 4)
    cancelled = [*history, event("cancelled", 5)]
    for events, status in ((history, "active"), (cancelled, "cancelled")):
        want = applied(*events)
        assert want.status == status
        for order in permutations(events):
            assert applied(*order) == want, order


def test_events_of_another_subscription_are_ignored_until_it_is_created() -> None:
    sub = applied(event("created", 1, 30 * DAY))
    assert rules.apply_event(sub, event("cancelled", 2, sub_id="sub_old")) == sub
    replaced = rules.apply_event(sub, event("created", 3, 90 * DAY, sub_id="sub_2"))
    assert (replaced.subscription_id, replaced.period_end_ts) == ("sub_2", 90 * DAY)


def test_every_stripe_event_has_a_kind() -> None:
    assert set(rules.STRIPE_EVENTS.values()) == {"created", "renewed", "payment_failed",
                                                  "cancelled"}


def test_the_gates_name_the_plan() -> None:
    free = rules.Plan(name="free", interviews_per_day=3, llm_evaluations_per_day=20,
                      voices=("default",))
    rules.check_interview(free, 2)
    with pytest.raises(LimitReached) as caught:
        rules.check_interview(free, 3)
    assert caught.value.body() == {"code": "limit_reached", "plan": "free", "limit": 3,
                                   "message": "the free plan allows 3 interviews a day"}
    one = rules.Plan(name="trial", interviews_per_day=1)
    with pytest.raises(LimitReached, match="allows 1 interview a day"):
        rules.check_interview(one, 1)
    for unlimited in rules.DEFAULT_PLANS.values():
        rules.check_interview(unlimited, 10_000)
        rules.check_voice(unlimited, "amy")
        assert rules.llm_allowed(unlimited, 10_000)
    rules.check_voice(free, "default")
    with pytest.raises(LimitReached) as voice:
        rules.check_voice(free, "amy")
    assert voice.value.body()["plan"] == "free"
    rules.check_voice(rules.DEFAULT_PLANS["premium"], "amy")
    assert rules.llm_allowed(free, 19) and not rules.llm_allowed(free, 20)
    assert rules.llm_allowed(rules.Plan(name="x"), 10**6)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> float:
    return datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(("tz", "before", "after", "day"), [
    # Kiritimati is UTC+14: its day turns at 10:00 UTC of the day before.
    ("Pacific/Kiritimati", utc(2026, 1, 10, 9, 59), utc(2026, 1, 10, 10, 0), date(2026, 1, 11)),
    # Pago Pago is UTC-11: its day turns at 11:00 UTC.
    ("Pacific/Pago_Pago", utc(2026, 1, 10, 10, 59), utc(2026, 1, 10, 11, 0), date(2026, 1, 10)),
    (None, utc(2026, 1, 9, 23, 59), utc(2026, 1, 10, 0, 0), date(2026, 1, 10)),
    ("Not/AZone", utc(2026, 1, 9, 23, 59), utc(2026, 1, 10, 0, 0), date(2026, 1, 10)),
])
def test_a_plans_day_is_the_users_own(tz: str | None, before: float, after: float,
                                      day: date) -> None:
    assert rules.plan_day(after, tz) == day
    assert rules.plan_day(before, tz).toordinal() == day.toordinal() - 1
    # A day's counting starts at its local midnight, whichever UTC date that is.
    assert rules.plan_day_start(after, tz).timestamp() == after
    assert rules.plan_day_start(after + 23 * 3600, tz).timestamp() == after
    assert rules.plan_day_start(before, tz).timestamp() == after - DAY


def test_a_day_whose_midnight_is_skipped_begins_at_the_jump() -> None:
    # Santiago springs forward at 00:00 on 6 Sep 2026 (to 01:00, UTC-3): 04:00 UTC.
    start = rules.plan_day_start(utc(2026, 9, 6, 15), "America/Santiago")
    assert start == datetime(2026, 9, 6, 4, tzinfo=UTC)
    assert rules.plan_day(start.timestamp() - 1, "America/Santiago") == date(2026, 9, 5)


def stripe(type_: str, obj: dict[str, object], created: int = 100) -> dict[str, object]:
    return {"id": "evt_1", "type": type_, "created": created, "data": {"object": obj}}


def test_stripe_events_in_both_layouts() -> None:
    created = stripe("customer.subscription.created", {
        "object": "subscription", "id": "sub_9", "metadata": {"user_id": "u1"},
        "items": {"data": [{"current_period_end": 2000}]}})
    assert rules.from_stripe(created) == ("u1", event("created", 100, 2000, "sub_9"))
    old_layout = stripe("customer.subscription.deleted", {
        "object": "subscription", "id": "sub_9", "metadata": {"user_id": "u1"},
        "current_period_end": 2000})
    assert rules.from_stripe(old_layout) == ("u1", event("cancelled", 100, None, "sub_9"))
    paid = stripe("invoice.paid", {
        "object": "invoice", "parent": {"subscription_details": {
            "subscription": "sub_9", "metadata": {"user_id": "u1"}}},
        "lines": {"data": [{"period": {"end": 4000}}]}}, created=300)
    assert rules.from_stripe(paid) == ("u1", event("renewed", 300, 4000, "sub_9"))
    failed = stripe("invoice.payment_failed", {
        "object": "invoice", "subscription": "sub_9",
        "subscription_details": {"metadata": {"user_id": "u1"}}})
    assert rules.from_stripe(failed) == ("u1", event("payment_failed", 100, None, "sub_9"))


@pytest.mark.parametrize("bad", [
    stripe("payment_intent.succeeded", {"object": "payment_intent", "id": "pi"}),
    stripe("invoice.paid", {"object": "invoice", "subscription": "sub_9"}),  # no user
    stripe("invoice.paid", {"object": "invoice", "metadata": {"user_id": "u"}}),  # no sub
    {"type": "invoice.paid", "data": {"object": {"subscription": "s",
                                                 "metadata": {"user_id": "u"}}}},  # no time
    {"type": "invoice.paid", "data": []},
])
def test_events_that_are_not_a_users_subscription_are_none(bad: dict[str, object]) -> None:
    assert rules.from_stripe(bad) is None
