"""Client → server interview payloads, as the contract defines them.

Strict models: a wrong type is an `invalid_payload`, never silently coerced. Unknown fields
are ignored so that newer clients keep working against this server.
"""

from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mockmate.domain import Difficulty, InterviewType, QuestionCategory
from mockmate.state.session import AudioFormat

# Hard caps against absurd payloads; the configurable, user-facing limits are checked by
# the service and answer `too_large`.
_HUGE = 1_000_000
SessionId = Annotated[str, Field(min_length=1, max_length=64)]


class _Payload(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class OwnQuestion(_Payload):
    text: str = Field(min_length=1, max_length=2000)
    category: QuestionCategory | None = None
    skills: list[str] = Field(default_factory=list, max_length=20)
    # From a preview (`POST /api/interviews/preview`), kept when it is started.
    difficulty: Difficulty | None = None
    why: str = Field("", max_length=2000)


class StartInterview(_Payload):
    role: str = Field(min_length=1, max_length=200)
    job_description: str | None = Field(None, max_length=_HUGE)
    resume_text: str | None = Field(None, max_length=_HUGE)
    # A stored resume (`POST /api/resumes`): its text, and offline questions about it.
    resume_id: str | None = Field(None, min_length=1, max_length=64)
    interview_type: InterviewType
    difficulty: Difficulty
    question_count: int | None = Field(None, ge=1, le=20)
    template: str | None = Field(None, max_length=100)
    voice: str | None = Field(None, max_length=100)
    audio_format: AudioFormat = "pcm_16000"
    auto_advance: bool = True
    # Follow-up questions may replace planned ones (never the candidate's own questions).
    adaptive: bool = True
    # False: questions come as text only (no `interview:audio`, no synthesis on the server).
    speak: bool = True
    # "auto": the server ends a streamed (pcm_16000) answer after this much silence once the
    # candidate has spoken (docs/voice.md); "manual": the client submits.
    turn_detection: Literal["manual", "auto"] = "manual"
    end_of_turn_silence_s: float = Field(2.5, ge=0.5, le=30.0)
    # True: a spoken answer's transcript waits for `answer:confirm` before it is evaluated.
    confirm_transcripts: bool = False
    # With turn_detection "auto": one `answer:hint` when stuck in a long silence mid-answer.
    hints: bool = False
    # Streamed (pcm_16000) answers get `answer:partial` captions while they are spoken.
    live_captions: bool = False
    questions: list[OwnQuestion] | None = Field(None, min_length=1, max_length=20)

    @model_validator(mode="after")
    def _count_given(self) -> Self:
        if self.question_count is None and not self.questions:
            raise ValueError("question_count is required unless questions are given")
        return self

    @property
    def count(self) -> int:
        if self.question_count is not None:
            return self.question_count
        assert self.questions
        return len(self.questions)


class SessionRef(_Payload):
    session_id: SessionId


class ResumeInterview(_Payload):
    session_id: SessionId
    # The highest `event_seq` the client holds for this session: the server replays the
    # events after it. Without it, the replay continues where the user's socket that left got.
    last_event_seq: int | None = Field(None, ge=0)


class ReplayInfo(BaseModel):
    """Added to the `interview:resume` ack: `replayed_events` events were sent before the
    ack; `replayed` is False when the log no longer reached back that far (the snapshot is
    then authoritative); `last_event_seq` is the session's latest event at the snapshot."""

    replayed: bool
    replayed_events: int
    last_event_seq: int


class SubmitAnswer(_Payload):
    session_id: SessionId
    index: int = Field(ge=0, le=1000)
    format: str | None = Field(None, max_length=32)
    audio: bytes | None = None
    text: str | None = Field(None, max_length=_HUGE)

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        if self.audio is not None and self.text is not None:
            raise ValueError("send either audio or text, not both")
        return self


class AnswerChunk(_Payload):
    session_id: SessionId
    index: int = Field(ge=0, le=1000)
    seq: int = Field(ge=0, le=1_000_000)
    data: bytes


class ConfirmAnswer(_Payload):
    """`answer:confirm`: accept the transcript as heard, or replace it with `text`."""

    session_id: SessionId
    index: int = Field(ge=0, le=1000)
    text: str | None = Field(None, max_length=_HUGE)


class CorrectAnswer(_Payload):
    """`answer:correct`: replace an evaluated transcript and have it evaluated again."""

    session_id: SessionId
    index: int = Field(ge=0, le=1000)
    text: str = Field(max_length=_HUGE)
