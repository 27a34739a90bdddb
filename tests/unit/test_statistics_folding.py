"""Statistics folded one event at a time equal the same statistics computed from the whole
history (Hypothesis), and recording never changes the statistics it was given."""

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mockmate.domain import DIFFICULTIES, QUESTION_CATEGORIES
from mockmate.gamification.statistics import (
    Statistics,
    iso_week,
    record_answer,
    record_interview_completed,
    record_interview_started,
)
from tests.unit.test_statistics import answers, week

# --- incremental == from scratch --------------------------------------------------------

scores = st.floats(min_value=0, max_value=10, allow_nan=False)
answer_events = st.tuples(
    st.just("answer"), st.sampled_from(QUESTION_CATEGORIES), st.sampled_from(DIFFICULTIES), scores
)
start_events = st.tuples(st.just("start"))
complete_events = st.tuples(
    st.just("complete"),
    st.none() | scores,
    st.floats(min_value=0, max_value=7200, allow_nan=False),
    st.integers(min_value=0, max_value=30).map(week),
)
event_lists = st.lists(st.one_of(answer_events, start_events, complete_events), max_size=60)


def fold(events: list[tuple[Any, ...]]) -> Statistics:
    stats = Statistics()
    for event in events:
        if event[0] == "answer":
            stats = record_answer(stats, category=event[1], difficulty=event[2], score=event[3])
        elif event[0] == "start":
            stats = record_interview_started(stats)
        else:
            stats = record_interview_completed(
                stats, average=event[1], duration_s=event[2], week=event[3]
            )
    return stats


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def normalised(value: Any) -> Any:
    """Floats rounded to 9 places, so sums taken in a different order compare equal."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: normalised(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalised(v) for v in value]
    return value


def summary(stats: Statistics) -> dict[str, Any]:
    result: dict[str, Any] = normalised(
        {
            **stats.model_dump(exclude={"by_category", "by_difficulty", "weekly"}),
            "by_category": {n: [c.answered, c.average] for n, c in stats.by_category.items()},
            "by_difficulty": {d: stats.by_difficulty.get(d, 0) for d in DIFFICULTIES},
            "weekly": {w: list(row.model_dump().values()) for w, row in stats.weekly.items()},
        }
    )
    return result


def from_scratch(events: list[tuple[Any, ...]]) -> dict[str, Any]:
    """The figures computed from the whole history at once, independently of the module."""
    answered = [e for e in events if e[0] == "answer"]
    completed = [e for e in events if e[0] == "complete"]
    scored = [e[1] for e in completed if e[1] is not None]
    per_category: dict[str, list[float]] = defaultdict(list)
    for e in answered:
        per_category[e[1]].append(e[3])
    averages = {name: mean(values) for name, values in per_category.items()}
    eligible = {name: avg for name, avg in averages.items() if len(per_category[name]) >= 2}
    strongest = min(eligible, key=lambda n: (-eligible[n], n)) if eligible else None
    weakest = min(eligible, key=lambda n: (eligible[n], n)) if eligible else None
    if strongest is not None and weakest is not None and eligible[weakest] == eligible[strongest]:
        weakest = None
    k = min(5, len(scored) // 2)
    improvement = None
    if k and mean(scored[:k]) != 0:
        improvement = 100 * (mean(scored[-k:]) - mean(scored[:k])) / mean(scored[:k])
    weekly: dict[str, list[float]] = defaultdict(lambda: [0.0, 0, 0.0, 0])
    for _, average, duration, key in completed:
        weekly[key] = [a + b for a, b in zip(weekly[key], [duration, 1, average or 0.0,
                                                           average is not None], strict=True)]
    if weekly:
        newest = max(weekly)
        monday = date.fromisocalendar(int(newest[:4]), int(newest[6:]), 1)
        oldest = iso_week(monday - timedelta(weeks=11))
        weekly = {w: row for w, row in weekly.items() if w >= oldest}
    practice = sum(e[2] for e in completed)
    result: dict[str, Any] = normalised(
        {
            "completed_interviews": len(completed),
            "scored_interviews": len(scored),
            "practice_seconds": practice,
            "average_session_s": practice / len(completed) if completed else None,
            "answers_count": len(answered),
            "score_sum": sum(e[3] for e in answered),
            "average_score": mean([e[3] for e in answered]) if answered else None,
            "best_score": max(scored, default=None),
            "first_scores": scored[:5],
            "recent_scores": scored[-5:],
            "improvement_rate": improvement,
            "by_category": {n: [len(v), averages[n]] for n, v in per_category.items()},
            "by_difficulty": {d: sum(1 for e in answered if e[2] == d) for d in DIFFICULTIES},
            "strongest_category": strongest,
            "weakest_category": weakest,
            "weekly": weekly,
            "current_streak": 0,
            "longest_streak": 0,
        }
    )
    return result


@settings(max_examples=300, deadline=None)
@given(event_lists)
def test_folding_events_one_by_one_matches_computing_from_all_history(
    events: list[tuple[Any, ...]],
) -> None:
    got = summary(fold(events))
    total = got.pop("total_interviews")
    assert got == from_scratch(events)
    started = completed = 0
    well_formed = True  # every completion follows its start
    for event in events:
        started += event[0] == "start"
        completed += event[0] == "complete"
        well_formed = well_formed and completed <= started
    if well_formed:
        assert total == started
    else:  # a lost start is made up for, never double counted
        assert max(started, completed) <= total <= started + completed


def test_a_record_returns_new_statistics_and_leaves_the_old_ones_alone() -> None:
    before = answers(Statistics(), "technical", 6)
    after = answers(before, "technical", 8)
    assert (before.answers_count, before.by_category["technical"].average) == (1, 6)
    assert (after.answers_count, after.by_category["technical"].average) == (2, 7)


