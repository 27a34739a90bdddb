"""Statistics: the rules users see (incremental folding equals a from-scratch computation:
`test_statistics_folding.py`)."""

from datetime import date, timedelta

import pytest

from mockmate.domain import QUESTION_CATEGORIES, QuestionCategory
from mockmate.gamification.statistics import (
    Statistics,
    iso_week,
    percentile_rank,
    record_answer,
    record_interview_completed,
    record_interview_started,
    to_wire,
)

MONDAY = date(2026, 1, 5)  # 2026-W02


def week(n: int) -> str:
    return iso_week(MONDAY + timedelta(weeks=n))


def answers(stats: Statistics, category: QuestionCategory, *scores: float) -> Statistics:
    for score in scores:
        stats = record_answer(stats, category=category, difficulty="mid", score=score)
    return stats


def interviews(*averages: float | None) -> Statistics:
    stats = Statistics()
    for average in averages:
        stats = record_interview_started(stats)
        stats = record_interview_completed(stats, average=average, duration_s=600, week=week(0))
    return stats


# --- interviews -------------------------------------------------------------------------


def test_completed_interviews_add_practice_time_and_scores() -> None:
    stats = interviews(6.0, None, 8.0)
    assert (stats.total_interviews, stats.completed_interviews) == (3, 3)
    assert stats.practice_seconds == 1800 and stats.average_session_s == 600
    assert stats.best_score == 8.0
    assert stats.first_scores == [6.0, 8.0]  # the unscored interview is not a score


def test_unfinished_interviews_count_as_started_and_a_lost_start_is_made_up() -> None:
    stats = record_interview_started(interviews(7.0))
    assert (stats.total_interviews, stats.completed_interviews) == (2, 1)
    stats = record_interview_completed(Statistics(), average=5, duration_s=60, week=week(0))
    assert stats.total_interviews == 1


def test_the_score_windows_keep_the_first_five_and_the_latest_five() -> None:
    stats = interviews(*[float(i) for i in range(1, 9)])
    assert stats.first_scores == [1, 2, 3, 4, 5]
    assert stats.recent_scores == [4, 5, 6, 7, 8]


@pytest.mark.parametrize(
    ("averages", "rate"),
    [
        ([], None),
        ([5.0], None),
        ([5.0, 6.0], 20.0),  # one vs one
        ([5.0, 9.0, 6.0], 20.0),  # k = 1: the first vs the last, the middle one is ignored
        ([4.0, 6.0, 6.0, 10.0], 60.0),  # mean(4, 6) = 5 vs mean(6, 10) = 8
        ([4.0] * 5 + [8.0] * 5, 100.0),
        ([8.0] * 5 + [1.0] * 7 + [4.0] * 5, -50.0),  # a dip in the middle is not compared
        ([6.0, 3.0], -50.0),
        ([0.0, 5.0], None),  # no percent change from zero
        ([0.0, 0.0, 5.0, 5.0], None),
    ],
)
def test_improvement_rate_compares_the_earliest_and_latest_interviews(
    averages: list[float], rate: float | None
) -> None:
    assert interviews(*averages).improvement_rate == pytest.approx(rate)


def test_improvement_rate_ignores_interviews_with_nothing_scored() -> None:
    assert interviews(5.0, None).improvement_rate is None
    assert interviews(5.0, None, 7.5).improvement_rate == pytest.approx(50.0)


# --- answers and categories -------------------------------------------------------------


def test_answers_count_by_category_and_difficulty() -> None:
    stats = record_answer(Statistics(), category="behavioral", difficulty="senior", score=9)
    stats = record_answer(stats, category="behavioral", difficulty="junior", score=6)
    stats = record_answer(stats, category="technical", difficulty="senior", score=3)
    assert stats.by_category["behavioral"].model_dump() == {
        "answered": 2, "score_sum": 15.0, "average": 7.5
    }
    assert stats.by_difficulty == {"senior": 2, "junior": 1}
    assert stats.average_score == 6.0


def test_a_category_needs_two_answers_to_be_strongest_or_weakest() -> None:
    stats = answers(Statistics(), "technical", 10)
    assert (stats.strongest_category, stats.weakest_category) == (None, None)
    stats = answers(stats, "behavioral", 4, 5)
    assert (stats.strongest_category, stats.weakest_category) == ("behavioral", None)
    stats = answers(stats, "technical", 9)
    assert (stats.strongest_category, stats.weakest_category) == ("technical", "behavioral")


