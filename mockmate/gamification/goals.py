"""Personal goals: four kinds, each with a target and a deadline, moved by events.

Why: goals are user input (`POST /api/me/goals`), so they need per-field validation before
they are stored, and their progress is updated by hooks, so updates must be pure and safe to
repeat: practice days count once each, answers count once per cause, and scores and streaks
keep their best value. A goal is achieved on the day its progress reaches the target, and
expires once its deadline has passed unachieved.
"""

from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from mockmate.domain import QuestionCategory
from mockmate.gamification.events import (
    AnswerScored,
    GamificationEvent,
    InterviewFinished,
    Practiced,
    StreakReached,
)

GoalKind = Literal[
    "practice_frequency", "score_improvement", "category_mastery", "streak_maintenance"
]
GoalStatus = Literal["active", "achieved", "expired", "paused"]
MAX_DEADLINE_DAYS = 365


class GoalKindRule(BaseModel):
    """What a goal kind measures and which targets it accepts."""

    model_config = ConfigDict(frozen=True)

    kind: GoalKind
    description: str  # format string over {target}, {category}, {min_score}
    min_target: float
    max_target: float
    whole_target: bool
    needs_category: bool = False


GOAL_KINDS: tuple[GoalKindRule, ...] = (
    GoalKindRule(kind="practice_frequency", description="Practice on {target:g} different days",
                 min_target=1, max_target=MAX_DEADLINE_DAYS + 1, whole_target=True),
    GoalKindRule(kind="score_improvement", description="Reach an interview average of {target:g}",
                 min_target=1, max_target=10, whole_target=False),
    GoalKindRule(kind="category_mastery",
                 description="Score {min_score:g} or more on {target:g} {category} answers",
                 min_target=1, max_target=100, whole_target=True, needs_category=True),
    GoalKindRule(kind="streak_maintenance", description="Reach a {target:g}-day streak",
                 min_target=1, max_target=MAX_DEADLINE_DAYS, whole_target=True),
)
GOAL_RULES: dict[GoalKind, GoalKindRule] = {rule.kind: rule for rule in GOAL_KINDS}
DEFAULT_MASTERY_SCORE = 8.0


class GoalSpec(BaseModel):
    """A goal as a client asks for it."""

    kind: GoalKind
    target: float
    deadline: date
    category: QuestionCategory | None = None
    min_score: float | None = None


