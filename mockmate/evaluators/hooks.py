"""The post-answer hook registry: what runs after an answer's evaluation is stored, and after
an interview's last evaluation.

Statistics and gamification plug in here at start-up without touching the handlers. Each
hook runs once per cause (answer or interview): a run claims `(cause, hook)` first, so a
retried or duplicated job, or another process, skips a finished hook and waits for a running
one. A worker can still die between a hook's own writes and its "done" mark, and then the
hook runs again after the claim's lease: hooks must themselves be idempotent per cause.
"""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from mockmate.evaluators.models import Evaluation
from mockmate.questions.models import Question
from mockmate.storage.hook_runs import BUSY, DONE, HookRunRepository

log = logging.getLogger(__name__)


class HookBusyError(RuntimeError):
    """Another worker is running this hook for this cause; retry the job later."""


@dataclass(frozen=True)
class AnswerEvaluated:
    user_id: str
    interview_id: str
    answer_id: str
    index: int
    question: Question
    evaluation: Evaluation
    answer: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class InterviewCompleted:
    user_id: str
    interview_id: str
    overall_score: float | None
    category_scores: dict[str, float]
    answered: int
    skipped: int
    duration_s: float


AnswerHook = Callable[[AnswerEvaluated], Awaitable[None]]
InterviewHook = Callable[[InterviewCompleted], Awaitable[None]]


class HookRegistry:
    def __init__(self, runs: HookRunRepository):
        self._runs = runs
        self._answer_hooks: dict[str, AnswerHook] = {}
        self._interview_hooks: dict[str, InterviewHook] = {}

    def on_answer_evaluated(self, name: str, hook: AnswerHook) -> None:
        self._answer_hooks[name] = hook

    def on_interview_completed(self, name: str, hook: InterviewHook) -> None:
        self._interview_hooks[name] = hook

    @property
    def names(self) -> list[str]:
        return [*self._answer_hooks, *self._interview_hooks]

    async def answer_hooks_done(self, answer_ids: list[str]) -> bool:
        """Whether every answer hook has finished for all these answers."""
        return await self._runs.all_done(
            [f"answer:{a}" for a in answer_ids], list(self._answer_hooks)
        )

    async def answer_evaluated(self, event: AnswerEvaluated) -> None:
        for name, hook in self._answer_hooks.items():
            await self._run_once(f"answer:{event.answer_id}", name, lambda: hook(event))

    async def interview_completed(self, event: InterviewCompleted) -> None:
        for name, hook in self._interview_hooks.items():
            await self._run_once(f"interview:{event.interview_id}", name, lambda: hook(event))

    async def _run_once(self, cause: str, name: str, run: Callable[[], Awaitable[None]]) -> None:
        claim = await self._runs.claim(cause, name)
        if claim == DONE:
            return
        if claim == BUSY:
            raise HookBusyError(f"hook {name} for {cause} is running elsewhere")
        try:
            await run()
        except BaseException:
            await self._runs.release(cause, name)
            raise  # the job is retried later
        await self._runs.mark_done(cause, name)
