"""Correcting what the recogniser heard, before or after it counts.

A misheard answer is scored on words nobody said, so the candidate can fix the transcript:
- with `confirm_transcripts`, a spoken answer waits in `awaiting_confirmation` until
  `answer:confirm` accepts the transcript or replaces it; only then is it evaluated;
- otherwise `answer:correct`, within `MOCKMATE_CORRECTION_WINDOW_S` of the transcript,
  replaces it once and has it evaluated again (`answer:evaluation` with `revision: 2`;
  statistics take the new score, XP and badges are not paid again).
The stored answer keeps both texts (`transcript.machine_text` is what was heard).
"""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from mockmate.config import Settings
from mockmate.errors import Conflict, InvalidPayload, InvalidState, NotFound
from mockmate.interviews.answers import check_text_limit
from mockmate.interviews.flow import EVALUATE_ANSWER, SessionFlow
from mockmate.interviews.payloads import ConfirmAnswer, CorrectAnswer
from mockmate.jobs.queue import Job, JobQueue
from mockmate.state import session as ops
from mockmate.state.machine import State
from mockmate.state.session import InterviewSession
from mockmate.storage.answers import AnswerRepository
from mockmate.storage.records import AnswerRecord

REEVALUATE_ANSWER = "reevaluate_answer"
CORRECTED_REVISION = 2

Clock = Callable[[], datetime]


class EndInterview(Protocol):
    """`InterviewService.end`: `current` is the session as just read."""

    def __call__(self, user_id: str, session_id: str, *,
                 current: InterviewSession | None = None) -> Awaitable[dict[str, Any]]: ...


def correction_open(transcribed_at: datetime | None, now: datetime, window_s: float) -> bool:
    """Whether a transcript made at `transcribed_at` may still be corrected at `now`."""
    return transcribed_at is not None and (now - transcribed_at).total_seconds() <= window_s


def _not_awaiting(state: State) -> InvalidState:
    return InvalidState("no transcript is awaiting confirmation",
                         state=state.value)


class Corrections:
    def __init__(
        self, *, settings: Settings, flow: SessionFlow, answers: AnswerRepository,
        queue: JobQueue, clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self._settings = settings
        self._flow = flow
        self._answers = answers
        self._queue = queue
        self._clock = clock

    def _text(self, raw: str) -> str:
        text = raw.strip()
        if not text:
            raise InvalidPayload("the text is empty", field="text")
        check_text_limit("text", text, self._settings.max_answer_chars)
        return text

    async def confirm(self, user_id: str, p: ConfirmAnswer) -> dict[str, Any]:
        """Accept the transcript awaiting confirmation, or replace it with `p.text`; then it
        is evaluated and the interview moves on."""
        text = None if p.text is None else self._text(p.text)
        session = await self._flow.sessions.get(p.session_id)
        ops.ensure_owner(session, user_id)
        answer_id = session.answers.get(p.index)
        if session.state is not State.AWAITING_CONFIRMATION or answer_id is None:
            raise _not_awaiting(session.state)
        ops.confirm(session, p.index, answer_id)  # the index is the current one
        answer = await self._answers.get(answer_id)
        if answer is None or answer.transcript is None:
            raise _not_awaiting(session.state)
        heard = answer.transcript.text
        if text is not None and text != heard and not await self._answers.correct(
            answer, text, revision=1
        ):
            raise Conflict("the transcript was confirmed already",
                                answer_id=answer_id)
        # Queued in the same step as the move: a crash cannot leave it unevaluated.
        await self._flow.change(
            session.id, user_id, lambda s: ops.confirm(s, p.index, answer_id),
            jobs=[Job(EVALUATE_ANSWER, {"answer_id": answer_id})],
        )
        return {"answer_id": answer_id, "text": text or heard, "corrected": text not in
                (None, heard)}

    async def end(self, user_id: str, session_id: str, end: EndInterview) -> dict[str, Any]:
        """`interview:end`: a transcript still awaiting confirmation counts as heard."""
        session = await self._flow.sessions.get(session_id)
        ops.ensure_owner(session, user_id)
        pending = (session.answers.get(session.index)
                   if session.state is State.AWAITING_CONFIRMATION else None)
        result = await end(user_id, session_id, current=session)
        if pending is not None:
            await self._queue.enqueue(EVALUATE_ANSWER, {"answer_id": pending})
        return result

    async def correct(self, user_id: str, p: CorrectAnswer) -> dict[str, Any]:
        """Replace an answer's transcript once, within the window, and evaluate it again."""
        text = self._text(p.text)
        answer = await self._answers.at_index(p.session_id, p.index)
        if answer is None or answer.user_id != user_id:
            raise NotFound("no such answer")
        heard = self._check_correctable(answer)
        if text == heard:
            raise InvalidPayload("the text is what was transcribed",
                                field="text")
        if not await self._answers.correct(answer, text, revision=CORRECTED_REVISION):
            raise Conflict("this answer was corrected already",
                                answer_id=answer.id)
        await self._queue.enqueue(
            REEVALUATE_ANSWER, {"answer_id": answer.id, "revision": CORRECTED_REVISION}
        )
        return {"answer_id": answer.id, "revision": CORRECTED_REVISION}

    def _check_correctable(self, answer: AnswerRecord) -> str:
        """What was heard, when the answer may still be corrected."""
        if answer.confirm:
            raise InvalidState("this interview confirms transcripts: use answer:confirm")
        if answer.transcript is None:
            raise InvalidState("the answer is not transcribed yet")
        if answer.correction is not None:
            raise Conflict("this answer was corrected already",
                                answer_id=answer.id)
        made = answer.transcribed_at or answer.created_at
        window = self._settings.correction_window_s
        if not correction_open(made, self._clock(), window):
            raise InvalidState(f"answers can be corrected for {window:g} s after their "
                                "transcript; this one no longer")
        return answer.transcript.text