class GoalValidationError(ValueError):
    """A goal spec was refused; `errors` maps each bad field to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


class Goal(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    kind: GoalKind
    title: str
    target: float
    start_day: date
    deadline: date
    category: QuestionCategory | None = None
    min_score: float | None = None
    baseline: float | None = None  # the score or streak when the goal was set
    progress: float = 0.0
    last_practice_day: date | None = None
    counted: tuple[str, ...] = ()
    achieved_on: date | None = None
    paused: bool = False  # a paused goal is not moved by events until resumed

    @property
    def fraction(self) -> float:
        return min(1.0, self.progress / self.target)


def validate_goal(spec: GoalSpec, today: date, baseline: float | None = None) -> dict[str, str]:
    """Per-field errors ({} when valid). `baseline` is the user's current interview average
    (score_improvement) or streak (streak_maintenance): the target must be above it."""
    rule = GOAL_RULES[spec.kind]
    errors: dict[str, str] = {}
    if spec.deadline < today:
        errors["deadline"] = "must not be in the past"
    elif spec.deadline > today + timedelta(days=MAX_DEADLINE_DAYS):
        errors["deadline"] = f"must be within {MAX_DEADLINE_DAYS} days"
    if not rule.min_target <= spec.target <= rule.max_target:
        errors["target"] = f"must be between {rule.min_target:g} and {rule.max_target:g}"
    elif rule.whole_target and spec.target != int(spec.target):
        errors["target"] = "must be a whole number"
    elif baseline is not None and spec.kind in ("score_improvement", "streak_maintenance") and (
        spec.target <= baseline
    ):
        errors["target"] = f"must be above your current {baseline:g}"
    elif spec.kind == "practice_frequency" and "deadline" not in errors and (
        spec.target > (spec.deadline - today).days + 1
    ):
        errors["target"] = "more practice days than there are before the deadline"
    if rule.needs_category and spec.category is None:
        errors["category"] = "is required for this goal"
    if not rule.needs_category and spec.category is not None:
        errors["category"] = "is not used by this goal"
    if spec.min_score is not None and (spec.kind != "category_mastery"):
        errors["min_score"] = "is not used by this goal"
    elif spec.min_score is not None and not 1 <= spec.min_score <= 10:
        errors["min_score"] = "must be between 1 and 10"
    return errors


def new_goal(
    spec: GoalSpec, *, goal_id: str, today: date, baseline: float | None = None
) -> Goal:
    """A validated goal starting `today`; `GoalValidationError` lists what is wrong."""
    errors = validate_goal(spec, today, baseline)
    if errors:
        raise GoalValidationError(errors)
    min_score = spec.min_score
    if spec.kind == "category_mastery" and min_score is None:
        min_score = DEFAULT_MASTERY_SCORE
    title = GOAL_RULES[spec.kind].description.format(
        target=spec.target, category=spec.category or "", min_score=min_score or 0.0
    )
    return Goal(
        id=goal_id,
        kind=spec.kind,
        title=title,
        target=spec.target,
        start_day=today,
        deadline=spec.deadline,
        category=spec.category,
        min_score=min_score,
        baseline=baseline,
    )


class GoalEdit(BaseModel):
    """A change a client asks for (`PATCH /api/me/goals/{id}`); absent fields stay."""

    model_config = ConfigDict(extra="forbid")

    target: float | None = None
    deadline: date | None = None
    category: QuestionCategory | None = None
    min_score: float | None = None
    paused: bool | None = None


def edit_goal(goal: Goal, edit: GoalEdit, today: date) -> Goal:
    """The goal with `edit` applied, validated as a new goal would be (against the baseline
    it was set with); the title follows. An achieved goal can only be deleted."""
    if goal.achieved_on is not None:
        raise GoalValidationError({"goal": "is achieved already"})
    spec = GoalSpec(
        kind=goal.kind,
        target=goal.target if edit.target is None else edit.target,
        deadline=goal.deadline if edit.deadline is None else edit.deadline,
        category=goal.category if edit.category is None else edit.category,
        min_score=goal.min_score if edit.min_score is None else edit.min_score,
    )
    changed = edit.model_dump(exclude_none=True, exclude={"paused"})
    if changed:
        fresh = new_goal(spec, goal_id=goal.id, today=today, baseline=goal.baseline)
        goal = goal.model_copy(update={
            "target": fresh.target, "deadline": fresh.deadline, "category": fresh.category,
            "min_score": fresh.min_score, "title": fresh.title,
        })
        if goal.progress >= goal.target:  # a lowered target reached already
            goal = goal.model_copy(update={"achieved_on": today})
    if edit.paused is not None:
        goal = goal.model_copy(update={"paused": edit.paused})
    return goal


def _advanced(goal: Goal, event: GamificationEvent) -> Goal:
    if goal.kind == "practice_frequency" and isinstance(event, AnswerScored | Practiced):
        if goal.last_practice_day is not None and event.day <= goal.last_practice_day:
            return goal
        return goal.model_copy(
            update={"progress": goal.progress + 1, "last_practice_day": event.day}
        )
    if goal.kind == "category_mastery" and isinstance(event, AnswerScored):
        if (
            event.category != goal.category
            or event.score < (goal.min_score or DEFAULT_MASTERY_SCORE)
            or event.cause in goal.counted
        ):
            return goal
        return goal.model_copy(
            update={"progress": goal.progress + 1, "counted": (*goal.counted, event.cause)}
        )
    if goal.kind == "score_improvement" and isinstance(event, InterviewFinished):
        if event.average is None or event.average <= goal.progress:
            return goal
        return goal.model_copy(update={"progress": event.average})
    if goal.kind == "streak_maintenance" and isinstance(event, StreakReached):
        if event.current <= goal.progress:
            return goal
        return goal.model_copy(update={"progress": float(event.current)})
    return goal


def advance(goal: Goal, event: GamificationEvent) -> Goal:
    """The goal after `event`. Events outside [start_day, deadline] and events after the goal
    was achieved change nothing; reaching the target records the day it was achieved."""
    if goal.achieved_on is not None or goal.paused or not (
            goal.start_day <= event.day <= goal.deadline):
        return goal
    after = _advanced(goal, event)
    if after.progress >= after.target:
        after = after.model_copy(update={"achieved_on": event.day})
    return after


def status(goal: Goal, today: date) -> GoalStatus:
    if goal.achieved_on is not None:
        return "achieved"
    if today > goal.deadline:
        return "expired"
    return "paused" if goal.paused else "active"
