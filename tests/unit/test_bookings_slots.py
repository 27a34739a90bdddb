"""Free slots: windows in the expert's zone, dates in the caller's, DST days, busy times,
blackouts, notice, the 31-day cap, and re-checking a requested booking."""

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockmate.bookings.slots import Slot, Window, free_slots, is_offered, overlaps

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
KOLKATA = ZoneInfo("Asia/Kolkata")
SYDNEY = ZoneInfo("Australia/Sydney")
HOUR = timedelta(hours=1)
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
MON, SUN = 0, 6


def slots(
    weekly: list[Window], day_from: date, day_to: date | None = None, **kw: Any
) -> list[Slot]:
    """`free_slots` for an expert and caller in New York, 60-minute sessions, no notice issue."""
    options: dict[str, Any] = {"expert_tz": NY, "caller_tz": NY, "duration_min": 60, **kw}
    options.setdefault("now", LONG_AGO)
    return free_slots(weekly=weekly, date_from=day_from, date_to=day_to or day_from, **options)


def utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


def length(slot: Slot) -> timedelta:  # real time: same-zone subtraction uses wall clocks
    return utc(slot.end) - utc(slot.start)


def walls(found: list[Slot], zone: ZoneInfo) -> list[str]:
    return [f"{s.start.astimezone(zone):%H:%M}" for s in found]


def test_window_is_cut_into_stepped_slots_that_fit() -> None:
    found = slots([Window.parse(MON, "09:00", "12:00")], date(2026, 3, 2))
    assert walls(found, NY) == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    assert all(length(s) == timedelta(hours=1) for s in found)
    assert found[0].start == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def test_longer_session_and_custom_step() -> None:
    window = [Window.parse(MON, "09:00", "12:00")]
    assert walls(slots(window, date(2026, 3, 2), duration_min=90), NY) == [
        "09:00", "09:30", "10:00", "10:30",
    ]  # fmt: skip
    assert walls(slots(window, date(2026, 3, 2), duration_min=120, step_min=60), NY) == [
        "09:00", "10:00",
    ]  # fmt: skip
    assert len(slots(window, date(2026, 3, 2), step_min=15)) == 9


def test_slots_are_expressed_in_the_callers_zone_and_dates() -> None:
    # 20:00-22:00 Monday in New York (UTC-5) is Tuesday morning in Kolkata (UTC+5:30).
    weekly = [Window.parse(MON, "20:00", "22:00")]
    tuesday = slots(weekly, date(2026, 3, 3), caller_tz=KOLKATA)
    assert [f"{s.start:%a %H:%M%z}" for s in tuesday] == [
        "Tue 06:30+0530", "Tue 07:00+0530", "Tue 07:30+0530",
    ]  # fmt: skip
    assert tuesday[0].start.utcoffset() == timedelta(hours=5, minutes=30)
    assert slots(weekly, date(2026, 3, 2), caller_tz=KOLKATA) == []


def test_sydney_caller_sees_london_afternoon_as_night() -> None:
    weekly = [Window.parse(MON, "13:00", "15:00")]  # London winter = UTC, Sydney summer = +11
    found = slots(weekly, date(2026, 1, 13), expert_tz=LONDON, caller_tz=SYDNEY)
    assert walls(found, SYDNEY) == ["00:00", "00:30", "01:00"]
    assert walls(found, LONDON) == ["13:00", "13:30", "14:00"]


def test_caller_range_boundaries_split_an_expert_day() -> None:
    # 17:00-20:00 London (winter, UTC) is 22:30-01:30 Kolkata: it straddles Kolkata midnight.
    weekly = [Window.parse(MON, "17:00", "20:00")]
    monday = slots(weekly, date(2026, 1, 12), expert_tz=LONDON, caller_tz=KOLKATA)
    tuesday = slots(weekly, date(2026, 1, 13), expert_tz=LONDON, caller_tz=KOLKATA)
    assert walls(monday, KOLKATA) == ["22:30", "23:00", "23:30"]
    assert walls(tuesday, KOLKATA) == ["00:00", "00:30"]


