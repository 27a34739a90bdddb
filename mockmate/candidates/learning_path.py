"""A learning path: what to practise next, in order, each step with a goal measured from the
candidate's own answers.

Why pure: planning ("which categories and rubric criteria are weakest, how much fits in the
time the candidate has"), measuring ("has this step's goal been met by the answers given
since it began?") and adapting ("scores moved: is the plan still aimed at the weakest?")
are rules over numbers. `learning_path_service` feeds them from MongoDB and stores the
plan; everything here is tested directly.

Steps, in order: practice the weakest categories, then the weakest rubric criterion, then a
full mock interview for the target role, then a session with a human expert. A practice
step's goal is a number of answers in its category scoring at least its target on average;
its target is a step above where the candidate stands (`TARGET_STEP`), at least `MIN_TARGET`.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mockmate.domain import QUESTION_CATEGORIES

StepKind = Literal["practice", "criterion", "mock_interview", "expert_session"]
CRITERIA = ("relevance", "examples", "clarity", "technical_accuracy", "job_alignment")
CRITERION_NAMES = {"relevance": "relevance", "examples": "specific examples",
                   "clarity": "clarity and structure", "technical_accuracy": "technical accuracy",
                   "job_alignment": "job alignment"}
MINUTES_PER_ANSWER = 4
MIN_TARGET = 6.0
MAX_TARGET = 9.0
TARGET_STEP = 1.5
MIN_ANSWERS = 2
MAX_ANSWERS = 10
WEAKEST_CATEGORIES = 2
# Which expert specialty helps with which weakness.
SPECIALTY_FOR = {"behavioral": "behavioral", "situational": "leadership",
                 "technical": "technical"}


class Step(BaseModel):
    """One step of the plan; `started_at` is when its answers begin to count."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: StepKind
    title: str
    why: str
    category: str | None = None
    criterion: str | None = None
    specialty: str | None = None
    answers: int = Field(default=0, ge=0)
    min_score: float = Field(default=0.0, ge=0, le=10)
    estimated_minutes: int = Field(default=0, ge=0)
    started_at: datetime
    completed_at: datetime | None = None


@dataclass(frozen=True)
class Standing:
    """Where the candidate stands: average score per category (None: never answered) and
    per rubric criterion."""

    categories: Mapping[str, float | None]
    criteria: Mapping[str, float | None]


@dataclass(frozen=True)
class AnswerFact:
    """An evaluated answer, as a step measures it."""

    at: datetime
    category: str
    score: float
    rubric: Mapping[str, float]


@dataclass(frozen=True)
class Activity:
    """What the candidate did that steps measure: answers, completed interviews (when, and
    their overall score), completed expert sessions (when)."""

    answers: Sequence[AnswerFact] = ()
    interviews: Sequence[tuple[datetime, float | None]] = ()
    expert_sessions: Sequence[datetime] = ()


@dataclass(frozen=True)
class StepProgress:
    done: int
    needed: int
    average: float | None
    met: bool

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.needed) if self.needed else 1.0


def _target(average: float | None) -> float:
    base = MIN_TARGET if average is None else average + TARGET_STEP
    return round(min(MAX_TARGET, max(MIN_TARGET, base)), 1)


def weakest_categories(standing: Standing, n: int = WEAKEST_CATEGORIES) -> list[str]:
    """Never-answered categories first (nothing known is weakest), then lowest averages."""
    def key(category: str) -> tuple[int, float, str]:
        average = standing.categories.get(category)
        return (0, 0.0, category) if average is None else (1, average, category)
    return [str(c) for c in sorted(QUESTION_CATEGORIES, key=key)[:n]]


def weakest_criterion(standing: Standing) -> str | None:
    known = [(v, c) for c, v in standing.criteria.items() if v is not None and c in CRITERIA]
    return min(known)[1] if known else None


