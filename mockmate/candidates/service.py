"""The `/api/me` use cases: profile, statistics, gamification, challenges and goals.

Reads never recompute anything from history: statistics and progress are kept up to date
by the hooks. Writes a user makes (profile, claims, goals) go through the same versioned
stores as the hooks, so they never lose or double an update made at the same moment.
"""

import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from pydantic import ValidationError

from mockmate.clock import Clock, utc_now
from mockmate.errors import (
    Conflict,
    ErrorCode,
    InvalidPayload,
    NotFound,
    error_for,
    invalid_payload,
)
from mockmate.gamification import progress as rules
from mockmate.gamification import statistics as stats
from mockmate.gamification.badges import BADGES, Badge
from mockmate.gamification.challenges import Challenge, ChallengeNotClaimableError, expired
from mockmate.gamification.goals import (
    Goal,
    GoalEdit,
    GoalSpec,
    GoalValidationError,
    new_goal,
    status,
)
from mockmate.gamification.levels import level_for
from mockmate.gamification.streaks import current_streak_as_of, local_day
from mockmate.profiles.models import ProfileValidationError, apply_patch, parse_patch
from mockmate.storage.leaderboard import Leaderboard
from mockmate.storage.profiles import ProfileRepository
from mockmate.storage.progress import ProgressRepository
from mockmate.storage.users import User

PROFILE_ATTEMPTS = 10


