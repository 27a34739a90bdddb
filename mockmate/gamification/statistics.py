"""A candidate's running statistics, moved one event at a time and never rebuilt on read.

Why incremental: `GET /api/me/statistics` must stay cheap however long a user's history is,
so the store keeps one small `Statistics` value per user and the hooks fold each answered
question, started interview and completed interview into it with the pure `record_*`
functions. Every figure a client sees is either a running sum or derived from running sums
and two five-item windows of interview averages, so folding events one by one gives the same
result as computing from the whole history (the unit tests check this). Scores are 0..10 and
kept unrounded; `to_wire` rounds for display only.
"""

import math
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mockmate.domain import DIFFICULTIES, QUESTION_CATEGORIES, Difficulty, QuestionCategory

SCORE_WINDOW = 5  # interview averages kept at each end of the history
WEEKS_KEPT = 12
MIN_ANSWERS_TO_RANK = 2  # answers a category needs before it can be strongest or weakest


class CategoryStats(BaseModel):
    model_config = ConfigDict(frozen=True)

    answered: int = Field(default=0, ge=0)
    score_sum: float = Field(default=0.0, ge=0)
    average: float | None = None


class WeekStats(BaseModel):
    """One ISO week: practice time and interviews completed, and the sum and count of their
    averages (`scored` excludes interviews with nothing scored)."""

    model_config = ConfigDict(frozen=True)

    practice_seconds: float = Field(default=0.0, ge=0)
    interviews: int = Field(default=0, ge=0)
    score_sum: float = Field(default=0.0, ge=0)
    scored: int = Field(default=0, ge=0)


class Statistics(BaseModel):
    """The running figures. Averages are None until there is something to average.

    `improvement_rate` compares the candidate's earliest and latest interview averages: with
    n scored interviews and k = min(5, n // 2), it is
    100 * (mean(latest k) - mean(earliest k)) / mean(earliest k), a percent change. The two
    windows never overlap, so one interview is never compared with itself. It is None while
    n < 2 and when mean(earliest k) is 0 (no meaningful percent change from nothing).
    """

    model_config = ConfigDict(frozen=True)

    total_interviews: int = Field(default=0, ge=0)
    completed_interviews: int = Field(default=0, ge=0)
    scored_interviews: int = Field(default=0, ge=0)
    practice_seconds: float = Field(default=0.0, ge=0)
    average_session_s: float | None = None
    answers_count: int = Field(default=0, ge=0)
    score_sum: float = Field(default=0.0, ge=0)
    average_score: float | None = None
    best_score: float | None = None
    first_scores: list[float] = Field(default_factory=list, max_length=SCORE_WINDOW)
    recent_scores: list[float] = Field(default_factory=list, max_length=SCORE_WINDOW)
    improvement_rate: float | None = None
    by_category: dict[QuestionCategory, CategoryStats] = Field(default_factory=dict)
    by_difficulty: dict[Difficulty, int] = Field(default_factory=dict)
    strongest_category: QuestionCategory | None = None
    weakest_category: QuestionCategory | None = None
    weekly: dict[str, WeekStats] = Field(default_factory=dict)
    current_streak: int = Field(default=0, ge=0)
    longest_streak: int = Field(default=0, ge=0)

    def weekly_series(self, through: str | None = None) -> list[dict[str, Any]]:
        """`[{week, practice_minutes, average_score}]`, oldest first, one item per week with
        no gaps (a week without practice shows 0 minutes and a None average). It runs from
        the first week on record to `through` (the caller's current week) or the latest week
        on record, whichever is later, and covers at most the last 12 weeks. Unrounded."""
        if not self.weekly:
            return []
        end = max(self.weekly)
        if through is not None:
            end = max(end, _checked_week(through))
        end_day = _week_monday(end)
        start_day = max(_week_monday(min(self.weekly)), end_day - timedelta(weeks=WEEKS_KEPT - 1))
        series: list[dict[str, Any]] = []
        day = start_day
        while day <= end_day:
            week = iso_week(day)
            stats = self.weekly.get(week, WeekStats())
            average = stats.score_sum / stats.scored if stats.scored else None
            series.append(
                {
                    "week": week,
                    "practice_minutes": stats.practice_seconds / 60,
                    "average_score": average,
                }
            )
            day += timedelta(weeks=1)
        return series


def iso_week(day: date) -> str:
    """The ISO week `day` falls in, as "2026-W47" (so week keys sort as text). Days around
    New Year may belong to the neighbouring year's week: 2024-12-30 is "2025-W01"."""
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _week_monday(week: str) -> date:
    return date.fromisocalendar(int(week[:4]), int(week[6:]), 1)


