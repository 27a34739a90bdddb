"""Moving a session and following up on the move: the one path every state change takes.

`SessionFlow.change` applies a pure operation through the store's compare-and-set (queueing,
in that same Redis step, the jobs the change starts), announces the new state, asks the next
question when the session is asking, and records a completed interview (queueing its
finalization). Handlers, jobs and hooks alike change sessions through here.
"""

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from mockmate.domain import InterviewStatus
from mockmate.errors import Conflict, InvalidState, NotFound
from mockmate.events.asking import Asked
from mockmate.jobs.queue import Job, JobQueue
from mockmate.outages import OUTAGES
from mockmate.ports import Emitter
from mockmate.state import session as ops
from mockmate.state.machine import State
from mockmate.state.session import InterviewSession
from mockmate.state.store import SessionStore, StreamAdd
from mockmate.storage.interviews import InterviewRepository
from mockmate.tasks import BackgroundTasks

log = logging.getLogger(__name__)

EVALUATE_ANSWER = "evaluate_answer"
TRANSCRIBE_ANSWER = "transcribe_answer"
FINALIZE_INTERVIEW = "finalize_interview"
# Transcriptions have a job lane of their own (jobs/queue.py): while they wait for a speech
# thread, evaluations and finalizations do not wait unread behind them.
SPEECH_LANE = "speech"


def completes(before: InterviewSession, after: InterviewSession) -> bool:
    return after.state is State.COMPLETED and before.state is not State.COMPLETED


def finalize_job(session: InterviewSession) -> Job:
    """Finalizing a completed interview; it records the end first if that is not done yet."""
    return Job(FINALIZE_INTERVIEW, {"interview_id": session.id,
                                    "answered": len(session.answers),
                                    "skipped": list(session.skipped)})

Operation = Callable[[InterviewSession], InterviewSession]


class QuestionSpeaker(Protocol):
    async def speak(self, session: InterviewSession, skip: int = 0) -> None:
        """Stream the current question's audio from chunk `skip`; returns when done, stopped
        or failed."""
        ...


class AskingHistory(Protocol):
    async def asked(self, session_id: str, asks: int) -> Asked:
        """What was already sent for asking `asks` of the session."""
        ...


class SessionFlow:
    def __init__(
        self,
        *,
        sessions: SessionStore,
        interviews: InterviewRepository,
        queue: JobQueue,
        emitter: Emitter,
        speaker: QuestionSpeaker,
        tasks: BackgroundTasks,
        history: AskingHistory | None = None,
    ):
        self.sessions = sessions
        self._interviews = interviews
        self._queue = queue
        self._emit = emitter
        self._speaker = speaker
        self._tasks = tasks
        self._history = history

    async def change(
        self, session_id: str, user_id: str, op: Operation, *, jobs: Sequence[Job] = (),
        current: InterviewSession | None = None,
    ) -> InterviewSession:
        """Apply `op` atomically, then announce and follow up on what changed.

        `jobs` are queued in the same Redis step as the change: both happen, or (the session
        moved on, the process died before the step) neither does. `current`: the session as
        the caller has just read it (`SessionStore.mutate`)."""

        def owned_op(s: InterviewSession) -> InterviewSession:
            ops.ensure_owner(s, user_id)
            return op(s)

        def add(before: InterviewSession, after: InterviewSession) -> StreamAdd | None:
            queued = [*jobs]
            if completes(before, after):  # finalized even if this process dies right after
                queued.append(finalize_job(after))
            if not queued:
                return None
            return StreamAdd(self._queue.stream_for(j.kind for j in queued),
                             tuple(self._queue.message(j) for j in queued))

        before, after = await self.sessions.mutate(session_id, owned_op, add=add,
                                                   current=current)
        if jobs or completes(before, after):
            self._queue.wake()
        if after.state is not before.state:
            await self.emit_state(after)
        if after.asks != before.asks:  # started, advanced, repeated or resumed
            self._tasks.spawn(self._deliver_question(after), name=f"ask:{session_id}")
        if completes(before, after):
            # The history shows the end at once; if MongoDB is busy or away, the finalize job
            # queued with the change records it (the change is made: never answer an error).
            try:
                await self._interviews.finish(
                    session_id, status=InterviewStatus.COMPLETED,
                    answered=len(after.answers), skipped=after.skipped,
                )
            except OUTAGES as exc:
                log.warning("interview %s ended; its record waits for the finalize job: %s",
                            session_id, exc)
        return after

    async def try_change(
        self, session_id: str, user_id: str, op: Operation, *, jobs: Sequence[Job] = ()
    ) -> bool:
        """`change` for follow-ups that are moot once the client has moved on: the session
        is gone or its state or answers no longer fit the step (then `jobs` are not queued
        either)."""
        try:
            await self.change(session_id, user_id, op, jobs=jobs)
        except (NotFound, InvalidState, Conflict) as exc:
            log.debug("session %s moved on before %s: %s", session_id, op, exc.message)
            return False
        return True

    async def emit_state(self, session: InterviewSession) -> None:
        await self._emit.to_session(
            session.user_id, session.id, "interview:state",
            {"session_id": session.id, "state": session.state.value},
        )

    async def emit(self, user_id: str, event: str, data: dict[str, Any]) -> None:
        """An event about the interview named by `data["session_id"]` (numbered and logged),
        or, without one, about none."""
        session_id = data.get("session_id")
        if session_id:
            await self._emit.to_session(user_id, str(session_id), event, data)
        else:
            await self._emit.to_user(user_id, event, data)

    def ask_again(self, session: InterviewSession) -> None:
        """Finish delivering the current question (its delivery died with its process): from
        what the event log shows was sent, so nothing is sent twice."""

        async def finish() -> None:
            done = Asked()
            if self._history is not None:
                done = await self._history.asked(session.id, session.asks)
            await self._deliver_question(session, done)

        self._tasks.spawn(finish(), name=f"ask-again:{session.id}")

    async def _deliver_question(
        self, session: InterviewSession, done: Asked | None = None
    ) -> None:
        """Send the question and its audio (`done`: what a dead process already sent)."""
        done = done or Asked()
        question = session.current_question
        if question is None:
            return
        payload: dict[str, Any] = {
            "session_id": session.id, "index": session.index, "total": session.total,
            "question": question.wire(), "follow_up": question.follow_up_to is not None,
        }
        if question.follow_up_to is not None:
            payload["follow_up_to"] = question.follow_up_to
        async with self.sessions.leases.renewing(session.id):
            if not done.question_sent:
                await self._emit.to_session(session.user_id, session.id, "interview:question",
                                            payload, asks=session.asks)
            if session.speak and not done.audio_final:
                await self._speaker.speak(session, skip=done.chunks_sent)
        await self.try_change(
            session.id, session.user_id, lambda s: ops.question_delivered(s, session.asks)
        )
