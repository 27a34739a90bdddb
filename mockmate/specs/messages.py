"""The Socket.IO messages of the protocol, as pydantic models the AsyncAPI document is made from.

Client → server payloads are the models the dispatcher validates with
(`interviews/payloads.py`). The server builds its events and acks as dicts in many places, so
their shapes are declared here, reusing the domain models where they exist (`Evaluation`,
`Delivery`, `Comparison`, `NotificationView`). Every server model allows extra fields:
additions are fine (CONTRACT.md), and the example client's test checks the events a real
server sends against these models.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mockmate.domain import Difficulty, QuestionCategory
from mockmate.errors import ErrorCode
from mockmate.evaluators.models import Delivery, Evaluation
from mockmate.gamification.updates import GamificationUpdate
from mockmate.interviews.live import Caption
from mockmate.interviews.payloads import (
    AnswerChunk,
    ConfirmAnswer,
    CorrectAnswer,
    ReplayInfo,
    ResumeInterview,
    SessionRef,
    StartInterview,
    SubmitAnswer,
)
from mockmate.notifications.service import NotificationView
from mockmate.skills.practice_rules import Comparison

State = Literal["created", "asking", "awaiting_answer", "receiving_answer", "transcribing",
                "paused", "completed", "abandoned"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Numbered(_Out):
    # Docs: protocol.md "Event numbers and replay".
    event_seq: int = Field(ge=1, description="1 for a session's first event, +1 per event")


# -- acks ----------------------------------------------------------------------------------

class ErrorBody(_Out):
    code: ErrorCode
    message: str


class AckFailure(_Out):
    ok: Literal[False]
    error: ErrorBody


class _Ack(_Out):
    ok: Literal[True]


class StartAck(_Ack):
    session_id: str
    state: State
    total_questions: int


class AnswerView(_Out):
    index: int
    answer_id: str
    text: str | None
    evaluation: dict[str, Any] | None


class Snapshot(_Out):
    session_id: str
    state: State
    index: int
    total: int
    auto_advance: bool
    question: dict[str, Any] | None
    current_answered: bool
    answers: list[AnswerView]
    skipped: list[int]
    received_bytes: int


class ResumeAck(_Ack, ReplayInfo):
    snapshot: Snapshot


class ChunkAck(_Ack):
    received_bytes: int
    next_seq: int


class SubmitAck(_Ack):
    answer_id: str


class StateAck(_Ack):
    state: State


class ConfirmAck(_Ack):
    answer_id: str
    text: str
    corrected: bool


class CorrectAck(_Ack):
    answer_id: str
    revision: int


# -- server → client -----------------------------------------------------------------------

class WireQuestion(_Out):
    id: str
    text: str
    category: QuestionCategory
    difficulty: Difficulty
    skills: list[str]


class QuestionEvent(_Numbered):
    session_id: str
    index: int
    total: int
    question: WireQuestion
    follow_up: bool


class AudioEvent(_Numbered):
    session_id: str
    index: int
    seq: int
    format: str
    sample_rate: int
    data: bytes = Field(description="a Socket.IO binary attachment, never base64")
    final: bool


class TranscriptEvent(_Numbered):
    session_id: str
    index: int
    answer_id: str
    text: str
    confidence: float
    duration_s: float | None = None
    delivery: Delivery | None


class EvaluationEvent(Evaluation, _Numbered):
    session_id: str
    index: int
    answer_id: str


class GamificationEvent(GamificationUpdate):
    model_config = ConfigDict(extra="allow")

    session_id: str | None = None
    event_seq: int | None = Field(None, description="when it is about an interview")


class StateEvent(_Numbered):
    session_id: str
    state: State


class CompleteEvent(_Numbered):
    session_id: str
    overall_score: float | None
    category_scores: dict[str, float]
    answered: int
    skipped: int
    duration_s: float


class ErrorEvent(_Out):
    session_id: str | None = None
    event_seq: int | None = Field(None, description="when it names a session_id")
    code: ErrorCode
    message: str
    retryable: bool


class FollowUpPlanned(_Numbered):
    session_id: str
    index: int
    follow_up_to: int


class TurnEnded(_Numbered):
    session_id: str
    index: int
    reason: Literal["silence"]


class HintEvent(_Out):
    session_id: str
    index: int
    text: str
    missing: str | None
    at_s: float


class ComparisonEvent(Comparison, _Out):
    session_id: str
    index: int
    answer_id: str


class BookingUpdate(_Out):
    booking_id: str
    status: str


class AccountDeleted(_Out):
    user_id: str


class NotificationEvent(NotificationView, _Out):
    pass


class ClientEvent(BaseModel):
    """A client → server event: what it carries and what its ack answers on success."""

    name: str
    payload: type[BaseModel]
    ack: type[BaseModel]
    summary: str


class ServerEvent(BaseModel):
    name: str
    payload: type[BaseModel]
    summary: str


def _state(name: str, what: str) -> ClientEvent:
    return ClientEvent(name=name, payload=SessionRef, ack=StateAck, summary=what)


CLIENT_EVENTS: tuple[ClientEvent, ...] = (
    ClientEvent(name="interview:start", payload=StartInterview, ack=StartAck,
                summary="Start an interview; its questions follow as server events."),
    ClientEvent(name="interview:resume", payload=ResumeInterview, ack=ResumeAck,
                summary="After any reconnect: replay the events after last_event_seq, then "
                        "the snapshot."),
    ClientEvent(name="answer:chunk", payload=AnswerChunk, ack=ChunkAck,
                summary="One piece of a streamed spoken answer (seq from 0, in order)."),
    ClientEvent(name="answer:submit", payload=SubmitAnswer, ack=SubmitAck,
                summary="The answer: whole audio, the chunks sent so far, or typed text."),
    ClientEvent(name="answer:confirm", payload=ConfirmAnswer, ack=ConfirmAck,
                summary="Accept (or replace) a transcript held for confirmation."),
    ClientEvent(name="answer:correct", payload=CorrectAnswer, ack=CorrectAck,
                summary="Replace an evaluated transcript and have it evaluated again."),
    _state("interview:next", "Ask the next question (without auto_advance)."),
    _state("interview:skip", "Skip the current question."),
    _state("interview:repeat", "Ask the current question again."),
    _state("interview:pause", "Pause the interview."),
    _state("interview:end", "End the interview now."),
)

SERVER_EVENTS: tuple[ServerEvent, ...] = (
    ServerEvent(name="interview:question", payload=QuestionEvent, summary="The next question."),
    ServerEvent(name="interview:audio", payload=AudioEvent,
                summary="Question audio (TTS), streamed in order."),
    ServerEvent(name="answer:transcript", payload=TranscriptEvent,
                summary="What the answer said, with delivery analytics for audio."),
    ServerEvent(name="answer:evaluation", payload=EvaluationEvent,
                summary="The answer's evaluation (background; never blocks the next question)."),
    ServerEvent(name="gamification:update", payload=GamificationEvent,
                summary="XP, level, streak and badges after an interview or a claim."),
    ServerEvent(name="interview:state", payload=StateEvent, summary="Every state transition."),
    ServerEvent(name="interview:complete", payload=CompleteEvent,
                summary="Once every answer's evaluation is stored: the final scores."),
    ServerEvent(name="interview:follow_up_planned", payload=FollowUpPlanned,
                summary="A follow-up question will be asked at `index`."),
    ServerEvent(name="answer:turn_ended", payload=TurnEnded,
                summary="Hands-free: the server ended the answer after silence."),
    ServerEvent(name="answer:hint", payload=HintEvent,
                summary="Hands-free: a nudge in a long silence mid-answer."),
    ServerEvent(name="answer:partial", payload=Caption,
                summary="Live captions while the candidate speaks (`live_captions: true`); "
                        "unnumbered, dropped when the server is busy, never the final text."),
    ServerEvent(name="answer:comparison", payload=ComparisonEvent,
                summary="What changed since the last answer to the same question."),
    ServerEvent(name="error", payload=ErrorEvent,
                summary="A failure after an ack (transcription, evaluation, ...)."),
    ServerEvent(name="booking:update", payload=BookingUpdate,
                summary="A booking of the user changed status."),
    ServerEvent(name="notification", payload=NotificationEvent,
                summary="A new notification in the user's inbox."),
    ServerEvent(name="account:deleted", payload=AccountDeleted,
                summary="The account was erased; the socket is closed."),
)
