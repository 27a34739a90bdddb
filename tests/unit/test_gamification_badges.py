"""The badge catalog: every criterion at its threshold and just below, and newly earned."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from mockmate.gamification.badges import (
    BADGES,
    BADGES_BY_SLUG,
    RARITIES,
    Badge,
    ProgressSnapshot,
    badge,
    newly_earned,
)

# slug -> (snapshot at the threshold, snapshot just below)
THRESHOLDS: dict[str, tuple[ProgressSnapshot, ProgressSnapshot]] = {
    "first-interview": (ProgressSnapshot(interviews_completed=1), ProgressSnapshot()),
    "ten-interviews": (
        ProgressSnapshot(interviews_completed=10), ProgressSnapshot(interviews_completed=9)
    ),
    "fifty-interviews": (
        ProgressSnapshot(interviews_completed=50), ProgressSnapshot(interviews_completed=49)
    ),
    "streak-3": (ProgressSnapshot(current_streak=3), ProgressSnapshot(current_streak=2)),
    "streak-7": (ProgressSnapshot(current_streak=7), ProgressSnapshot(current_streak=6)),
    "streak-30": (ProgressSnapshot(current_streak=30), ProgressSnapshot(current_streak=29)),
    "perfect-answer": (
        ProgressSnapshot(best_answer_score=10.0), ProgressSnapshot(best_answer_score=9.9)
    ),
    "stellar-interview": (
        ProgressSnapshot(last_interview_average=9.0), ProgressSnapshot(last_interview_average=8.9)
    ),
    "master-storyteller": (
        ProgressSnapshot(behavioral_answers_scored_9_plus=10),
        ProgressSnapshot(behavioral_answers_scored_9_plus=9),
    ),
    "consistent-performer": (
        ProgressSnapshot(interviews_averaging_8_plus=3),
        ProgressSnapshot(interviews_averaging_8_plus=2),
    ),
    "marathon": (
        ProgressSnapshot(practice_seconds_today=7200), ProgressSnapshot(practice_seconds_today=7199)
    ),
}


def test_the_catalog_has_the_issues_badges() -> None:
    assert [b.slug for b in BADGES] == list(THRESHOLDS)
    assert len(BADGES_BY_SLUG) == len(BADGES) == 11


@pytest.mark.parametrize("item", BADGES, ids=lambda b: b.slug)
def test_every_badge_is_complete(item: Badge) -> None:
    assert item.title and item.description and item.icon
    assert item.rarity in RARITIES
    assert item.xp > 0
    assert badge(item.slug) is item


def test_rarities_are_used_from_common_to_legendary() -> None:
    assert {b.rarity for b in BADGES} == set(RARITIES)
    assert badge("streak-30").rarity == "legendary"
    assert badge("first-interview").rarity == "common"


@pytest.mark.parametrize("slug", list(THRESHOLDS))
def test_each_criterion_at_its_threshold_and_just_below(slug: str) -> None:
    at, below = THRESHOLDS[slug]
    assert badge(slug).earned_by(at)
    assert not badge(slug).earned_by(below)
    assert badge(slug) in newly_earned(at, set())
    assert badge(slug) not in newly_earned(below, set())


@pytest.mark.parametrize("slug", list(THRESHOLDS))
def test_each_threshold_snapshot_earns_only_its_badge_or_easier_ones(slug: str) -> None:
    at, _ = THRESHOLDS[slug]
    category = badge(slug).criterion.metric
    for earned in newly_earned(at, set()):
        assert earned.criterion.metric == category


def test_nothing_is_earned_from_nothing() -> None:
    assert newly_earned(ProgressSnapshot(), set()) == []


def test_badges_already_held_are_not_earned_again() -> None:
    snapshot = ProgressSnapshot(interviews_completed=10, current_streak=3)
    assert [b.slug for b in newly_earned(snapshot, set())] == [
        "first-interview", "ten-interviews", "streak-3"
    ]
    assert [b.slug for b in newly_earned(snapshot, {"first-interview", "streak-3"})] == [
        "ten-interviews"
    ]
    assert newly_earned(snapshot, frozenset(b.slug for b in BADGES)) == []


def test_the_longest_streak_counts_even_after_the_streak_broke() -> None:
    snapshot = ProgressSnapshot(current_streak=1, longest_streak=7)
    assert {"streak-3", "streak-7"} <= {b.slug for b in newly_earned(snapshot, set())}


def test_the_best_interview_average_counts_too() -> None:
    snapshot = ProgressSnapshot(last_interview_average=6.0, best_interview_average=9.2)
    assert badge("stellar-interview").earned_by(snapshot)


def test_progress_towards_a_badge() -> None:
    criterion = badge("ten-interviews").criterion
    assert criterion.progress(ProgressSnapshot(interviews_completed=4)) == 0.4
    assert criterion.progress(ProgressSnapshot(interviews_completed=40)) == 1.0
    assert badge("perfect-answer").criterion.progress(ProgressSnapshot()) == 0.0


def test_the_wire_form() -> None:
    assert badge("marathon").wire() == {
        "slug": "marathon", "title": "Marathon Session", "rarity": "rare"
    }


def test_snapshots_are_validated() -> None:
    with pytest.raises(ValidationError):
        ProgressSnapshot(interviews_completed=-1)


snapshots = st.builds(
    ProgressSnapshot,
    interviews_completed=st.integers(0, 60),
    current_streak=st.integers(0, 40),
    longest_streak=st.integers(0, 40),
    best_answer_score=st.none() | st.floats(1, 10),
    last_interview_average=st.none() | st.floats(1, 10),
    best_interview_average=st.none() | st.floats(1, 10),
    behavioral_answers_scored_9_plus=st.integers(0, 20),
    interviews_averaging_8_plus=st.integers(0, 5),
    practice_seconds_today=st.floats(0, 20_000),
)


@given(snapshots, st.integers(0, 50))
def test_more_progress_never_loses_a_badge(snapshot: ProgressSnapshot, extra: int) -> None:
    more = snapshot.model_copy(update={
        "interviews_completed": snapshot.interviews_completed + extra,
        "current_streak": snapshot.current_streak + extra,
        "behavioral_answers_scored_9_plus": snapshot.behavioral_answers_scored_9_plus + extra,
        "practice_seconds_today": snapshot.practice_seconds_today + extra,
    })
    assert {b.slug for b in newly_earned(snapshot, set())} <= {
        b.slug for b in newly_earned(more, set())
    }


@given(snapshots)
def test_held_badges_and_new_ones_partition_the_earned_ones(snapshot: ProgressSnapshot) -> None:
    earned = {b.slug for b in newly_earned(snapshot, set())}
    held = set(list(earned)[: len(earned) // 2])
    assert {b.slug for b in newly_earned(snapshot, held)} == earned - held