def test_spring_forward_keeps_local_hours_with_a_different_utc_offset() -> None:
    weekly = [Window.parse(SUN, "09:00", "17:00")]
    before = slots(weekly, date(2026, 3, 1))
    dst_day = slots(weekly, date(2026, 3, 8))
    assert walls(before, NY) == walls(dst_day, NY)
    assert walls(dst_day, NY)[0] == "09:00" and walls(dst_day, NY)[-1] == "16:00"
    assert before[0].start.astimezone(UTC).hour == 14
    assert dst_day[0].start.astimezone(UTC).hour == 13


def test_spring_forward_gap_times_are_skipped_and_sessions_keep_their_length() -> None:
    found = slots([Window.parse(SUN, "01:00", "04:00")], date(2026, 3, 8))
    assert walls(found, NY) == ["01:00", "01:30", "03:00"]  # 02:00-02:59 never happens
    assert all(length(s) == timedelta(hours=1) for s in found)
    assert f"{found[1].end:%H:%M}" == "03:30"


def test_window_ending_inside_the_gap_ends_where_the_gap_begins() -> None:
    found = slots([Window.parse(SUN, "01:00", "02:30")], date(2026, 3, 8), duration_min=30)
    assert walls(found, NY) == ["01:00", "01:30"]
    assert found[-1].end == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # 03:00 EDT


def test_fall_back_uses_first_occurrence_without_duplicates_or_overlaps() -> None:
    found = slots(
        [Window.parse(SUN, "00:00", "03:00")], date(2026, 11, 1), step_min=60, duration_min=60
    )
    starts_utc = [s.start.astimezone(UTC) for s in found]
    assert len(set(starts_utc)) == len(starts_utc) == 3
    assert walls(found, NY) == ["00:00", "01:00", "02:00"]
    assert found[1].start.utcoffset() == timedelta(hours=-4)  # 01:00 EDT, fold=0
    assert all(utc(a.end) <= utc(b.start) for a, b in pairwise(found))
    assert all(length(s) == timedelta(hours=1) for s in found)
    # A window ending at a repeated time (01:30) ends at its first occurrence (05:30Z).
    short = slots([Window.parse(SUN, "00:00", "01:30")], date(2026, 11, 1))
    assert walls(short, NY) == ["00:00", "00:30"]
    assert utc(short[-1].end) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_london_dst_days_keep_nine_to_five() -> None:
    weekly = [Window.parse(SUN, "09:00", "17:00")]
    spring = slots(weekly, date(2026, 3, 29), expert_tz=LONDON, caller_tz=LONDON)
    autumn = slots(weekly, date(2026, 10, 25), expert_tz=LONDON, caller_tz=LONDON)
    assert walls(spring, LONDON)[0] == walls(autumn, LONDON)[0] == "09:00"
    assert spring[0].start.astimezone(UTC).hour == 8
    assert autumn[0].start.astimezone(UTC).hour == 9
    assert len(spring) == len(autumn) == 15


def test_blackout_dates_are_expert_local_days() -> None:
    weekly = [Window.parse(MON, "20:00", "21:00")]  # Tuesday morning in Kolkata
    off = [date(2026, 3, 2)]  # the expert's Monday, the caller's Tuesday
    found = slots(
        weekly, date(2026, 3, 3), date(2026, 3, 10), caller_tz=KOLKATA, blackout_dates=off
    )
    assert [f"{s.start:%a %d %H:%M}" for s in found] == [
        "Tue 10 05:30"
    ]  # New York is on EDT by then


def test_busy_intervals_in_any_zone_remove_overlapping_slots_only() -> None:
    weekly = [Window.parse(MON, "09:00", "12:00")]
    booked = (datetime(2026, 3, 2, 15, 0, tzinfo=UTC), datetime(2026, 3, 2, 16, 0, tzinfo=UTC))
    found = slots(weekly, date(2026, 3, 2), busy=[booked])  # 10:00-11:00 New York
    assert walls(found, NY) == ["09:00", "11:00"]  # 09:00-10:00 and 11:00-12:00 just touch
    hold = datetime(2026, 3, 2, 19, 30, tzinfo=KOLKATA)  # 09:00 New York
    found = slots(weekly, date(2026, 3, 2), busy=[booked, (hold, hold + timedelta(minutes=15))])
    assert walls(found, NY) == ["11:00"]


