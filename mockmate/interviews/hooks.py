"""The post-answer hook registry: what runs after an answer's evaluation is stored, and after
an interview's last evaluation.

Statistics and gamification plug in here at start-up without touching the handlers. Each
hook runs once per cause (answer or interview): a run claims `(cause, hook)` first, so a
retried or duplicated job, or another process, skips a finished hook and waits for a running
one (then skips it if it finished, or runs it if its worker died and the lease lapsed). A
running hook renews its lease. A worker can still die between a hook's own writes and its
"done" mark, and then the hook runs again after the claim's lease: hooks must themselves be
idempotent per cause.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from mockmate.evaluators.models import Evaluation
from mockmate.questions.models import Question
from mockmate.storage.hook_runs import BUSY, DONE, HookRunRepository
from mockmate.storage.records import AnswerRecord

log = logging.getLogger(__name__)


class HookBusyError(RuntimeError):
    """Another worker kept running this hook for longer than we wait; retry the job later."""


# How often a worker that meets a running twin looks again.
BUSY_POLL_S = 0.2


@dataclass(frozen=True)
class AnswerEvaluated:
    user_id: str
    interview_id: str
    answer_id: str
    index: int
    question: Question
    evaluation: Evaluation
    answer: AnswerRecord = field(repr=False)
    # 2 after a corrected transcript was evaluated again (`earlier_score` was revision 1's);
    # hooks run once per revision.
    revision: int = 1
    earlier_score: float | None = None
    # Whether the interview is a practice session, when the sender knows (None: look it up).
    practice: bool | None = None


@dataclass(frozen=True)
class InterviewCompleted:
    user_id: str
    interview_id: str
    overall_score: float | None
    category_scores: dict[str, float]
    answered: int
    skipped: int
    duration_s: float
    practice: bool | None = None  # as `AnswerEvaluated.practice`


AnswerHook = Callable[[AnswerEvaluated], Awaitable[None]]
InterviewHook = Callable[[InterviewCompleted], Awaitable[None]]


class HookRegistry:
    def __init__(self, runs: HookRunRepository, busy_wait_s: float = 60.0):
        self._runs = runs
        self._busy_wait_s = busy_wait_s
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
        cause = f"answer:{event.answer_id}"
        if event.revision > 1:
            cause += f":r{event.revision}"
        for name, hook in self._answer_hooks.items():
            await self._run_once(cause, name, lambda: hook(event))

    async def interview_completed(self, event: InterviewCompleted) -> None:
        for name, hook in self._interview_hooks.items():
            await self._run_once(f"interview:{event.interview_id}", name, lambda: hook(event))

    async def _run_once(self, cause: str, name: str, run: Callable[[], Awaitable[None]]) -> None:
        claim = await self._claim(cause, name)
        if claim == DONE:
            return
        renewing = asyncio.create_task(self._renew_while_running(cause, name))
        try:
            await run()
        except BaseException:
            renewing.cancel()
            await self._runs.release(cause, name)
            raise  # the job is retried later
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
        await self._runs.mark_done(cause, name)

    async def _claim(self, cause: str, name: str) -> str:
        """Claim the run, waiting while a live twin runs it: CLAIMED or DONE."""
        loop = asyncio.get_running_loop()
        # A twin that died stops renewing, and its claim is ours once the lease lapses; a
        # live one finishes. Only a hook slower than `busy_wait_s` fails the job (retried).
        give_up = loop.time() + self._busy_wait_s
        while True:
            claim = await self._runs.claim(cause, name)
            if claim != BUSY:
                return claim
            if loop.time() >= give_up:
                raise HookBusyError(f"hook {name} for {cause} is running elsewhere")
            await asyncio.sleep(BUSY_POLL_S)

    async def _renew_while_running(self, cause: str, name: str) -> None:
        while True:
            await asyncio.sleep(self._runs.lease_s / 3)
            try:
                await self._runs.renew(cause, name)
            except Exception:  # a missed renewal is retried; the lease has slack
                log.warning("could not renew the claim of hook %s for %s", name, cause)
