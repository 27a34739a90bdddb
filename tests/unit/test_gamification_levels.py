"""The level table: every boundary, titles, level-up bonuses, monotonicity."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockmate.gamification.levels import (
    LEVELS,
    MAX_LEVEL,
    level_by_number,
    level_for,
    level_up_bonus,
    levels_crossed,
)

THRESHOLDS = [0, 100, 300, 600, 1000, 1500, 2200, 3000, 4000, 5500]
TITLES = [
    "Newcomer", "Learner", "Practitioner", "Improver", "Dedicated",
    "Skilled", "Expert", "Master", "Veteran", "Interview Guru",
]


def test_the_table_matches_the_issue() -> None:
    assert MAX_LEVEL == 10
    assert [level.min_xp for level in LEVELS] == THRESHOLDS
    assert [level.title for level in LEVELS] == TITLES
    assert [level.number for level in LEVELS] == list(range(1, 11))
    assert [level.next_min_xp for level in LEVELS] == [*THRESHOLDS[1:], None]


BOUNDARIES = [(0, 1)] + [
    case for n, xp in enumerate(THRESHOLDS[1:], start=2) for case in ((xp - 1, n - 1), (xp, n))
] + [(10**12, 10)]


@pytest.mark.parametrize(("total_xp", "number"), BOUNDARIES)
def test_every_level_boundary(total_xp: int, number: int) -> None:
    level = level_for(total_xp)
    assert level.number == number
    assert level.title == TITLES[number - 1]
    assert level.min_xp <= total_xp


def test_the_boundaries_cover_each_threshold_and_the_xp_just_below() -> None:
    assert (99, 1) in BOUNDARIES and (100, 2) in BOUNDARIES and (299, 2) in BOUNDARIES
    assert (5499, 9) in BOUNDARIES and (5500, 10) in BOUNDARIES


def test_negative_xp_is_level_one() -> None:
    assert level_for(-5).number == 1


@pytest.mark.parametrize("new_level", range(2, 11))
def test_level_up_bonus_is_25_times_the_new_level(new_level: int) -> None:
    assert level_up_bonus(new_level) == 25 * new_level


@pytest.mark.parametrize("new_level", [-1, 0, 1, 11, 100])
def test_there_is_no_bonus_outside_levels_2_to_10(new_level: int) -> None:
    with pytest.raises(ValueError):
        level_up_bonus(new_level)


def test_level_by_number() -> None:
    assert level_by_number(1).title == "Newcomer"
    assert level_by_number(10).title == "Interview Guru"
    for bad in (0, 11):
        with pytest.raises(ValueError):
            level_by_number(bad)


def test_levels_crossed() -> None:
    assert levels_crossed(0, 99) == ()
    assert [lv.number for lv in levels_crossed(99, 100)] == [2]
    assert [lv.number for lv in levels_crossed(100, 100)] == []
    assert [lv.number for lv in levels_crossed(0, 1000)] == [2, 3, 4, 5]
    assert [lv.number for lv in levels_crossed(5499, 10**9)] == [10]


def test_progress_towards_the_next_level() -> None:
    assert level_for(0).progress(0) == 0.0
    assert level_for(50).progress(50) == 0.5
    assert level_for(200).progress(200) == 0.5
    assert level_for(6000).progress(6000) == 1.0


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**9))
def test_level_is_monotonic_in_xp(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert level_for(low).number <= level_for(high).number


@given(st.integers(min_value=0, max_value=10**9))
def test_the_level_brackets_the_xp(total_xp: int) -> None:
    level = level_for(total_xp)
    assert level.min_xp <= total_xp
    assert level.next_min_xp is None or total_xp < level.next_min_xp