def _checked_week(week: str) -> str:
    if len(week) != 8 or week[4:6] != "-W" or not (week[:4] + week[6:]).isdigit():
        raise ValueError(f"not an ISO week like 2026-W47: {week!r}")
    try:
        _week_monday(week)
    except ValueError:
        raise ValueError(f"no such ISO week: {week!r}") from None
    return week


def _checked_score(score: float) -> float:
    if math.isnan(score) or not 0 <= score <= 10:
        raise ValueError(f"a score must be between 0 and 10, not {score!r}")
    return float(score)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def improvement_rate(first: list[float], recent: list[float], scored: int) -> float | None:
    """The percent change defined on `Statistics` from the two windows and the number of
    scored interviews (`first` and `recent` hold the earliest and latest up-to-5 averages)."""
    k = min(SCORE_WINDOW, scored // 2)
    if k < 1:
        return None
    early = _mean(first[:k])
    if early == 0:
        return None
    return 100 * (_mean(recent[-k:]) - early) / early


def _ranked(by_category: dict[QuestionCategory, CategoryStats]) -> tuple[
    QuestionCategory | None, QuestionCategory | None
]:
    """(strongest, weakest) among categories with at least 2 answers, by average; ties go to
    the alphabetically first name. The weakest is named only when its average is strictly
    below the strongest's: one category, or all tied, has no weakest."""
    eligible = sorted(
        (stats.average, name)
        for name, stats in by_category.items()
        if stats.answered >= MIN_ANSWERS_TO_RANK and stats.average is not None
    )
    if not eligible:
        return None, None
    best = max(average for average, _ in eligible)
    strongest = min(name for average, name in eligible if average == best)
    lowest, weakest = eligible[0]
    return strongest, (weakest if lowest < best else None)


def record_answer(
    stats: Statistics, *, category: QuestionCategory, difficulty: Difficulty, score: float
) -> Statistics:
    """`stats` after one scored answer in `category` at `difficulty` (score 0..10)."""
    score = _checked_score(score)
    old = stats.by_category.get(category, CategoryStats())
    answered, category_sum = old.answered + 1, old.score_sum + score
    by_category = {
        **stats.by_category,
        category: CategoryStats(
            answered=answered, score_sum=category_sum, average=category_sum / answered
        ),
    }
    by_difficulty = {**stats.by_difficulty, difficulty: stats.by_difficulty.get(difficulty, 0) + 1}
    answers_count, score_sum = stats.answers_count + 1, stats.score_sum + score
    strongest, weakest = _ranked(by_category)
    return stats.model_copy(
        update={
            "answers_count": answers_count,
            "score_sum": score_sum,
            "average_score": score_sum / answers_count,
            "by_category": by_category,
            "by_difficulty": by_difficulty,
            "strongest_category": strongest,
            "weakest_category": weakest,
        }
    )


def rescore_answer(
    stats: Statistics, *, category: QuestionCategory, earlier: float, score: float
) -> Statistics:
    """`stats` after an answer already counted at `earlier` is scored `score` instead (its
    transcript was corrected): the same number of answers, the averages of the latest
    scores."""
    earlier, score = _checked_score(earlier), _checked_score(score)
    old = stats.by_category.get(category)
    if old is None or not old.answered or not stats.answers_count:
        return stats
    category_sum = max(0.0, old.score_sum + score - earlier)
    by_category = {
        **stats.by_category,
        category: old.model_copy(update={
            "score_sum": category_sum, "average": category_sum / old.answered}),
    }
    score_sum = max(0.0, stats.score_sum + score - earlier)
    strongest, weakest = _ranked(by_category)
    return stats.model_copy(update={
        "score_sum": score_sum, "average_score": score_sum / stats.answers_count,
        "by_category": by_category, "strongest_category": strongest,
        "weakest_category": weakest,
    })


def record_interview_started(stats: Statistics) -> Statistics:
    return stats.model_copy(update={"total_interviews": stats.total_interviews + 1})


def _with_week(
    weekly: dict[str, WeekStats], week: str, duration_s: float, average: float | None
) -> dict[str, WeekStats]:
    """`weekly` with the interview added to `week`, keeping the 12 weeks ending at the latest
    week on record. A late event for a week already out of that window is not kept."""
    newest = max([week, *weekly])
    cutoff = iso_week(_week_monday(newest) - timedelta(weeks=WEEKS_KEPT - 1))
    old = weekly.get(week, WeekStats())
    added = WeekStats(
        practice_seconds=old.practice_seconds + duration_s,
        interviews=old.interviews + 1,
        score_sum=old.score_sum + (average or 0.0),
        scored=old.scored + (average is not None),
    )
    merged = {**weekly, week: added}
    return {key: value for key, value in sorted(merged.items()) if key >= cutoff}


def record_interview_completed(
    stats: Statistics, *, average: float | None, duration_s: float, week: str
) -> Statistics:
    """`stats` after an interview completed in ISO `week` ("2026-W47"), lasting `duration_s`,
    with the average score of its answers (None when nothing was scored: it counts as
    practice but not towards scores). `total_interviews` never falls below the completed
    count, even if a start event was lost."""
    if math.isnan(duration_s) or duration_s < 0:
        raise ValueError(f"duration_s must be 0 or more, not {duration_s!r}")
    week = _checked_week(week)
    completed = stats.completed_interviews + 1
    practice = stats.practice_seconds + duration_s
    update: dict[str, Any] = {
        "total_interviews": max(stats.total_interviews, completed),
        "completed_interviews": completed,
        "practice_seconds": practice,
        "average_session_s": practice / completed,
        "weekly": _with_week(stats.weekly, week, duration_s, average),
    }
    if average is not None:
        average = _checked_score(average)
        scored = stats.scored_interviews + 1
        first = (
            [*stats.first_scores, average]
            if len(stats.first_scores) < SCORE_WINDOW
            else stats.first_scores
        )
        recent = [*stats.recent_scores, average][-SCORE_WINDOW:]
        best = average if stats.best_score is None else max(stats.best_score, average)
        update |= {
            "scored_interviews": scored,
            "first_scores": first,
            "recent_scores": recent,
            "best_score": best,
            "improvement_rate": improvement_rate(first, recent, scored),
        }
    return stats.model_copy(update=update)


def percentile_rank(value: float, below: int, total: int) -> float:
    """Where the user stands among `total` users (themselves included) when `below` of them
    have a strictly lower `value`: 100 * below / (total - 1), clamped to 0..100, so the
    lowest is 0 and the highest 100. A user alone (total ≤ 1) is at 100. Only the counts
    matter; `value` names what was compared, and a NaN value ranks 0."""
    if math.isnan(value):
        return 0.0
    if total <= 1:
        return 100.0
    return min(100.0, max(0.0, 100.0 * below / (total - 1)))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def to_wire(
    stats: Statistics, percentile: float | None, *, through_week: str | None = None
) -> dict[str, Any]:
    """The body of `GET /api/me/statistics`. Numbers are rounded to 1 decimal; a figure with
    nothing behind it yet is null.

    - total_interviews, completed_interviews: int; questions_answered: int
    - practice_minutes, average_session_minutes: minutes (average over completed interviews)
    - average_score (mean answer score), best_score (best interview average): 0..10
    - improvement_rate: percent change, earliest vs latest interviews (see `Statistics`)
    - current_streak, longest_streak: days, as copied from the streak state
    - questions_by_category: {category: {answered, average_score}} for every category
    - questions_by_difficulty: {difficulty: answered} for every difficulty
    - strongest_category, weakest_category: a category name or null
    - weekly_practice: [{week, minutes}]; weekly_scores: [{week, average_score}]; the same
      weeks, oldest first, as `Statistics.weekly_series(through_week)`
    - percentile: 0..100 as given by the caller (see `percentile_rank`), or null
    """
    series = stats.weekly_series(through_week)
    session_s = stats.average_session_s
    return {
        "total_interviews": stats.total_interviews,
        "completed_interviews": stats.completed_interviews,
        "questions_answered": stats.answers_count,
        "practice_minutes": round(stats.practice_seconds / 60, 1),
        "average_session_minutes": None if session_s is None else round(session_s / 60, 1),
        "average_score": _round(stats.average_score),
        "best_score": _round(stats.best_score),
        "improvement_rate": _round(stats.improvement_rate),
        "current_streak": stats.current_streak,
        "longest_streak": stats.longest_streak,
        "questions_by_category": {
            name: {
                "answered": stats.by_category.get(name, CategoryStats()).answered,
                "average_score": _round(stats.by_category.get(name, CategoryStats()).average),
            }
            for name in QUESTION_CATEGORIES
        },
        "questions_by_difficulty": {
            name: stats.by_difficulty.get(name, 0) for name in DIFFICULTIES
        },
        "strongest_category": stats.strongest_category,
        "weakest_category": stats.weakest_category,
        "weekly_practice": [
            {"week": w["week"], "minutes": round(w["practice_minutes"], 1)} for w in series
        ],
        "weekly_scores": [
            {"week": w["week"], "average_score": _round(w["average_score"])} for w in series
        ],
        "percentile": _round(percentile),
    }
