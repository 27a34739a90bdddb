"""Pure rules of skills over time: the record of evaluated answers, current per-skill and
per-criterion values, and their history over a range, bucketed for a trend chart.

Every value is derived from the user's recent evaluated answers (`SkillEvent`s), so a
change to the rules changes old figures too, and nothing here touches storage or the clock.
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mockmate.evaluators.models import RUBRIC_WEIGHTS

Range = Literal["week", "month", "quarter", "year"]
RANGES: tuple[Range, ...] = ("week", "month", "quarter", "year")
RANGE_DAYS: dict[Range, int] = {"week": 7, "month": 30, "quarter": 91, "year": 365}
# A trend point per day over a week, per ISO week over a month or a quarter, per month
# over a year: at most 14 points, enough for a line and few enough to read.
BUCKETS: dict[Range, Literal["day", "week", "month"]] = {
    "week": "day", "month": "week", "quarter": "week", "year": "month",
}
CRITERIA: tuple[str, ...] = tuple(RUBRIC_WEIGHTS)
# Weight of the newest answer in a skill's current value (exponential smoothing): recent
# answers count most, yet one bad answer moves a value by only a third of the gap.
SMOOTHING = 0.35


class SkillEvent(BaseModel):
    """One evaluated answer as far as skills are concerned."""

    model_config = ConfigDict(frozen=True)

    answer_id: str
    at: datetime
    category: str
    score: float
    skills: tuple[str, ...] = ()
    rubric: dict[str, float] = Field(default_factory=dict)
    practice: bool = False
    interview_id: str = ""  # empty in records written before it was kept


class SkillValue(BaseModel):
    skill: str
    score: float
    answers: int
    last_practiced_at: datetime
    # Current value minus the value at the start of the range (None: first seen in range).
    change: float | None = None


def record(events: Sequence[SkillEvent], event: SkillEvent, keep: int) -> list[SkillEvent] | None:
    """The record with `event` added (oldest dropped past `keep`), or None when this answer
    is already in it: a hook that runs twice changes nothing."""
    if any(e.answer_id == event.answer_id for e in events):
        return None
    ordered = sorted([*events, event], key=lambda e: (e.at, e.answer_id))
    return ordered[-keep:]


def smoothed(scores: Iterable[float]) -> float | None:
    value: float | None = None
    for score in scores:
        value = score if value is None else value + SMOOTHING * (score - value)
    return None if value is None else round(value, 1)


def window(range_: Range, now: datetime) -> tuple[datetime, datetime]:
    return now - timedelta(days=RANGE_DAYS[range_]), now


def current_skills(events: Sequence[SkillEvent], since: datetime | None = None
                   ) -> list[SkillValue]:
    """Each skill's current value, highest first; `change` is measured from `since`."""
    by_skill: dict[str, list[SkillEvent]] = {}
    for event in sorted(events, key=lambda e: e.at):
        for skill in dict.fromkeys(event.skills):
            by_skill.setdefault(skill, []).append(event)
    values = []
    for skill, seen in by_skill.items():
        now_value = smoothed(e.score for e in seen)
        assert now_value is not None
        change = None
        if since is not None:
            before = smoothed(e.score for e in seen if e.at < since)
            change = None if before is None else round(now_value - before, 1)
        values.append(SkillValue(skill=skill, score=now_value, answers=len(seen),
                                 last_practiced_at=seen[-1].at, change=change))
    return sorted(values, key=lambda v: (-v.score, v.skill))


def current_criteria(events: Sequence[SkillEvent]) -> dict[str, float | None]:
    ordered = sorted(events, key=lambda e: e.at)
    return {c: smoothed(e.rubric[c] for e in ordered if c in e.rubric) for c in CRITERIA}


def bucket_start(at: datetime, size: Literal["day", "week", "month"]) -> date:
    day = at.astimezone(UTC).date()
    if size == "week":
        return day - timedelta(days=day.weekday())
    if size == "month":
        return day.replace(day=1)
    return day


def _next(start: date, size: Literal["day", "week", "month"]) -> date:
    if size == "day":
        return start + timedelta(days=1)
    if size == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def period_statistics(events: Sequence[SkillEvent], range_: Range, now: datetime
                      ) -> dict[str, object]:
    """Interview figures over the range (practice sessions apart): interviews with an
    evaluated answer in it, answers, their mean and best score, and the mean per category."""
    start, _ = window(range_, now)
    inside = [e for e in events if start <= e.at <= now and not e.practice]
    by_category: dict[str, list[float]] = {}
    for event in inside:
        by_category.setdefault(event.category, []).append(event.score)
    return {
        "range": range_, "from": start.isoformat(), "to": now.isoformat(),
        "interviews": len({e.interview_id for e in inside if e.interview_id}),
        "questions_answered": len(inside),
        "average_score": _mean([e.score for e in inside]),
        "best_answer_score": max((e.score for e in inside), default=None),
        "category_scores": {c: _mean(v) for c, v in sorted(by_category.items())},
    }


def history(events: Sequence[SkillEvent], range_: Range, now: datetime
            ) -> list[dict[str, object]]:
    """The trend over the range: one point per bucket (empty ones included, with None),
    each with the mean score, per-skill and per-criterion means of its answers."""
    start, _ = window(range_, now)
    size = BUCKETS[range_]
    inside = [e for e in events if start <= e.at <= now]
    points: list[dict[str, object]] = []
    period = bucket_start(start, size)
    last = bucket_start(now, size)
    while period <= last:
        following = _next(period, size)
        these = [e for e in inside if period <= bucket_start(e.at, "day") < following]
        skills: dict[str, list[float]] = {}
        for event in these:
            for skill in dict.fromkeys(event.skills):
                skills.setdefault(skill, []).append(event.score)
        points.append({
            "period": period.isoformat(),
            "answers": len(these),
            "score": _mean([e.score for e in these]),
            "skills": {s: _mean(v) for s, v in sorted(skills.items())},
            "criteria": {c: _mean([e.rubric[c] for e in these if c in e.rubric])
                         for c in CRITERIA},
        })
        period = following
    return points