def test_minimum_notice_hides_slots_starting_too_soon() -> None:
    weekly = [Window.parse(MON, "09:00", "17:00")]
    now = datetime(2026, 3, 2, 9, 10, tzinfo=NY)
    assert walls(slots(weekly, date(2026, 3, 2), now=now), NY)[0] == "11:30"
    shorter = slots(weekly, date(2026, 3, 2), now=now, min_notice=timedelta(minutes=30))
    assert walls(shorter, NY)[0] == "10:00"
    assert slots(weekly, date(2026, 3, 2), now=datetime(2026, 3, 3, tzinfo=UTC)) == []


def test_range_is_capped_at_31_days_and_only_window_weekdays_get_slots() -> None:
    weekly = [Window.parse(MON, "09:00", "10:00")]
    found = slots(weekly, date(2026, 3, 1), date(2026, 3, 31))
    assert [s.start.day for s in found] == [2, 9, 16, 23, 30]  # the Mondays
    with pytest.raises(ValueError, match="32 days; at most 31"):
        slots(weekly, date(2026, 3, 1), date(2026, 4, 1))
    with pytest.raises(ValueError, match="before it starts"):
        slots(weekly, date(2026, 3, 2), date(2026, 3, 1))


def test_bad_inputs_are_refused() -> None:
    weekly = [Window.parse(MON, "09:00", "10:00")]
    with pytest.raises(ValueError, match="timezone-aware"):
        slots(weekly, date(2026, 3, 2), now=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="duration_min"):
        slots(weekly, date(2026, 3, 2), duration_min=0)
    with pytest.raises(ValueError, match="cannot cross midnight"):
        Window.parse(MON, "22:00", "02:00")
    with pytest.raises(ValueError, match="HH:MM"):
        Window.parse(MON, "9:00", "10:00")
    with pytest.raises(ValueError, match="weekday"):
        Window(7, time(9), time(10))


def test_overlaps_is_half_open() -> None:
    t = [datetime(2026, 3, 2, h, tzinfo=UTC) for h in range(5)]
    assert overlaps(t[0], t[2], t[1], t[3])
    assert overlaps(t[0], t[4], t[1], t[2])  # nested
    assert not overlaps(t[0], t[1], t[1], t[2])  # touching
    assert not overlaps(t[1], t[1], t[0], t[2])  # empty
    with pytest.raises(ValueError, match="timezone-aware"):
        overlaps(t[0], t[1], datetime(2026, 3, 2), t[2])


def test_overlaps_compares_instants_across_the_fall_back_hour() -> None:
    first_one_am = datetime(2026, 11, 1, 1, 0, tzinfo=NY)  # 01:00 EDT
    second_one_am = datetime(2026, 11, 1, 1, 0, fold=1, tzinfo=NY)  # 01:00 EST, an hour later
    half_past_first = datetime(2026, 11, 1, 1, 30, tzinfo=NY)
    assert not overlaps(first_one_am, half_past_first, second_one_am, second_one_am + HOUR)
    assert overlaps(first_one_am, second_one_am + HOUR, half_past_first, second_one_am)


LATE_HOLD = (datetime(2026, 3, 2, 10, 45, tzinfo=NY), datetime(2026, 3, 2, 11, tzinfo=NY))
OFFER = {"weekly": [Window.parse(MON, "09:00", "12:00")], "expert_tz": NY, "now": LONG_AGO}


def test_is_offered_accepts_a_listed_slot_in_any_zone() -> None:
    start = datetime(2026, 3, 2, 10, 30, tzinfo=NY)
    assert is_offered(start, 60, **OFFER)  # type: ignore[arg-type]
    assert is_offered(start.astimezone(KOLKATA), 90, **OFFER)  # type: ignore[arg-type]
    # On the fall-back night 01:30 EDT + 60 real minutes is 01:30 EST, inside 00:00-03:00.
    fall_back = datetime(2026, 11, 1, 1, 30, tzinfo=NY)
    weekly = [Window.parse(SUN, "00:00", "03:00")]
    assert is_offered(fall_back, 60, weekly=weekly, expert_tz=NY, now=LONG_AGO)


