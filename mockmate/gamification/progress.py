"""A candidate's whole progress as one value, and the pure steps that move it.

Why one value: statistics, XP, level, streak, badges, challenges and goals all change together
when an answer is evaluated or an interview completes, and they must change exactly once per
cause even when hooks are retried or run twice at once in two processes. Kept as one MongoDB
document replaced with a version check, a step is all-or-nothing, and `applied` remembers
the causes already counted, so a repeated step is a no-op. The store and the hooks only
read, call these functions and write back.
"""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from mockmate.domain import Difficulty, QuestionCategory
from mockmate.gamification import challenges as daily
from mockmate.gamification import goals as personal
from mockmate.gamification import statistics as stats
from mockmate.gamification.badges import BADGES_BY_SLUG, Badge, ProgressSnapshot, newly_earned
from mockmate.gamification.events import (
    AnswerScored,
    GamificationEvent,
    InterviewFinished,
    Practiced,
    StreakReached,
)
from mockmate.gamification.streaks import (
    StreakState,
    current_streak_as_of,
    is_first_practice_of_day,
    record_practice,
)
from mockmate.gamification.updates import gamification_update
from mockmate.gamification.xp import (
    Award,
    XpResult,
    answer_awards,
    apply_awards,
    badge_award,
    challenge_award,
    interview_awards,
    streak_awards,
)

# Causes and award keys remembered to make steps idempotent: far more than can be retried.
APPLIED_KEPT = 2000
MAX_GOALS = 20
HIGH_BEHAVIORAL_SCORE = 9.0
CONSISTENT_AVERAGE = 8.0


class BadgeCounters(BaseModel):
    """What badge criteria need beyond the statistics."""

    model_config = ConfigDict(frozen=True)

    best_answer_score: float | None = None
    behavioral_answers_scored_9_plus: int = 0
    interviews_averaging_8_plus: int = 0
    practice_day: date | None = None
    practice_seconds_that_day: float = 0.0


class LedgerItem(BaseModel):
    """An award paid by a step, waiting to be copied to the ledger (the outbox)."""

    model_config = ConfigDict(frozen=True)

    award: Award
    at: datetime


class Progress(BaseModel):
    model_config = ConfigDict(frozen=True)

    user_id: str
    version: int = 0
    total_xp: int = 0
    streak: StreakState = Field(default_factory=StreakState)
    statistics: stats.Statistics = Field(default_factory=stats.Statistics)
    counters: BadgeCounters = Field(default_factory=BadgeCounters)
    badges: dict[str, datetime] = Field(default_factory=dict)  # slug -> when earned
    challenges: list[daily.Challenge] = Field(default_factory=list)  # one local day's
    goals: list[personal.Goal] = Field(default_factory=list)
    applied: list[str] = Field(default_factory=list)  # recent causes and award keys
    # Paid awards not yet copied to the ledger: written with the payment, in the same
    # document, so a crash right after a step cannot lose their history.
    outbox: list[LedgerItem] = Field(default_factory=list)
    # When the candidate finished onboarding (paid ONBOARDING_XP, once: in this document).
    onboarding_completed_at: datetime | None = None


class Step(BaseModel):
    """A step's result: the new progress and what it earned (all empty for a repeat)."""

    model_config = ConfigDict(frozen=True)

    progress: Progress
    repeated: bool = False
    xp: XpResult | None = None
    badges: tuple[Badge, ...] = ()
    challenges_completed: tuple[daily.Challenge, ...] = ()

    @property
    def awards(self) -> tuple[Award, ...]:
        return () if self.xp is None else (*self.xp.awards, *self.xp.bonus_awards)

    def update(self, today: date) -> dict[str, object] | None:
        """The `gamification:update` payload, or None when nothing was earned."""
        if self.xp is None:
            return None
        return gamification_update(
            self.xp, streak_days=current_streak_as_of(self.progress.streak, today),
            badges_unlocked=self.badges, challenges_completed=self.challenges_completed,
        )


def new_progress(user_id: str) -> Progress:
    return Progress(user_id=user_id)


def challenges_for(progress: Progress, day: date) -> list[daily.Challenge]:
    """The user's challenges for `day`: the stored ones if they are that day's, else new."""
    if progress.challenges and progress.challenges[0].day == day:
        return progress.challenges
    return daily.daily_challenges(progress.user_id, day)


def record_started(progress: Progress, interview_id: str) -> Step:
    cause = f"started:{interview_id}"
    if cause in progress.applied:
        return Step(progress=progress, repeated=True)
    after = progress.model_copy(update={
        "statistics": stats.record_interview_started(progress.statistics),
        "applied": _remember(progress.applied, [cause]),
    })
    return Step(progress=after)


