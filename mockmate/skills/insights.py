"""Pure rules of insights: how fast each category improves, the strongest and weakest
skills, and three practices to do next, each with the reason a candidate can read."""

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel

from mockmate.domain import QuestionCategory
from mockmate.skills.rules import CRITERIA, SkillEvent, SkillValue

CATEGORIES: tuple[QuestionCategory, ...] = ("behavioral", "technical", "situational")
# Below this mean (out of 10) a rubric criterion is a gap worth practising.
GAP_BELOW = 7.0
SHOWN = 3
# What a low mark in each criterion means, as the middle of a reason's sentence.
GAPS: dict[str, str] = {
    "relevance": "drift from the question",
    "examples": "lack specific examples",
    "clarity": "are hard to follow",
    "technical_accuracy": "lack technical depth and accuracy",
    "job_alignment": "do not tie back to the job",
}
# A skill to practise for a category when its answers have no skill of their own.
CATEGORY_SKILL: dict[str, str] = {
    "behavioral": "communication", "technical": "system-design", "situational": "prioritisation",
}

Kind = Literal["criterion_gap", "weak_skill", "declining", "untried", "stretch"]


class CategoryTrend(BaseModel):
    category: str
    answers: int
    average: float | None
    first_average: float | None  # mean of the earlier half of the answers in range
    recent_average: float | None  # mean of the later half
    # Least-squares slope of score against answer order: points gained per answer.
    improvement_per_answer: float | None


class Practice(BaseModel):
    category: str
    skill: str | None = None


class Recommendation(BaseModel):
    kind: Kind
    practice: Practice
    reason: str


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def slope(scores: Sequence[float]) -> float | None:
    n = len(scores)
    if n < 2:
        return None
    mean_x, mean_y = (n - 1) / 2, sum(scores) / n
    spread = sum((x - mean_x) ** 2 for x in range(n))
    return round(sum((x - mean_x) * (y - mean_y) for x, y in enumerate(scores)) / spread, 2)


def category_trends(events: Sequence[SkillEvent]) -> list[CategoryTrend]:
    ordered = sorted(events, key=lambda e: (e.at, e.answer_id))
    trends = []
    for category in CATEGORIES:
        scores = [e.score for e in ordered if e.category == category]
        half = len(scores) // 2
        trends.append(CategoryTrend(
            category=category, answers=len(scores), average=_mean(scores),
            first_average=_mean(scores[:half]) if half else None,
            recent_average=_mean(scores[half:]) if half else None,
            improvement_per_answer=slope(scores),
        ))
    return trends


def strongest_and_weakest(skills: Sequence[SkillValue]
                          ) -> tuple[list[SkillValue], list[SkillValue]]:
    """Up to three of each, never the same skill in both (`skills` is highest first)."""
    strongest = list(skills[: min(SHOWN, (len(skills) + 1) // 2)])
    rest = skills[len(strongest):]
    weakest = sorted(rest[-SHOWN:], key=lambda v: (v.score, v.skill))
    return strongest, weakest


def _criterion_gaps(events: Sequence[SkillEvent]) -> list[tuple[float, str, str]]:
    """(mean, category, criterion) below `GAP_BELOW`, worst first."""
    gaps = []
    for category in CATEGORIES:
        these = [e for e in events if e.category == category]
        for criterion in CRITERIA:
            mean = _mean([e.rubric[criterion] for e in these if criterion in e.rubric])
            if mean is not None and mean < GAP_BELOW:
                gaps.append((mean, category, criterion))
    return sorted(gaps)


def _weakest_skill_in(events: Sequence[SkillEvent], category: str,
                      skills: Sequence[SkillValue]) -> str:
    tagged = {s for e in events if e.category == category for s in e.skills}
    ranked = [v.skill for v in sorted(skills, key=lambda v: (v.score, v.skill))
              if v.skill in tagged]
    return ranked[0] if ranked else CATEGORY_SKILL[category]


def recommendations(events: Sequence[SkillEvent], skills: Sequence[SkillValue],
                    trends: Sequence[CategoryTrend]) -> list[Recommendation]:
    """Three practices, most useful first: the worst rubric gap of a category, the weakest
    skills, a slipping category, a category never practised, then stretching a strength."""
    found: list[Recommendation] = []

    def add(kind: Kind, category: str, skill: str | None, reason: str) -> None:
        practice = Practice(category=category, skill=skill)
        if len(found) < SHOWN and all(r.practice != practice for r in found):
            found.append(Recommendation(kind=kind, practice=practice, reason=reason))

    for mean, category, criterion in _criterion_gaps(events):
        skill = _weakest_skill_in(events, category, skills)
        add("criterion_gap", category, skill,
            f"{category} answers {GAPS[criterion]} ({criterion.replace('_', ' ')} "
            f"{mean:.1f}/10): practise {skill.replace('-', ' ')}")
    categories_of = {s: e.category for e in events for s in e.skills}
    for value in sorted(skills, key=lambda v: (v.score, v.skill)):
        if value.score < GAP_BELOW:
            add("weak_skill", categories_of[value.skill], value.skill,
                f"{value.skill.replace('-', ' ')} is among your weakest skills "
                f"({value.score:.1f}/10 over {value.answers} answer"
                f"{'s' if value.answers != 1 else ''})")
    for trend in trends:
        if trend.improvement_per_answer is not None and trend.improvement_per_answer < 0:
            add("declining", trend.category, None,
                f"your {trend.category} scores are slipping "
                f"({trend.first_average} then {trend.recent_average}): practise "
                f"{trend.category} questions")
    for trend in trends:
        if trend.answers == 0:
            add("untried", trend.category, CATEGORY_SKILL[trend.category],
                f"you have not answered {trend.category} questions in this period")
    for value in skills:
        add("stretch", categories_of[value.skill], value.skill,
            f"{value.skill.replace('-', ' ')} is a strength ({value.score:.1f}/10): "
            "keep it sharp with harder questions")
    for category in CATEGORIES:  # so that there are always three
        add("stretch", category, CATEGORY_SKILL[category],
            f"practise {category} questions at a harder difficulty")
    return found