def test_notice_counts_real_hours_when_now_is_in_a_dst_zone() -> None:
    weekly = [Window.parse(SUN, "00:00", "06:00")]
    now = datetime(2026, 11, 1, 0, 30, tzinfo=NY)  # 04:30Z: two real hours later is 01:30 EST
    found = slots(weekly, date(2026, 11, 1), now=now)
    # 01:30 EST is a repeated wall time (only its first occurrence is offered), so 02:00 EST;
    # wall-clock arithmetic would have said 02:30.
    assert found[0].start == datetime(2026, 11, 1, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "duration", "extra"),
    [
        (datetime(2026, 3, 2, 10, 15, tzinfo=NY), 60, {}),  # off the 30-minute step
        (datetime(2026, 3, 2, 11, 30, tzinfo=NY), 60, {}),  # runs past the window
        (datetime(2026, 3, 3, 10, 0, tzinfo=NY), 60, {}),  # Tuesday: no window
        (datetime(2026, 3, 2, 10, 0, tzinfo=NY), 60, {"blackout_dates": [date(2026, 3, 2)]}),
        (datetime(2026, 3, 2, 10, 0, tzinfo=NY), 60, {"busy": [LATE_HOLD]}),
        (datetime(2026, 3, 2, 10, 0, tzinfo=NY), 60, {"now": datetime(2026, 3, 2, 9, tzinfo=NY)}),
    ],
)
def test_is_offered_rejects_what_the_expert_did_not_offer(
    start: datetime, duration: int, extra: dict[str, object]
) -> None:
    assert not is_offered(start, duration, **{**OFFER, **extra})  # type: ignore[arg-type]


ZONES = [NY, LONDON, KOLKATA, SYDNEY, ZoneInfo("UTC"), ZoneInfo("Asia/Kathmandu")]


def _quarter(q: int) -> time:
    return time(q // 4, q % 4 * 15)


@st.composite
def windows_st(draw: st.DrawFn) -> Window:
    start = draw(st.integers(0, 94))
    end = draw(st.integers(start + 1, min(95, start + 40)))
    return Window(draw(st.integers(0, 6)), _quarter(start), _quarter(end))


@cache
def window_span(day: date, window: Window, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Brute force oracle: walking from local midnight in 15-minute steps, the first instants
    the expert's clock reads the window's start and its end on `day`."""
    at = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    while at.astimezone(zone).time() < window.start:
        at += timedelta(minutes=15)
    begin = at
    while at.astimezone(zone).time() < window.end:
        at += timedelta(minutes=15)
    return begin, at


@settings(max_examples=150, deadline=None)
@given(
    weekly=st.lists(windows_st(), min_size=1, max_size=4),
    expert_tz=st.sampled_from(ZONES),
    caller_tz=st.sampled_from(ZONES),
    first=st.sampled_from(
        [
            date(2026, 3, 6),
            date(2026, 3, 27),
            date(2026, 4, 3),
            date(2026, 10, 2),
            date(2026, 10, 30),
        ]
    ),
    days=st.integers(1, 5),
    duration=st.sampled_from([30, 45, 60, 90]),
    busy_offsets=st.lists(st.tuples(st.integers(0, 7 * 96), st.integers(1, 12)), max_size=6),
)
def test_slots_respect_windows_busy_times_and_the_callers_range(
    weekly: list[Window],
    expert_tz: ZoneInfo,
    caller_tz: ZoneInfo,
    first: date,
    days: int,
    duration: int,
    busy_offsets: list[tuple[int, int]],
) -> None:
    origin = datetime.combine(first, time(0), tzinfo=UTC) - timedelta(days=1)
    busy = [
        (origin + timedelta(minutes=15 * q), origin + timedelta(minutes=15 * (q + n)))
        for q, n in busy_offsets
    ]
    last = first + timedelta(days=days - 1)
    found = slots(
        weekly, first, last, expert_tz=expert_tz, caller_tz=caller_tz,
        duration_min=duration, busy=busy,
    )  # fmt: skip
    starts = [s.start.astimezone(UTC) for s in found]  # same-zone comparisons use wall clocks
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for slot in found:
        assert length(slot) == timedelta(minutes=duration)
        assert slot.start.utcoffset() == slot.start.astimezone(caller_tz).utcoffset()
        assert first <= slot.start.date() <= last
        assert not any(overlaps(slot.start, slot.end, b, e) for b, e in busy)
        local_day = slot.start.astimezone(expert_tz).date()
        assert any(
            w.weekday == local_day.weekday()
            and window_span(local_day, w, expert_tz)[0] <= slot.start
            and slot.end <= window_span(local_day, w, expert_tz)[1]
            for w in weekly
        )