def record_answer(
    progress: Progress, *, answer_id: str, category: QuestionCategory, difficulty: Difficulty,
    score: float, day: date, at: datetime,
) -> Step:
    """An evaluated answer, given at `at`: the user's local `day`."""
    cause = f"answer:{answer_id}"
    if cause in progress.applied:
        return Step(progress=progress, repeated=True)
    first_of_day = is_first_practice_of_day(progress.streak, day)
    streak = record_practice(progress.streak, day)
    statistics = stats.record_answer(
        progress.statistics, category=category, difficulty=difficulty, score=score
    )
    counters = progress.counters
    counters = counters.model_copy(update={
        "best_answer_score": max(score, counters.best_answer_score or 0.0),
        "behavioral_answers_scored_9_plus": counters.behavioral_answers_scored_9_plus
        + (category == "behavioral" and score >= HIGH_BEHAVIORAL_SCORE),
    })
    events: list[GamificationEvent] = [
        AnswerScored(answer_id=answer_id, day=day, category=category, score=score),
        Practiced(day=day),
        StreakReached(day=day, current=streak.state.current),
    ]
    awards = [
        *answer_awards(answer_id, score, local_day=day, first_of_day=first_of_day),
        *streak_awards(day, streak.milestones_reached),
    ]
    return _finish(progress, cause, (day, at), events, awards, streak.state, statistics, counters)


class AnswerNotCountedError(RuntimeError):
    """A re-scored answer whose first score is not counted yet: retry after it is."""


def rescore_answer(
    progress: Progress, *, answer_id: str, revision: int, category: QuestionCategory,
    earlier: float, score: float, expert_kept: bool = False,
) -> Step:
    """An answer counted before is scored again after its transcript was corrected: the
    statistics take the new score; no XP, badge or challenge is paid again (nothing is).
    `expert_kept`: an expert scored the answer as it was before this revision, and the
    statistics count the expert's score (in place of `earlier`); they keep it, and the new
    AI score is only recorded as seen."""
    cause = f"answer:{answer_id}:r{revision}"
    if cause in progress.applied:
        return Step(progress=progress, repeated=True)
    if f"answer:{answer_id}" not in progress.applied:
        raise AnswerNotCountedError(answer_id)
    statistics = progress.statistics if expert_kept else stats.rescore_answer(
        progress.statistics, category=category, earlier=earlier, score=score
    )
    return Step(progress=progress.model_copy(update={
        "statistics": statistics, "applied": _remember(progress.applied, [cause]),
    }))


def record_interview(
    progress: Progress, *, interview_id: str, average: float | None, answered: int,
    duration_s: float, day: date, at: datetime,
) -> Step:
    """A completed interview, finished at `at`: the user's local `day`."""
    cause = f"interview:{interview_id}"
    if cause in progress.applied:
        return Step(progress=progress, repeated=True)
    statistics = stats.record_interview_completed(
        progress.statistics, average=average, duration_s=duration_s,
        week=stats.iso_week(day),
    )
    counters = progress.counters
    same_day = counters.practice_day == day
    counters = counters.model_copy(update={
        "interviews_averaging_8_plus": counters.interviews_averaging_8_plus
        + (average is not None and average >= CONSISTENT_AVERAGE),
        "practice_day": day,
        "practice_seconds_that_day": duration_s
        + (counters.practice_seconds_that_day if same_day else 0.0),
    })
    events: list[GamificationEvent] = [
        InterviewFinished(interview_id=interview_id, day=day, average=average)
    ]
    awards = interview_awards(interview_id, average, answered=answered)
    return _finish(
        progress, cause, (day, at), events, awards, progress.streak, statistics, counters
    )


def claim_challenge(progress: Progress, challenge_id: str, today: date, at: datetime) -> Step:
    """Pay a completed challenge of today's once; raises `KeyError` for an unknown id and
    `ChallengeNotClaimableError` with the reason otherwise."""
    todays = challenges_for(progress, today)
    # The stored challenges may be an earlier day's: claiming one of those says "expired".
    known = {c.id: c for c in (*progress.challenges, *todays)}
    if challenge_id not in known:
        raise KeyError(challenge_id)
    claimed = daily.claim(known[challenge_id], today)
    after = progress.model_copy(update={
        "challenges": [claimed if c.id == challenge_id else c for c in todays],
    })
    return _pay(after, [challenge_award(challenge_id, claimed.reward_xp)], today, at)


def add_goal(progress: Progress, goal: personal.Goal) -> Progress:
    if len(progress.goals) >= MAX_GOALS:
        raise personal.GoalValidationError({"goals": f"at most {MAX_GOALS} goals"})
    return progress.model_copy(update={"goals": [*progress.goals, goal]})


