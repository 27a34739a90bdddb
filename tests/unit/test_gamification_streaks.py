"""Streaks: local days across time zones and DST, consecutive days, freezes, late events."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockmate.gamification.streaks import (
    MAX_FREEZES,
    StreakState,
    current_streak_as_of,
    is_first_practice_of_day,
    local_day,
    record_practice,
)

LA = ZoneInfo("America/Los_Angeles")
NY = ZoneInfo("America/New_York")
D0 = date(2024, 1, 1)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def practice_days(offsets: list[int], state: StreakState | None = None) -> StreakState:
    state = state or StreakState()
    for n in offsets:
        state = record_practice(state, day(n)).state
    return state


# --- local days ---------------------------------------------------------------------------


def test_a_late_evening_in_los_angeles_is_still_that_day_there() -> None:
    at = datetime(2024, 1, 15, 23, 30, tzinfo=LA)
    assert at.astimezone(UTC).date() == date(2024, 1, 16)
    assert local_day(at, "America/Los_Angeles") == date(2024, 1, 15)
    assert local_day(at, "UTC") == date(2024, 1, 16)


def test_the_same_instant_is_a_different_day_east_of_utc() -> None:
    at = datetime(2024, 1, 15, 20, 0, tzinfo=UTC)
    assert local_day(at, "Asia/Tokyo") == date(2024, 1, 16)
    assert local_day(at, "Pacific/Kiritimati") == date(2024, 1, 16)
    assert local_day(at, "Pacific/Pago_Pago") == date(2024, 1, 15)


@pytest.mark.parametrize("tz", [None, "", "Mars/Olympus", "utc", "../etc/passwd", "America/"])
def test_an_unknown_time_zone_falls_back_to_utc(tz: str | None) -> None:
    at = datetime(2024, 1, 15, 23, 30, tzinfo=LA)
    assert local_day(at, tz) == date(2024, 1, 16)


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError):
        local_day(datetime(2024, 1, 15, 12, 0), "UTC")


def test_a_los_angeles_evening_streak_counts_la_days_not_utc_days() -> None:
    # Practice every evening at 23:30 in LA: consecutive LA days (consecutive UTC days too,
    # but one UTC day later); then one at 00:10 LA the next morning is the next LA day.
    state = StreakState()
    for d in (10, 11, 12):
        state = record_practice(state, local_day(datetime(2024, 1, d, 23, 30, tzinfo=LA),
                                                 "America/Los_Angeles")).state
    assert (state.current, state.last_practice_day) == (3, date(2024, 1, 12))
    early = local_day(datetime(2024, 1, 13, 0, 10, tzinfo=LA), "America/Los_Angeles")
    assert record_practice(state, early).state.current == 4
    # Read in UTC, 23:30 LA on the 12th and 00:10 LA on the 13th are the same day (the 13th).
    as_utc = [local_day(datetime(2024, 1, d, h, m, tzinfo=LA), "UTC")
              for d, h, m in ((12, 23, 30), (13, 0, 10))]
    assert as_utc == [date(2024, 1, 13), date(2024, 1, 13)]


def test_spring_forward_day_counts_as_one_day() -> None:
    # 2024-03-10 in New York lasts 23 hours.
    times = [
        datetime(2024, 3, 9, 23, 59, tzinfo=NY),
        datetime(2024, 3, 10, 0, 30, tzinfo=NY),
        datetime(2024, 3, 10, 3, 30, tzinfo=NY),  # just after the jump from 02:00 to 03:00
        datetime(2024, 3, 10, 23, 59, tzinfo=NY),
        datetime(2024, 3, 11, 0, 1, tzinfo=NY),
    ]
    days = [local_day(t, "America/New_York") for t in times]
    assert days == [date(2024, 3, 9)] + [date(2024, 3, 10)] * 3 + [date(2024, 3, 11)]
    state = StreakState()
    for d in days:
        state = record_practice(state, d).state
    assert state.current == 3


def test_spring_forward_24_hours_later_skips_a_calendar_day() -> None:
    before = datetime(2024, 3, 9, 23, 30, tzinfo=NY)
    after = (before.astimezone(UTC) + timedelta(hours=24)).astimezone(NY)
    assert local_day(after, "America/New_York") == date(2024, 3, 11)
    state = record_practice(StreakState(), local_day(before, "America/New_York")).state
    update = record_practice(state, local_day(after, "America/New_York"))
    assert update.state.current == 1  # the 10th was missed, and no freeze is held


def test_fall_back_day_counts_as_one_day() -> None:
    # 2024-11-03 in New York lasts 25 hours; 01:30 happens twice.
    first_130 = datetime(2024, 11, 3, 1, 30, tzinfo=NY, fold=0)
    second_130 = datetime(2024, 11, 3, 1, 30, tzinfo=NY, fold=1)
    assert second_130.astimezone(UTC) - first_130.astimezone(UTC) == timedelta(hours=1)
    times = [
        datetime(2024, 11, 2, 22, 0, tzinfo=NY),
        datetime(2024, 11, 3, 0, 30, tzinfo=NY),
        first_130,
        second_130,
        datetime(2024, 11, 3, 23, 59, tzinfo=NY),
        datetime(2024, 11, 4, 0, 30, tzinfo=NY),
    ]
    days = [local_day(t, "America/New_York") for t in times]
    assert days == [date(2024, 11, 2)] + [date(2024, 11, 3)] * 4 + [date(2024, 11, 4)]
    state = StreakState()
    for d in days:
        state = record_practice(state, d).state
    assert state.current == 3


def test_fall_back_24_hours_later_can_be_the_same_day() -> None:
    start = datetime(2024, 11, 3, 0, 30, tzinfo=NY)
    later = (start.astimezone(UTC) + timedelta(hours=24)).astimezone(NY)
    assert local_day(later, "America/New_York") == date(2024, 11, 3)


# --- consecutive days -----------------------------------------------------------------


def test_the_first_practice_starts_a_streak() -> None:
    update = record_practice(StreakState(), day(0))
    assert update.state == StreakState(current=1, longest=1, last_practice_day=day(0))
    assert update.milestones_reached == () and not update.freeze_earned


def test_the_same_day_again_changes_nothing() -> None:
    state = practice_days([0, 1])
    update = record_practice(state, day(1))
    assert update.state == state
    assert not (update.freeze_used or update.freeze_earned or update.milestones_reached)


def test_the_next_day_adds_one() -> None:
    assert practice_days([0, 1, 2]).current == 3


def test_a_missed_day_without_a_freeze_restarts_at_one_and_keeps_the_longest() -> None:
    state = practice_days([0, 1, 2, 4])
    assert (state.current, state.longest, state.freezes) == (1, 3, 0)


def test_an_earlier_day_changes_nothing() -> None:
    state = practice_days([0, 1, 2])
    for earlier in (day(1), day(0), day(-30)):
        update = record_practice(state, earlier)
        assert update.state == state
        assert not update.freeze_used
    assert record_practice(state, day(3)).state.current == 4


# --- milestones and freezes -------------------------------------------------------------


def test_freezes_are_earned_at_7_and_14_and_capped_at_2() -> None:
    state = StreakState()
    earned_at: list[int] = []
    milestones: list[int] = []
    for n in range(28):
        update = record_practice(state, day(n))
        state = update.state
        milestones.extend(update.milestones_reached)
        if update.freeze_earned:
            earned_at.append(state.current)
    assert milestones == [7, 14, 21, 28]
    assert earned_at == [7, 14]
    assert state.freezes == MAX_FREEZES == 2


def test_a_freeze_covers_exactly_one_missed_day() -> None:
    state = practice_days(list(range(7)))  # days 0..6, a freeze at 7
    assert state.freezes == 1
    update = record_practice(state, day(8))  # day 7 missed
    assert update.freeze_used
    assert (update.state.current, update.state.freezes) == (8, 0)
    assert update.state.freeze_used_days == (day(7),)


def test_a_freeze_does_not_cover_two_missed_days() -> None:
    state = practice_days(list(range(14)))
    assert state.freezes == 2
    update = record_practice(state, day(16))  # days 14 and 15 missed
    assert not update.freeze_used
    assert (update.state.current, update.state.freezes, update.state.longest) == (1, 2, 14)


def test_a_used_freeze_can_be_earned_again() -> None:
    state = practice_days(list(range(7)))  # 7 days, 1 freeze
    state = practice_days([8, *range(9, 14)], state)  # uses it; streak 13 on day 13
    assert (state.current, state.freezes) == (13, 0)
    update = record_practice(state, day(14))
    assert update.state.current == 14 and update.freeze_earned and update.state.freezes == 1


def test_a_freeze_used_on_the_milestone_day_is_replaced() -> None:
    state = practice_days(list(range(7)))  # freeze 1
    state = practice_days(list(range(7, 13)), state)  # streak 13, freeze 1
    update = record_practice(state, day(14))  # day 13 missed -> covered, streak 14
    assert update.freeze_used and update.freeze_earned
    assert update.milestones_reached == (14,)
    assert (update.state.current, update.state.freezes) == (14, 1)


def test_a_new_streak_reaching_7_is_a_milestone_again() -> None:
    state = practice_days([*range(7), *range(20, 27)])
    assert state.current == 7 and state.longest == 7
    assert record_practice(practice_days(list(range(20, 26))), day(26)).milestones_reached == (7,)


# --- reading the streak -----------------------------------------------------------------


def test_current_streak_as_of() -> None:
    state = practice_days([0, 1, 2])
    assert current_streak_as_of(state, day(2)) == 3
    assert current_streak_as_of(state, day(3)) == 3  # yesterday: still alive
    assert current_streak_as_of(state, day(4)) == 0  # no freeze to cover day 3
    assert current_streak_as_of(state, day(1)) == 3  # clock skew
    assert current_streak_as_of(StreakState(), day(0)) == 0


def test_a_held_freeze_keeps_the_streak_alive_one_more_day() -> None:
    state = practice_days(list(range(7)))
    assert current_streak_as_of(state, day(8)) == 7
    assert current_streak_as_of(state, day(9)) == 0


def test_first_practice_of_the_day() -> None:
    state = practice_days([0])
    assert is_first_practice_of_day(StreakState(), day(0))
    assert not is_first_practice_of_day(state, day(0))
    assert is_first_practice_of_day(state, day(1))


def test_the_state_round_trips_through_json() -> None:
    state = practice_days([*range(7), 8])
    assert StreakState.model_validate_json(state.model_dump_json()) == state


# --- properties -------------------------------------------------------------------------


@given(st.lists(st.integers(min_value=-3, max_value=4), max_size=60))
def test_streak_invariants(steps: list[int]) -> None:
    state = StreakState()
    n = 0
    for step in steps:
        n += step
        before = state
        update = record_practice(state, day(n))
        state = update.state
        assert state.current <= state.longest
        assert 0 <= state.freezes <= MAX_FREEZES
        assert state.longest >= before.longest
        assert state.current >= 1
        if before.last_practice_day is not None:
            assert state.last_practice_day is not None
            assert state.last_practice_day >= before.last_practice_day
        if update.freeze_used:
            assert state.freezes == before.freezes - 1 + update.freeze_earned


@given(st.integers(min_value=1, max_value=100))
def test_consecutive_days_count_each_day(days: int) -> None:
    state = practice_days(list(range(days)))
    assert state.current == state.longest == days
    assert state.freezes == min(days // 7, MAX_FREEZES)


@given(
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
                 timezones=st.just(UTC)),
    st.sampled_from(["America/Los_Angeles", "America/New_York", "Asia/Kolkata",
                     "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/London"]),
)
def test_a_local_day_is_within_a_day_of_the_utc_day(at: datetime, tz: str) -> None:
    assert abs((local_day(at, tz) - at.date()).days) <= 1
