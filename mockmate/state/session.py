"""An interview session and the pure operations that move it through the state machine.

The session is what lives in Redis while an interview runs: small, JSON-serialisable, and
changed only by these functions, each of which returns a new session (or raises a
contract error) so that the store can apply them atomically with a version check.
"""

from typing import Literal

from pydantic import BaseModel, Field

from mockmate.errors import Conflict, InvalidState, NotFound
from mockmate.questions.models import Question
from mockmate.state.machine import TERMINAL_STATES, Event, State, transition

AudioFormat = Literal["pcm_16000", "pcm_24000", "mp3", "wav"]


class InterviewSession(BaseModel):
    id: str
    user_id: str
    state: State = State.CREATED
    version: int = 0
    index: int = 0
    questions: list[Question]
    auto_advance: bool = True
    voice: str | None = None
    audio_format: AudioFormat = "pcm_16000"
    speak: bool = True  # False: questions are not spoken
    turn_detection: Literal["manual", "auto"] = "manual"
    end_of_turn_silence_s: float = 2.5
    # A spoken answer's transcript waits for `answer:confirm` before it is evaluated.
    confirm_transcripts: bool = False
    # Hands-free answers get one `answer:hint` when stuck in a long silence mid-answer.
    hints: bool = False
    # Streamed answers get `answer:partial` captions while spoken (interviews/live.py).
    live_captions: bool = False
    # question index -> answer id, for every question answered so far
    answers: dict[int, str] = Field(default_factory=dict)
    skipped: list[int] = Field(default_factory=list)
    # Counts every time a question is (re)asked: tells one delivery of it from the next.
    asks: int = 0
    # Adaptive interviews may replace a question not yet asked with a follow-up to an answer;
    # the first `pinned` questions (the candidate's own) are never replaced.
    adaptive: bool = True
    pinned: int = 0
    # answered question index -> index of its follow-up
    follow_ups: dict[int, int] = Field(default_factory=dict)
    created_at: float
    updated_at: float

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def has_more(self) -> bool:
        return self.index + 1 < self.total

    @property
    def current_question(self) -> Question | None:
        if self.state in TERMINAL_STATES or self.index >= self.total:
            return None
        return self.questions[self.index]

    @property
    def current_answered(self) -> bool:
        return self.index in self.answers

    @property
    def finished(self) -> bool:
        return self.state in TERMINAL_STATES

    def _to(
        self, event: Event, *, confirm: bool = False, **changes: object
    ) -> "InterviewSession":
        state = transition(
            self.state, event, has_more=self.has_more, auto_advance=self.auto_advance,
            confirm=confirm,
        )
        # Moving from one question to the next is the only way the index changes.
        advancing = state is State.ASKING and event in (
            Event.NEXT, Event.SKIP, Event.TRANSCRIBED, Event.CONFIRMED)
        if advancing:
            changes.setdefault("index", self.index + 1)
        if state is State.ASKING:
            changes["asks"] = self.asks + 1
        return self.model_copy(update={"state": state, **changes})


def ensure_owner(session: InterviewSession, user_id: str) -> None:
    # Exactly the answer an unknown id gets: nobody can learn which ids exist.
    if session.user_id != user_id:
        raise NotFound("no such interview session")


def _ensure_index(session: InterviewSession, index: int) -> None:
    if index != session.index:
        raise InvalidState(
            f"question {index} is not the current question ({session.index})",
            state=session.state.value,
            current_index=session.index,
        )


def start(session: InterviewSession) -> InterviewSession:
    return session._to(Event.START)


def question_delivered(session: InterviewSession, ask: int) -> InterviewSession:
    """The question asked as `ask` was delivered; moot if it has been asked again since."""
    if session.asks != ask:
        raise InvalidState(
            "the question was asked again", state=session.state.value
        )
    return session._to(Event.QUESTION_SENT)


def receive_chunk(session: InterviewSession, index: int) -> InterviewSession:
    _ensure_index(session, index)
    if session.current_answered:
        raise Conflict(f"question {index} is already answered")
    return session._to(Event.CHUNK)