ONBOARDING_XP = 50


def complete_onboarding(progress: Progress, day: date, at: datetime) -> Step:
    """Mark onboarding done and pay its XP; a repeat (even a concurrent one, which the
    store's version check turns into a repeat) changes and pays nothing."""
    if progress.onboarding_completed_at is not None:
        return Step(progress=progress, repeated=True)
    done = progress.model_copy(update={"onboarding_completed_at": at})
    return _pay(done, [Award(cause_key="onboarding", source="onboarding", xp=ONBOARDING_XP)],
                day, at)


def edit_goal(progress: Progress, goal_id: str, edit: personal.GoalEdit, today: date
              ) -> Progress:
    """Raises `KeyError` for an unknown goal, `GoalValidationError` for a refused edit."""
    goal = next((g for g in progress.goals if g.id == goal_id), None)
    if goal is None:
        raise KeyError(goal_id)
    edited = personal.edit_goal(goal, edit, today)
    return progress.model_copy(update={
        "goals": [edited if g.id == goal_id else g for g in progress.goals]})


def delete_goal(progress: Progress, goal_id: str) -> Progress:
    """Raises `KeyError` for an unknown goal."""
    if all(g.id != goal_id for g in progress.goals):
        raise KeyError(goal_id)
    return progress.model_copy(update={"goals": [g for g in progress.goals if g.id != goal_id]})


def snapshot(progress: Progress, day: date | None = None) -> ProgressSnapshot:
    """The counters badge criteria read; today's practice time only counts on `day`."""
    s, c = progress.statistics, progress.counters
    return ProgressSnapshot(
        interviews_completed=s.completed_interviews,
        current_streak=progress.streak.current,
        longest_streak=progress.streak.longest,
        best_answer_score=c.best_answer_score,
        best_interview_average=s.best_score,
        behavioral_answers_scored_9_plus=c.behavioral_answers_scored_9_plus,
        interviews_averaging_8_plus=c.interviews_averaging_8_plus,
        practice_seconds_today=c.practice_seconds_that_day if c.practice_day == day else 0.0,
    )


def _finish(
    progress: Progress, cause: str, when: tuple[date, datetime], events: list[GamificationEvent],
    awards: list[Award], streak: StreakState, statistics: stats.Statistics,
    counters: BadgeCounters,
) -> Step:
    day, at = when
    todays = challenges_for(progress, day)
    completed: list[daily.Challenge] = []
    goals = progress.goals
    for event in events:
        todays, done = daily.progress_all(todays, event)
        completed.extend(done)
        goals = [personal.advance(goal, event) for goal in goals]
    statistics = statistics.model_copy(
        update={"current_streak": streak.current, "longest_streak": streak.longest}
    )
    after = progress.model_copy(update={
        "streak": streak, "statistics": statistics, "counters": counters, "goals": goals,
        # A late event for an earlier day leaves today's challenges alone.
        "challenges": todays if not progress.challenges or day >= progress.challenges[0].day
        else progress.challenges,
        "applied": _remember(progress.applied, [cause]),
    })
    step = _pay(after, awards, day, at)
    return step.model_copy(update={"challenges_completed": tuple(completed)})


def _pay(progress: Progress, awards: list[Award], day: date, at: datetime) -> Step:
    """Add the awards not paid before, and the badges they (and the step) earn."""
    fresh = [a for a in awards if a.cause_key not in progress.applied]
    earned = newly_earned(snapshot(progress, day), set(progress.badges))
    fresh += [badge_award(badge.slug, badge.xp) for badge in earned]
    result = apply_awards(progress.total_xp, fresh)
    paid = [a.cause_key for a in (*result.awards, *result.bonus_awards)]
    after = progress.model_copy(update={
        "total_xp": result.total_xp,
        "badges": {**progress.badges, **{badge.slug: at for badge in earned}},
        "applied": _remember(progress.applied, paid),
        "outbox": [*progress.outbox,
                   *(LedgerItem(award=a, at=at) for a in (*result.awards, *result.bonus_awards))],
    })
    return Step(progress=after, xp=result, badges=tuple(earned))


def recorded(progress: Progress, cause_keys: set[str]) -> Step:
    """The progress without the outbox items now in the ledger."""
    left = [item for item in progress.outbox if item.award.cause_key not in cause_keys]
    return Step(progress=progress.model_copy(update={"outbox": left}))


def _remember(applied: list[str], keys: list[str]) -> list[str]:
    return [*applied, *keys][-APPLIED_KEPT:]


def badge_of(slug: str) -> Badge | None:
    return BADGES_BY_SLUG.get(slug)