def test_strongest_and_weakest_follow_the_averages() -> None:
    stats = answers(Statistics(), "technical", 8, 8)
    stats = answers(stats, "behavioral", 6, 6)
    stats = answers(stats, "situational", 7, 7)
    assert (stats.strongest_category, stats.weakest_category) == ("technical", "behavioral")
    stats = answers(stats, "behavioral", 10, 10, 10, 10)
    assert (stats.strongest_category, stats.weakest_category) == ("behavioral", "situational")


def test_ties_go_to_the_alphabetically_first_category() -> None:
    stats = answers(Statistics(), "technical", 8, 8)
    stats = answers(stats, "behavioral", 8, 8)
    stats = answers(stats, "situational", 5, 5)
    assert stats.strongest_category == "behavioral"
    stats = answers(stats, "behavioral", 5, 5, 5, 5, 5, 5)  # behavioral falls to 6
    stats = answers(stats, "technical", 5, 5, 5, 5, 5, 5)  # technical falls to 6 too
    assert stats.strongest_category == "behavioral"
    assert stats.weakest_category == "situational"


def test_all_categories_tied_means_no_weakest() -> None:
    stats = answers(Statistics(), "technical", 7, 7)
    stats = answers(stats, "behavioral", 7, 7)
    assert (stats.strongest_category, stats.weakest_category) == ("behavioral", None)


# --- weekly window ----------------------------------------------------------------------


def complete_in(stats: Statistics, n: int, average: float | None = 6.0) -> Statistics:
    return record_interview_completed(stats, average=average, duration_s=1200, week=week(n))


def test_only_the_latest_twelve_weeks_are_kept() -> None:
    stats = Statistics()
    for n in range(13):
        stats = complete_in(stats, n)
    assert sorted(stats.weekly) == [week(n) for n in range(1, 13)]
    assert stats.practice_seconds == 13 * 1200  # totals still count every interview


def test_a_late_event_for_a_week_out_of_the_window_counts_only_in_totals() -> None:
    stats = complete_in(Statistics(), 20)
    stats = complete_in(stats, 3)
    assert list(stats.weekly) == [week(20)]
    assert stats.completed_interviews == 2
    stats = complete_in(stats, 9)  # 11 weeks back: still in the window
    assert sorted(stats.weekly) == [week(9), week(20)]


def test_weekly_series_fills_gaps_and_averages_each_week() -> None:
    stats = complete_in(Statistics(), 0, 6.0)
    stats = complete_in(stats, 0, 8.0)
    stats = complete_in(stats, 0, None)
    stats = complete_in(stats, 2, None)
    assert stats.weekly_series() == [
        {"week": "2026-W02", "practice_minutes": 60.0, "average_score": 7.0},
        {"week": "2026-W03", "practice_minutes": 0.0, "average_score": None},
        {"week": "2026-W04", "practice_minutes": 20.0, "average_score": None},
    ]


def test_weekly_series_runs_up_to_the_current_week_for_at_most_twelve_weeks() -> None:
    stats = complete_in(Statistics(), 0)
    series = stats.weekly_series(through=week(3))
    assert [w["week"] for w in series] == [week(n) for n in range(4)]
    assert [w["practice_minutes"] for w in series] == [20.0, 0.0, 0.0, 0.0]
    long_break = stats.weekly_series(through=week(30))
    assert [w["week"] for w in long_break] == [week(n) for n in range(19, 31)]
    assert all(w["practice_minutes"] == 0 for w in long_break)
    assert stats.weekly_series(through=week(-5))[0]["week"] == week(0)  # clock behind: ignored
    assert Statistics().weekly_series(through=week(3)) == []