def plan(standing: Standing, *, target_role: str, minutes_per_week: int,
         now: datetime) -> list[Step]:
    """The steps for this standing, sized to `minutes_per_week`."""
    per_step = max(MIN_ANSWERS, min(MAX_ANSWERS, minutes_per_week // MINUTES_PER_ANSWER // 3))
    role = target_role or "your target role"
    steps: list[Step] = []
    for category in weakest_categories(standing):
        average = standing.categories.get(category)
        target = _target(average)
        why = (f"You have not answered {category} questions yet." if average is None else
               f"Your {category} answers average {average:.1f}/10, your weakest.")
        steps.append(Step(
            id=f"practice-{category}", kind="practice",
            title=f"Answer {per_step} {category} questions averaging {target:g}/10 or more",
            why=why, category=category, answers=per_step, min_score=target,
            estimated_minutes=per_step * MINUTES_PER_ANSWER, started_at=now))
    criterion = weakest_criterion(standing)
    if criterion is not None:
        average = standing.criteria[criterion]
        target = _target(average)
        name = CRITERION_NAMES[criterion]
        steps.append(Step(
            id=f"criterion-{criterion}", kind="criterion",
            title=f"Score {target:g}/10 or more on {name} in {per_step} answers",
            why=f"Across your answers, {name} is your lowest mark ({average:.1f}/10).",
            criterion=criterion, answers=per_step, min_score=target,
            estimated_minutes=per_step * MINUTES_PER_ANSWER, started_at=now))
    overall = [v for v in standing.categories.values() if v is not None]
    target = _target(sum(overall) / len(overall) if overall else None)
    steps.append(Step(
        id="mock-interview", kind="mock_interview",
        title=f"Complete a full mock interview for {role} scoring {target:g}/10 or more",
        why="A whole interview shows whether the practice holds up under time.",
        min_score=target, answers=1, estimated_minutes=30, started_at=now))
    weakest = weakest_categories(standing, 1)[0]
    steps.append(Step(
        id="expert-session", kind="expert_session",
        title="Have a mock interview with a human expert",
        why=f"An expert in {SPECIALTY_FOR[weakest]} interviews can coach what a score cannot.",
        specialty=SPECIALTY_FOR[weakest], answers=1, estimated_minutes=60, started_at=now))
    return steps


def measure(step: Step, activity: Activity) -> StepProgress:
    """How far `step` is, counting only what happened since it started."""
    if step.kind == "mock_interview":
        scores = [s for at, s in activity.interviews if at >= step.started_at]
        met = any(s is not None and s >= step.min_score for s in scores)
        best = max((s for s in scores if s is not None), default=None)
        return StepProgress(int(met), 1, best, met)
    if step.kind == "expert_session":
        done = sum(1 for at in activity.expert_sessions if at >= step.started_at)
        return StepProgress(min(done, 1), 1, None, done >= 1)
    values = []
    for answer in activity.answers:
        if answer.at < step.started_at:
            continue
        if step.kind == "practice" and answer.category == step.category:
            values.append(answer.score)
        elif step.kind == "criterion" and step.criterion is not None \
                and step.criterion in answer.rubric:
            values.append(answer.rubric[step.criterion])
    recent = values[-step.answers:] if step.answers else values
    average = round(sum(recent) / len(recent), 2) if recent else None
    met = len(recent) >= step.answers and average is not None and average >= step.min_score
    return StepProgress(len(values), step.answers, average, met)


def advance(steps: Sequence[Step], activity: Activity, standing: Standing, *,
            target_role: str, minutes_per_week: int, now: datetime) -> list[Step]:
    """The path after looking at what happened: steps whose goal is met are completed (and
    stay so); when the pending practice no longer aims at the weakest categories, because
    scores moved, the pending steps are planned again from the current standing."""
    updated = [
        s if s.completed_at is not None or not measure(s, activity).met
        else s.model_copy(update={"completed_at": now})
        for s in steps
    ]
    pending_practice = {s.category for s in updated
                        if s.kind == "practice" and s.completed_at is None}
    weakest = set(weakest_categories(standing))
    done_ids = {s.id for s in updated if s.completed_at is not None}
    if not pending_practice or pending_practice <= weakest:
        return updated
    # A step planned again keeps its start, so what was already done for it still counts.
    started = {s.id: s.started_at for s in updated}
    fresh = [s.model_copy(update={"started_at": started.get(s.id, s.started_at)})
             for s in plan(standing, target_role=target_role,
                           minutes_per_week=minutes_per_week, now=now)
             if s.id not in done_ids]
    return [s for s in updated if s.completed_at is not None] + fresh