def submit_answer(session: InterviewSession, index: int, answer_id: str) -> InterviewSession:
    """The session takes `answer_id` for question `index`; its transcription job is queued
    in the same step (`SessionFlow.change`), so its outcome always comes after this."""
    _ensure_index(session, index)
    if session.current_answered:
        raise Conflict(
            f"question {index} is already answered",
            answer_id=session.answers[index],
        )
    return session._to(Event.SUBMIT, answers={**session.answers, index: answer_id})


def transcribed(
    session: InterviewSession, index: int, answer_id: str, *, confirm: bool = False
) -> InterviewSession:
    """The transcript of `answer_id` is stored; moot once the interview has moved past it.
    `confirm`: it waits for the candidate's confirmation (`awaiting_confirmation`)."""
    return _transcription_outcome(session, index, answer_id, ok=True, confirm=confirm)


def confirm(session: InterviewSession, index: int, answer_id: str) -> InterviewSession:
    """The candidate accepted (or corrected) the transcript of `answer_id`: it counts now."""
    _ensure_index(session, index)
    if session.answers.get(index) != answer_id:
        raise InvalidState(f"answer {answer_id} is not current",
                            state=session.state.value)
    return session._to(Event.CONFIRMED)


def transcription_failed(session: InterviewSession, index: int, answer_id: str) -> InterviewSession:
    """`answer_id` could not be transcribed; the candidate may answer the question again."""
    return _transcription_outcome(session, index, answer_id, ok=False)


def _transcription_outcome(
    session: InterviewSession, index: int, answer_id: str, *, ok: bool, confirm: bool = False
) -> InterviewSession:
    if session.answers.get(index) != answer_id:
        raise InvalidState(
            f"answer {answer_id} is not awaiting a transcript",
            state=session.state.value,
        )
    _ensure_index(session, index)
    if ok:
        return session._to(Event.TRANSCRIBED, confirm=confirm)
    answers = {i: a for i, a in session.answers.items() if i != index}
    return session._to(Event.TRANSCRIPTION_FAILED, answers=answers)


def follow_up_slot(session: InterviewSession, after: int) -> int | None:
    """Where a follow-up to the answer of question `after` would go, or None if nowhere.

    The follow-up replaces the first planned question that has not been asked yet (so the
    interview keeps its length); a question gets at most one follow-up, and a follow-up none.
    """
    if session.finished or not session.adaptive or after in session.follow_ups:
        return None
    if not 0 <= after < session.total or session.questions[after].follow_up_to is not None:
        return None
    for slot in range(max(session.index + 1, session.pinned), session.total):
        if session.questions[slot].follow_up_to is None:
            return slot
    return None


def plan_follow_up(session: InterviewSession, after: int, question: Question) -> InterviewSession:
    slot = follow_up_slot(session, after)
    if slot is None:
        raise InvalidState(
            f"no room for a follow-up to question {after}",
            state=session.state.value,
        )
    questions = list(session.questions)
    questions[slot] = question.model_copy(update={"follow_up_to": after})
    return session.model_copy(
        update={"questions": questions, "follow_ups": {**session.follow_ups, after: slot}}
    )


def next_question(session: InterviewSession) -> InterviewSession:
    if session.state is State.AWAITING_ANSWER and not session.current_answered:
        raise InvalidState(
            "answer or skip the current question first",
            state=session.state.value,
        )
    return session._to(Event.NEXT)


def skip(session: InterviewSession) -> InterviewSession:
    skipped = session.skipped
    if not session.current_answered:
        skipped = [*skipped, session.index]
    return session._to(Event.SKIP, skipped=skipped)


def repeat(session: InterviewSession) -> InterviewSession:
    return session._to(Event.REPEAT)


def pause(session: InterviewSession) -> InterviewSession:
    return session._to(Event.PAUSE)


def resume(session: InterviewSession) -> InterviewSession:
    return session._to(Event.RESUME)


def end(session: InterviewSession) -> InterviewSession:
    return session._to(Event.END)


def expire(session: InterviewSession) -> InterviewSession:
    return session._to(Event.EXPIRE)