def test_the_window_crosses_new_year() -> None:
    stats = record_interview_completed(Statistics(), average=5, duration_s=60, week="2025-W50")
    stats = record_interview_completed(stats, average=5, duration_s=60, week="2026-W03")
    weeks = [w["week"] for w in stats.weekly_series()]
    assert weeks[0] == "2025-W50" and weeks[-1] == "2026-W03" and len(weeks) == 6


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2026, 11, 18), "2026-W47"), (date(2024, 12, 30), "2025-W01"),
     (date(2021, 1, 3), "2020-W53"), (date(2026, 1, 5), "2026-W02")],
)
def test_iso_week_labels(day: date, expected: str) -> None:
    assert iso_week(day) == expected


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize("score", [-0.1, 10.5, float("nan")])
def test_scores_outside_zero_to_ten_are_refused(score: float) -> None:
    with pytest.raises(ValueError):
        record_answer(Statistics(), category="technical", difficulty="mid", score=score)
    with pytest.raises(ValueError):
        record_interview_completed(Statistics(), average=score, duration_s=1, week=week(0))


@pytest.mark.parametrize("bad_week", ["2026-47", "2026-W00", "2025-W53", "W47-2026", "2026-Wxx"])
def test_malformed_weeks_are_refused(bad_week: str) -> None:
    with pytest.raises(ValueError):
        record_interview_completed(Statistics(), average=5, duration_s=1, week=bad_week)


def test_a_negative_duration_is_refused() -> None:
    with pytest.raises(ValueError):
        record_interview_completed(Statistics(), average=5, duration_s=-1, week=week(0))


# --- percentile -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("below", "total", "rank"),
    [(0, 1, 100.0), (0, 0, 100.0), (0, 2, 0.0), (1, 2, 100.0), (0, 5, 0.0), (2, 5, 50.0),
     (4, 5, 100.0), (1, 4, 100 / 3), (9, 5, 100.0), (-1, 5, 0.0)],  # alone: 100; clamped
)
def test_percentile_rank(below: int, total: int, rank: float) -> None:
    assert percentile_rank(7.0, below, total) == pytest.approx(rank)


def test_a_nan_value_ranks_at_the_bottom() -> None:
    assert percentile_rank(float("nan"), 3, 5) == 0.0


# --- wire shape -------------------------------------------------------------------------


def test_an_empty_history_answers_zeros_and_nulls() -> None:
    body = to_wire(Statistics(), None)
    assert body["total_interviews"] == 0 and body["practice_minutes"] == 0
    for field in ("average_session_minutes", "average_score", "best_score", "improvement_rate",
                  "strongest_category", "weakest_category", "percentile"):
        assert body[field] is None
    assert body["questions_by_category"] == {
        name: {"answered": 0, "average_score": None} for name in QUESTION_CATEGORIES
    }
    assert body["questions_by_difficulty"] == {"junior": 0, "mid": 0, "senior": 0}
    assert body["weekly_practice"] == [] and body["weekly_scores"] == []


def test_the_wire_rounds_to_one_decimal_and_keeps_stored_values_exact() -> None:
    stats = answers(Statistics(), "technical", 7, 8, 8)
    stats = record_answer(stats, category="behavioral", difficulty="senior", score=6.05)
    stats = record_interview_completed(stats, average=7.666, duration_s=1000, week="2026-W47")
    stats = record_interview_completed(stats, average=8.333, duration_s=200, week="2026-W47")
    stats = stats.model_copy(update={"current_streak": 3, "longest_streak": 9})
    body = to_wire(stats, 87.654, through_week="2026-W48")
    assert stats.best_score == 8.333
    assert body["best_score"] == 8.3 and body["average_score"] == 7.3
    assert body["improvement_rate"] == 8.7
    assert body["practice_minutes"] == 20.0 and body["average_session_minutes"] == 10.0
    assert (body["current_streak"], body["longest_streak"]) == (3, 9)
    assert body["questions_by_category"]["technical"] == {"answered": 3, "average_score": 7.7}
    assert body["questions_by_difficulty"] == {"junior": 0, "mid": 3, "senior": 1}
    assert body["strongest_category"] == "technical" and body["weakest_category"] is None
    assert body["weekly_practice"] == [{"week": "2026-W47", "minutes": 20.0},
                                       {"week": "2026-W48", "minutes": 0.0}]
    assert body["weekly_scores"] == [{"week": "2026-W47", "average_score": 8.0},
                                     {"week": "2026-W48", "average_score": None}]
    assert body["percentile"] == 87.7 and body["questions_answered"] == 4
