"""The post-answer and post-interview hooks that move a candidate's progress.

They run from the evaluation jobs (any process, possibly twice), turn the hook events into
the pure steps of `gamification.progress` in the user's own time zone, store the result with
a version check, write the ledger, and tell the user (`gamification:update`). A repeated
step earns nothing and sends nothing.
"""

import logging
from datetime import date
from typing import Protocol

from mockmate.clock import Clock, utc_now
from mockmate.gamification import progress as rules
from mockmate.gamification.streaks import local_day
from mockmate.interviews.hooks import AnswerEvaluated, InterviewCompleted
from mockmate.ports import Emitter
from mockmate.storage.answers import expert_reviewed_before
from mockmate.storage.leaderboard import Leaderboard
from mockmate.storage.profiles import ProfileRepository
from mockmate.storage.progress import ProgressRepository
from mockmate.storage.users import UserRepository

log = logging.getLogger(__name__)


class ProgressObserver(Protocol):
    async def progress_stepped(self, user_id: str, step: rules.Step, day: date) -> None:
        """A new (not repeated) step of the user's progress, on their local `day`."""


class ProgressHooks:
    def __init__(
        self, *, users: UserRepository, profiles: ProfileRepository,
        progress: ProgressRepository, leaderboard: Leaderboard, emitter: Emitter,
        observer: ProgressObserver | None = None, clock: Clock = utc_now,
    ) -> None:
        self._observer = observer
        self._clock = clock
        self._users = users
        self._profiles = profiles
        self._progress = progress
        self._leaderboard = leaderboard
        self._emit = emitter

    async def interview_started(self, user_id: str, interview_id: str) -> None:
        await self._progress.change(user_id, lambda p: rules.record_started(p, interview_id))

    async def answer_evaluated(self, event: AnswerEvaluated) -> None:
        if await self._users.by_id(event.user_id) is None:
            return  # the account was deleted while the answer was being evaluated
        # The day is the one the candidate practiced on, however late the evaluation is.
        at = event.answer.created_at or self._clock()
        day = local_day(at, await self._profiles.time_zone(event.user_id))
        if event.revision > 1:  # a corrected transcript: the new score, nothing paid again
            # (unless an expert's score of the earlier answer is what counts: it stays)
            earlier = event.earlier_score if event.earlier_score is not None else 0.0
            kept = expert_reviewed_before(event.answer, event.revision)
            step = await self._progress.change(event.user_id, lambda p: rules.rescore_answer(
                p, answer_id=event.answer_id, revision=event.revision,
                category=event.question.category, earlier=earlier,
                score=event.evaluation.score, expert_kept=kept,
            ))
            await self._after(event.user_id, event.interview_id, step, day)
            return
        step = await self._progress.change(event.user_id, lambda p: rules.record_answer(
            p, answer_id=event.answer_id, category=event.question.category,
            difficulty=event.question.difficulty, score=event.evaluation.score, day=day, at=at,
        ))
        await self._after(event.user_id, event.interview_id, step, day)

    async def interview_completed(self, event: InterviewCompleted) -> None:
        if await self._users.by_id(event.user_id) is None:
            return
        at = self._clock()
        day = local_day(at, await self._profiles.time_zone(event.user_id))
        step = await self._progress.change(event.user_id, lambda p: rules.record_interview(
            p, interview_id=event.interview_id, average=event.overall_score,
            answered=event.answered, duration_s=event.duration_s, day=day, at=at,
        ))
        await self._after(event.user_id, event.interview_id, step, day)

    async def _after(self, user_id: str, interview_id: str, step: rules.Step, day: date) -> None:
        # Also after a repeat: it finishes copying awards a crash left in the outbox.
        await self._progress.record(step.progress)
        if step.repeated:
            return
        average = step.progress.statistics.average_score
        if average is not None:
            await self._leaderboard.set(user_id, average)
        update = step.update(day)
        if update is not None and update["xp_gained"]:
            # Numbered in the interview whose answer (or end) earned it.
            await self._emit.to_session(
                user_id, interview_id, "gamification:update", {**update, "session_id": interview_id}
            )
        if self._observer is not None:
            try:  # badges, levels and streak checks (notifications): never fail the hook
                await self._observer.progress_stepped(user_id, step, day)
            except Exception:
                log.warning("could not report progress of %s", user_id, exc_info=True)
