"""Slot-cell keys behind the unique index that forbids double booking, and hold expiry."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockmate.bookings.holds import (
    cell_key,
    hold_expires_at,
    is_on_grid,
    require_on_grid,
    slot_keys,
)
from mockmate.bookings.slots import overlaps

NY = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
KATHMANDU = ZoneInfo("Asia/Kathmandu")
T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
Q = timedelta(minutes=15)


def test_an_hour_claims_four_quarter_hour_cells() -> None:
    assert slot_keys("exp1", T0, T0 + 4 * Q) == [
        "exp1:2026-03-02T14:00Z",
        "exp1:2026-03-02T14:15Z",
        "exp1:2026-03-02T14:30Z",
        "exp1:2026-03-02T14:45Z",
    ]


def test_keys_depend_on_the_instant_not_the_zone_it_was_written_in() -> None:
    in_kolkata = T0.astimezone(KOLKATA)  # 19:30 IST
    assert slot_keys("exp1", in_kolkata, in_kolkata + 2 * Q) == slot_keys("exp1", T0, T0 + 2 * Q)
    assert cell_key("e", datetime(2026, 3, 2, 9, 0, tzinfo=NY)) == "e:2026-03-02T14:00Z"


def test_different_experts_never_share_keys() -> None:
    assert not set(slot_keys("a", T0, T0 + 4 * Q)) & set(slot_keys("b", T0, T0 + 4 * Q))


def test_a_session_across_the_fall_back_hour_claims_its_real_minutes() -> None:
    start = datetime(2026, 11, 1, 1, 0, tzinfo=NY)  # 01:00 EDT
    end = datetime(2026, 11, 1, 1, 0, fold=1, tzinfo=NY)  # 01:00 EST, an hour later
    keys = slot_keys("e", start, end)
    assert keys[0] == "e:2026-11-01T05:00Z" and keys[-1] == "e:2026-11-01T05:45Z"
    assert len(keys) == 4


@pytest.mark.parametrize(
    ("at", "on_grid"),
    [
        (datetime(2026, 3, 2, 14, 45, tzinfo=UTC), True),
        (datetime(2026, 3, 2, 9, 0, tzinfo=KOLKATA), True),  # 03:30 UTC
        (datetime(2026, 3, 2, 9, 0, tzinfo=KATHMANDU), True),  # 03:15 UTC
        (datetime(2026, 3, 2, 9, 10, tzinfo=KATHMANDU), False),  # 03:25 UTC
        (datetime(2026, 3, 2, 14, 5, tzinfo=UTC), False),
        (datetime(2026, 3, 2, 14, 0, 30, tzinfo=UTC), False),
        (datetime(2026, 3, 2, 14, 0, 0, 1, tzinfo=UTC), False),
    ],
)
def test_bookings_must_start_on_the_quarter_hour_utc_grid(at: datetime, on_grid: bool) -> None:
    assert is_on_grid(at) is on_grid
    if on_grid:
        assert require_on_grid(at).tzinfo is UTC
    else:
        with pytest.raises(ValueError, match="15-minute boundary"):
            require_on_grid(at)


def test_invalid_bookings_get_no_keys() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        slot_keys("e", datetime(2026, 3, 2, 14), T0 + Q)
    with pytest.raises(ValueError, match="end must be on"):
        slot_keys("e", T0, T0 + timedelta(minutes=50))
    with pytest.raises(ValueError, match="between 15 minutes and 24 hours"):
        slot_keys("e", T0, T0)
    with pytest.raises(ValueError, match="between 15 minutes and 24 hours"):
        slot_keys("e", T0, T0 - Q)
    with pytest.raises(ValueError, match="between 15 minutes and 24 hours"):
        slot_keys("e", T0, T0 + timedelta(hours=24) + Q)
    with pytest.raises(ValueError, match="expert_id"):
        slot_keys("", T0, T0 + Q)


intervals = st.tuples(st.integers(0, 400), st.integers(1, 16)).map(
    lambda p: (T0 + p[0] * Q, T0 + (p[0] + p[1]) * Q)
)


@settings(max_examples=500)
@given(intervals, intervals)
def test_overlapping_bookings_share_a_key_and_others_never_do(
    a: tuple[datetime, datetime], b: tuple[datetime, datetime]
) -> None:
    shared = set(slot_keys("e", *a)) & set(slot_keys("e", *b))
    assert bool(shared) == overlaps(*a, *b)


def test_hold_lapses_thirty_real_minutes_after_creation() -> None:
    assert hold_expires_at(T0) == T0 + timedelta(minutes=30)
    assert hold_expires_at(T0, hold_minutes=10) == T0 + timedelta(minutes=10)
    created = datetime(2026, 11, 1, 1, 45, tzinfo=NY)  # 01:45 EDT, 15 min before fall back
    assert hold_expires_at(created) == datetime(2026, 11, 1, 6, 15, tzinfo=UTC)  # 01:15 EST


def test_hold_needs_an_aware_time_and_a_positive_length() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        hold_expires_at(datetime(2026, 3, 2, 14))
    with pytest.raises(ValueError, match="positive"):
        hold_expires_at(T0, hold_minutes=0)
