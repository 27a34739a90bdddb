"""Moving a session and following up on the move: the one path every state change takes.

`SessionFlow.change` applies a pure operation through the store's compare-and-set, announces
the new state, asks the next question when the session is asking, and records a completed
interview (queueing its finalization). Handlers and jobs alike change sessions through here.
"""

import logging
from collections.abc import Callable
from typing import Any, Protocol

from mockmate.errors import MockMateError
from mockmate.interviews.asking import AskLeases, Progress, progress
from mockmate.interviews.emitter import Emitter
from mockmate.jobs.queue import JobQueue
from mockmate.state import session as ops
from mockmate.state.event_log import EventLog
from mockmate.state.machine import State
from mockmate.state.session import InterviewSession
from mockmate.state.store import SessionStore
from mockmate.storage import interviews as interview_status
from mockmate.storage.interviews import InterviewRepository
from mockmate.tasks import BackgroundTasks, repeat_every

log = logging.getLogger(__name__)

EVALUATE_ANSWER = "evaluate_answer"
TRANSCRIBE_ANSWER = "transcribe_answer"
FINALIZE_INTERVIEW = "finalize_interview"

Operation = Callable[[InterviewSession], InterviewSession]


class QuestionSpeaker(Protocol):
    async def speak(self, session: InterviewSession, skip: int = 0) -> None:
        """Stream the current question's audio from chunk `skip`; returns when done, stopped
        or failed."""
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
        leases: AskLeases | None = None,
        events: EventLog | None = None,
    ):
        self.sessions = sessions
        self._interviews = interviews
        self._queue = queue
        self._emit = emitter
        self._speaker = speaker
        self._tasks = tasks
        self._leases = leases
        self._events = events

    async def change(self, session_id: str, user_id: str, op: Operation) -> InterviewSession:
        """Apply `op` atomically, then announce and follow up on what changed."""

        def owned_op(s: InterviewSession) -> InterviewSession:
            ops.ensure_owner(s, user_id)
            return op(s)

        before, after = await self.sessions.mutate(session_id, owned_op)
        if after.state is not before.state:
            await self.emit_state(after)
        if after.asks != before.asks:  # started, advanced, repeated or resumed
            self._tasks.spawn(self._deliver_question(after), name=f"ask:{session_id}")
        if after.state is State.COMPLETED and before.state is not State.COMPLETED:
            await self._interviews.finish(
                session_id, status=interview_status.COMPLETED,
                answered=len(after.answers), skipped=after.skipped,
            )
            await self._queue.enqueue(FINALIZE_INTERVIEW, {"interview_id": session_id})
        return after

    async def try_change(self, session_id: str, user_id: str, op: Operation) -> bool:
        """`change` for follow-ups that are moot once the client has moved on."""
        try:
            await self.change(session_id, user_id, op)
        except MockMateError as exc:
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

    async def _deliver_question(
        self, session: InterviewSession, done: Progress | None = None
    ) -> None:
        question = session.current_question
        if question is None:
            return
        lease = f"{session.id}:{session.asks}"
        renewal = None
        if self._leases is not None:
            leases = self._leases
            await leases.hold(lease)
            renewal = self._tasks.spawn(
                repeat_every(leases.lease_s / 3, lambda: leases.hold(lease), what="ask lease"),
                name=f"lease:{lease}",
            )
        try:
            if done is None or not done.question_sent:
                payload: dict[str, Any] = {
                    "session_id": session.id, "index": session.index, "total": session.total,
                    "question": question.wire(), "follow_up": question.follow_up_to is not None,
                }
                if question.follow_up_to is not None:
                    payload["follow_up_to"] = question.follow_up_to
                await self._emit.to_session(
                    session.user_id, session.id, "interview:question", payload
                )
            if session.speak and not (done is not None and done.audio_final):
                await self._speaker.speak(session, skip=done.chunks_sent if done else 0)
            await self.try_change(
                session.id, session.user_id, lambda s: ops.question_delivered(s, session.asks)
            )
        finally:
            if renewal is not None:
                renewal.cancel()
            if self._leases is not None:
                await self._leases.release(lease)

    async def take_over_questions(self) -> int:
        """Finish the asking of questions whose process died (its lease lapsed)."""
        if self._leases is None or self._events is None:
            return 0
        taken = 0
        for lease in await self._leases.lapsed():
            if not await self._leases.claim_lapsed(lease):
                continue  # another process took it
            session_id, _, asks = lease.rpartition(":")
            try:
                session = await self.sessions.get(session_id)
            except MockMateError:
                session = None
            if session is None or session.state is not State.ASKING or str(session.asks) != asks:
                await self._leases.release(lease)  # moved on meanwhile: nothing to finish
                continue
            replay = await self._events.after(session_id, 0)
            log.info("taking over the asking of question %d of %s", session.index, session_id)
            self._tasks.spawn(
                self._deliver_question(session, progress(replay.events, session.index)),
                name=f"ask:{session_id}",
            )
            taken += 1
        return taken
