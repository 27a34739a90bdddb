"""The expert's booking rules (`bookings.rules`): buffer, caps, notice, horizon, vacations,
pause, and the `Availability` fields they come from."""

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from mockmate.bookings.rules import (
    BookingRules,
    SeatDemand,
    bookable,
    day_period,
    held_interval,
    notice,
    off_days,
    seat_demands,
    seats_free,
    week_period,
    within_horizon,
)
from mockmate.bookings.schemas import Availability
from mockmate.bookings.slots import Slot

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday
H = timedelta(hours=1)


def slot(day: int, hour: int, minutes: int = 60) -> Slot:
    start = datetime(2026, 3, day, hour, tzinfo=UTC)
    return Slot(start, start + timedelta(minutes=minutes))


def test_periods_are_the_expert_local_day_and_iso_week() -> None:
    # 02:00 UTC on Monday 9 March is still Sunday 8 March in New York: day and week follow it.
    start = datetime(2026, 3, 9, 2, tzinfo=UTC)
    rules = BookingRules(max_per_day=2, max_per_week=5)
    assert seat_demands(start, "America/New_York", rules) == [
        SeatDemand("day:2026-03-08", 2), SeatDemand("week:2026-W10", 5)]
    assert seat_demands(start, "UTC", rules) == [
        SeatDemand("day:2026-03-09", 2), SeatDemand("week:2026-W11", 5)]
    assert seat_demands(start, "UTC", BookingRules()) == []
    assert (day_period(date(2028, 2, 29)), week_period(date(2027, 1, 1))) == (
        "day:2028-02-29", "week:2026-W53")


def test_vacations_join_blackouts_only_within_the_range_asked() -> None:
    rules = BookingRules(vacations=((date(2026, 3, 4), date(2026, 3, 6)),
                                    (date(2020, 1, 1), date(2020, 12, 31))))
    days = off_days([date(2026, 3, 10)], rules, date(2026, 3, 5), date(2026, 3, 12))
    assert days == {date(2026, 3, 5), date(2026, 3, 6), date(2026, 3, 10)}


def test_notice_is_the_longer_of_the_platform_and_the_expert() -> None:
    assert notice(2 * H, BookingRules(min_notice=48 * H)) == 48 * H
    assert notice(2 * H, BookingRules()) == 2 * H


def test_the_horizon_bounds_how_far_ahead() -> None:
    rules = BookingRules(horizon=timedelta(days=7))
    assert within_horizon(NOW + timedelta(days=7), NOW, rules)
    assert not within_horizon(NOW + timedelta(days=7, minutes=15), NOW, rules)
    assert within_horizon(NOW + timedelta(days=900), NOW, BookingRules())


def test_the_buffer_follows_each_session() -> None:
    start = datetime(2026, 3, 3, 10, tzinfo=UTC)
    rules = BookingRules(buffer=timedelta(minutes=30))
    assert held_interval(start, start + H, rules) == (start, start + 90 * timedelta(minutes=1))


def test_seats_are_free_while_every_period_has_room() -> None:
    demands = [SeatDemand("day:2026-03-03", 2), SeatDemand("week:2026-W10", 3)]
    assert seats_free(demands, {"day:2026-03-03": 1, "week:2026-W10": 2})
    assert not seats_free(demands, {"day:2026-03-03": 2})
    assert not seats_free(demands, {"week:2026-W10": 3})
    assert seats_free([], {"day:2026-03-03": 99})


@pytest.mark.parametrize(("rules", "taken", "kept"), [
    (BookingRules(), {}, [9, 10, 11, 12]),
    (BookingRules(paused=True), {}, []),
    (BookingRules(max_per_day=1), {"day:2026-03-03": 1}, []),
    (BookingRules(max_per_day=2), {"day:2026-03-03": 1}, [9, 10, 11, 12]),
    (BookingRules(max_per_week=4), {"week:2026-W10": 4}, []),
    (BookingRules(horizon=timedelta(days=1, hours=3)), {}, [9, 10, 11]),
])
def test_bookable_applies_every_rule(
    rules: BookingRules, taken: dict[str, int], kept: list[int]
) -> None:
    slots = [slot(3, h) for h in (9, 10, 11, 12)]
    found = bookable(slots, rules=rules, expert_tz="UTC", now=NOW, seats_taken=taken)
    assert [s.start.hour for s in found] == kept


def test_the_buffer_keeps_neighbours_of_a_session_apart() -> None:
    # Booked: 11:00-12:00 plus its 30-minute buffer, so 11:00-12:30 is taken. Free by the
    # calendar (which already left out what overlaps 11:00-12:30): 09:30, 10:00, 12:30, 13:00.
    busy = [(datetime(2026, 3, 3, 11, tzinfo=UTC), datetime(2026, 3, 3, 12, 30, tzinfo=UTC))]
    free = [Slot(s, s + H) for s in (datetime(2026, 3, 3, 9, 30, tzinfo=UTC),
                                     datetime(2026, 3, 3, 10, tzinfo=UTC),
                                     datetime(2026, 3, 3, 12, 30, tzinfo=UTC),
                                     datetime(2026, 3, 3, 13, tzinfo=UTC))]
    rules = BookingRules(buffer=timedelta(minutes=30))
    found = bookable(free, rules=rules, expert_tz="UTC", now=NOW, busy=busy)
    # 10:00 would end at 11:00, but its own buffer runs into the session: left out.
    assert [f"{s.start:%H:%M}" for s in found] == ["09:30", "12:30", "13:00"]


def test_availability_carries_the_rules_with_defaults() -> None:
    plain = Availability.model_validate({"weekly": []})
    assert plain.rules() == BookingRules()
    full = Availability.model_validate({
        "weekly": [], "buffer_min": 15, "max_per_day": 3, "max_per_week": 10,
        "min_notice_hours": 24, "horizon_days": 60, "paused": True,
        "vacations": [{"start": "2026-08-01", "end": "2026-08-14"}],
    })
    assert full.rules() == BookingRules(
        buffer=timedelta(minutes=15), max_per_day=3, max_per_week=10, min_notice=24 * H,
        horizon=timedelta(days=60), vacations=((date(2026, 8, 1), date(2026, 8, 14)),),
        paused=True)


@pytest.mark.parametrize("bad", [
    {"buffer_min": 20}, {"buffer_min": -15}, {"buffer_min": 255}, {"max_per_day": 0},
    {"max_per_week": "3"}, {"min_notice_hours": 10_000}, {"horizon_days": 0},
    {"vacations": [{"start": "2026-08-14", "end": "2026-08-01"}]},
    {"vacations": [{"start": "2026-01-01", "end": "2027-06-01"}]}, {"paused": "yes"},
])
def test_bad_rules_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Availability.model_validate({"weekly": [], **bad})