class CandidateService:
    def __init__(
        self, *, profiles: ProfileRepository, progress: ProgressRepository,
        leaderboard: Leaderboard, clock: Clock = utc_now,
    ) -> None:
        self._profiles = profiles
        self._clock = clock
        # Consent to keep recordings was withdrawn: delete the kept ones (issue 15). The
        # interviews feature, which owns the recordings, plugs it in at start-up.
        self._on_recordings_withdrawn: Callable[[str], Awaitable[object]] | None = None
        self._progress = progress
        self._leaderboard = leaderboard

    def on_recordings_withdrawn(self, handler: Callable[[str], Awaitable[object]]) -> None:
        """What deletes a user's kept recordings when they withdraw their consent."""
        self._on_recordings_withdrawn = handler

    async def profile(self, user: User) -> dict[str, Any]:
        return await self._with_onboarding(
            user.id, (await self._profiles.get(user.id, user.display_name)).wire())

    async def _with_onboarding(self, user_id: str, profile: dict[str, Any]) -> dict[str, Any]:
        done = (await self._progress.get(user_id)).onboarding_completed_at
        return {**profile, "onboarding_completed": done is not None,
                "onboarding_completed_at": done.isoformat() if done else None}

    async def complete_onboarding(self, user_id: str) -> dict[str, Any]:
        """Onboarding done: its XP once, however often (or concurrently) this is called."""
        now = self._clock()
        today = await self.today(user_id)
        step = await self._progress.change(
            user_id, lambda p: rules.complete_onboarding(p, today, now))
        await self._progress.record(step.progress)
        done = step.progress.onboarding_completed_at
        return {
            "onboarding_completed": True, "onboarding_completed_at": done.isoformat()
            if done else None,
            "xp_gained": 0 if step.repeated else rules.ONBOARDING_XP,
            "gamification": None if step.repeated else step.update(today),
        }

    async def patch_profile(self, user: User, raw: object) -> dict[str, Any]:
        try:
            patch = parse_patch(raw)
        except ProfileValidationError as exc:
            raise exc.as_mockmate_error() from None
        for _ in range(PROFILE_ATTEMPTS):
            before = await self._profiles.get(user.id, user.display_name)
            after = apply_patch(before, patch, self._clock())
            if after == before or await self._profiles.replace(user.id, before, after):
                withdrawn = before.consent.recordings and not after.consent.recordings
                if withdrawn and self._on_recordings_withdrawn is not None:
                    await self._on_recordings_withdrawn(user.id)
                return await self._with_onboarding(user.id, after.wire())
        raise Conflict("the profile changed meanwhile; try again")

    async def today(self, user_id: str) -> date:
        return local_day(self._clock(), await self._profiles.time_zone(user_id))

    async def statistics(self, user_id: str) -> dict[str, Any]:
        progress = await self._progress.get(user_id)
        today = await self.today(user_id)
        figures = progress.statistics.model_copy(update={
            "current_streak": current_streak_as_of(progress.streak, today),
        })
        percentile = None
        if figures.average_score is not None:
            below, total = await self._leaderboard.rank(figures.average_score)
            percentile = stats.percentile_rank(figures.average_score, below, total)
        return stats.to_wire(figures, percentile, through_week=stats.iso_week(today))

    async def gamification(self, user_id: str) -> dict[str, Any]:
        progress = await self._progress.get(user_id)
        today = await self.today(user_id)
        level = level_for(progress.total_xp)
        snapshot = rules.snapshot(progress, today)
        return {
            "xp": progress.total_xp,
            "level": level.number,
            "level_title": level.title,
            "level_progress": round(level.progress(progress.total_xp), 3),
            "next_level_xp": level.next_min_xp,
            "streak": {
                "current": current_streak_as_of(progress.streak, today),
                "longest": progress.streak.longest,
                "freezes": progress.streak.freezes,
                "last_practice_day": _iso(progress.streak.last_practice_day),
            },
            "badges": [
                {**_badge(b), "earned_at": progress.badges[b.slug].isoformat()}
                for b in BADGES if b.slug in progress.badges
            ],
            "badge_catalog": [
                {**_badge(b), "earned": b.slug in progress.badges,
                 "progress": round(b.criterion.progress(snapshot), 3)}
                for b in BADGES
            ],
            "challenges": [
                _challenge(c, today) for c in rules.challenges_for(progress, today)
            ],
        }

    async def claim_challenge(self, user_id: str, challenge_id: str) -> dict[str, Any]:
        now = self._clock()
        today = await self.today(user_id)
        try:
            step = await self._progress.change(
                user_id, lambda p: rules.claim_challenge(p, challenge_id, today, now)
            )
        except KeyError:
            raise NotFound("no such challenge today") from None
        except ChallengeNotClaimableError as exc:
            code = ErrorCode.CONFLICT if exc.reason == "already_claimed" else (
                ErrorCode.INVALID_STATE)
            raise error_for(code, f"this challenge cannot be claimed: {exc.reason}",
                                reason=exc.reason) from None
        await self._progress.record(step.progress)
        claimed = next(c for c in step.progress.challenges if c.id == challenge_id)
        return {"challenge": _challenge(claimed, today), "gamification": step.update(today)}

    async def goals(self, user_id: str) -> dict[str, Any]:
        progress = await self._progress.get(user_id)
        today = await self.today(user_id)
        return {"goals": [_goal(g, today) for g in progress.goals]}

    async def add_goal(self, user_id: str, raw: object) -> dict[str, Any]:
        try:
            spec = GoalSpec.model_validate(raw)
        except ValidationError as exc:
            raise invalid_payload(exc) from None
        today = await self.today(user_id)
        current = await self._progress.get(user_id)
        baseline: float | None = None
        if spec.kind == "score_improvement":
            baseline = current.statistics.best_score
        elif spec.kind == "streak_maintenance":
            baseline = float(current_streak_as_of(current.streak, today))
        try:
            goal = new_goal(spec, goal_id=uuid.uuid4().hex[:12], today=today, baseline=baseline)
            step = await self._progress.change(
                user_id, lambda p: rules.Step(progress=rules.add_goal(p, goal))
            )
        except GoalValidationError as exc:
            problems = [{"field": f, "message": m} for f, m in exc.errors.items()]
            raise InvalidPayload(str(exc), fields=problems) from None
        stored = next(g for g in step.progress.goals if g.id == goal.id)
        return {"goal": _goal(stored, today)}


    async def edit_goal(self, user_id: str, goal_id: str, raw: object) -> dict[str, Any]:
        try:
            edit = GoalEdit.model_validate(raw)
        except ValidationError as exc:
            raise invalid_payload(exc) from None
        today = await self.today(user_id)
        step = await self._goal_change(
            user_id, lambda p: rules.Step(progress=rules.edit_goal(p, goal_id, edit, today)))
        stored = next(g for g in step.progress.goals if g.id == goal_id)
        return {"goal": _goal(stored, today)}

    async def delete_goal(self, user_id: str, goal_id: str) -> None:
        await self._goal_change(
            user_id, lambda p: rules.Step(progress=rules.delete_goal(p, goal_id)))

    async def _goal_change(self, user_id: str, step: Callable[[rules.Progress], rules.Step]
                           ) -> rules.Step:
        try:
            return await self._progress.change(user_id, step)
        except KeyError:
            raise NotFound("no such goal") from None
        except GoalValidationError as exc:
            problems = [{"field": f, "message": m} for f, m in exc.errors.items()]
            raise InvalidPayload(str(exc), fields=problems) from None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _badge(badge: Badge) -> dict[str, Any]:
    return {
        "slug": badge.slug, "title": badge.title, "description": badge.description,
        "icon": badge.icon, "category": badge.category, "rarity": badge.rarity, "xp": badge.xp,
    }


def _challenge(challenge: Challenge, today: date) -> dict[str, Any]:
    return {
        "id": challenge.id, "kind": challenge.kind, "day": challenge.day.isoformat(),
        "title": challenge.title, "description": challenge.description,
        "target": challenge.target, "progress": challenge.progress,
        "reward_xp": challenge.reward_xp, "completed": challenge.completed,
        "claimed": challenge.claimed, "expired": expired(challenge, today),
    }


def _goal(goal: Goal, today: date) -> dict[str, Any]:
    return {
        "id": goal.id, "kind": goal.kind, "title": goal.title, "target": goal.target,
        "progress": goal.progress, "fraction": round(goal.fraction, 3),
        "start_day": goal.start_day.isoformat(), "deadline": goal.deadline.isoformat(),
        "category": goal.category, "min_score": goal.min_score,
        "achieved_on": _iso(goal.achieved_on), "status": status(goal, today),
        "paused": goal.paused,
    }
