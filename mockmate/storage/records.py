"""Typed records of the interview and answer documents, as the repositories read and write them.

The repositories in `storage/interviews.py` and `storage/answers.py` take and return these
frozen models instead of raw documents, so a caller reads `interview.status`, not
`doc["status"]`, and mypy sees every field. They are read leniently: documents written by
older versions may lack the newer fields (they take their defaults) or carry fields no longer
declared (`extra="allow"` keeps them, so a document read and exported is not cut short).
`document()` gives back what was read or set, field for field (`exclude_unset`), which is what
the export and the wire bodies built from a stored sub-document (a transcript) rely on.

An evaluation is stored as the JSON of `evaluators.models.Evaluation`; that model belongs to
the evaluators, a layer above storage, so `StoredEvaluation` declares only what storage-side
readers use (score, rubric) and keeps the rest as it is; the pipeline validates the whole
with `Evaluation.model_validate(stored.document())`.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_serializer

from mockmate.domain import Difficulty, InterviewStatus, InterviewType, QuestionCategory
from mockmate.questions.models import Question
from mockmate.storage.database import Document, as_datetime

# A stored moment as an aware UTC datetime (nx-27017 keeps a `$set` date as a naive string).
Timestamp = Annotated[datetime | None, BeforeValidator(as_datetime)]


class Record(BaseModel):
    """A stored document: frozen, lenient to older shapes, `_id` named `id` in code."""

    model_config = ConfigDict(frozen=True, extra="allow", populate_by_name=True)

    def document(self) -> Document:
        """The fields read from MongoDB or set when the record was made, as stored."""
        return self.model_dump(by_alias=True, exclude_unset=True)


class StoredTranscript(Record):
    """What was heard (or typed): `text` is the candidate's correction when they made one,
    `machine_text` what the machine heard before it (`interviews/corrections.py`)."""

    text: str
    confidence: float = 1.0
    duration_s: float = 0.0
    # `evaluators.models.Delivery` as JSON (with `pace`), None for a typed answer.
    delivery: dict[str, Any] | None = None
    machine_text: str | None = None

    def wire(self) -> dict[str, Any]:
        """The transcript's fields as the contract sends them (what is stored, no more)."""
        return self.model_dump(mode="json", exclude_unset=True)


class StoredEvaluation(Record):
    """An answer's evaluation as stored (`evaluators.models.Evaluation` as JSON)."""

    score: float
    rubric: dict[str, float] = Field(default_factory=dict)

    def wire(self) -> dict[str, Any]:
        """The evaluation as the contract sends it (what is stored, no more)."""
        return self.model_dump(mode="json", exclude_unset=True)


class Correction(Record):
    revision: int
    at: Timestamp = None


class InterviewRecord(Record):
    """One interview (or practice session): its configuration, questions as planned, status,
    timestamps and, once completed, its scores."""

    id: str = Field(alias="_id")
    user_id: str
    role: str = ""
    interview_type: InterviewType | None = None
    difficulty: Difficulty | None = None
    job_description: str = ""
    resume_text: str = ""
    resume_id: str | None = None
    job_analysis: dict[str, Any] | None = None  # `jobdesc.analysis.JobAnalysis` as JSON
    template: str | None = None
    question_count: int | None = None
    auto_advance: bool = False
    adaptive: bool = False
    speak: bool = False
    turn_detection: str | None = None
    confirm_transcripts: bool = False
    live_captions: bool = False
    voice: str | None = None
    audio_format: str | None = None
    questions: tuple[Question, ...] = ()
    follow_up_count: int = 0
    mode: Literal["interview", "practice"] = "interview"
    practice: dict[str, Any] | None = None  # what a practice session practises
    status: InterviewStatus = InterviewStatus.IN_PROGRESS
    completion_sent: bool = False
    search_text: str = ""
    created_at: Timestamp = None
    started_at: Timestamp = None
    ended_at: Timestamp = None
    answered: int | None = None
    skipped: tuple[int, ...] = ()
    overall_score: float | None = None
    category_scores: dict[str, float] | None = None

    @field_serializer("questions")
    def _questions(self, questions: tuple[Question, ...]) -> list[dict[str, Any]]:
        return [q.model_dump(mode="json") for q in questions]

    @field_serializer("skipped")
    def _skipped(self, skipped: tuple[int, ...]) -> list[int]:
        return list(skipped)

    @property
    def duration_s(self) -> float:
        """From start to end, in seconds (0 while either is unknown)."""
        if self.started_at is None or self.ended_at is None:
            return 0.0
        return round(max(0.0, (self.ended_at - self.started_at).total_seconds()), 1)


class AnswerRecord(Record):
    """One answered question: what was submitted, its transcript and its evaluation."""

    id: str = Field(alias="_id")
    interview_id: str
    user_id: str
    index: int
    question_id: str | None = None
    category: QuestionCategory = "behavioral"
    # The question as asked (a follow-up may replace a planned one); older answers lack it.
    question: Question | None = None
    # A transcript the machine made waits for the candidate's confirmation.
    confirm: bool = False
    kind: Literal["text", "audio"] | None = None
    text: str | None = None  # a typed answer's text
    transcript: StoredTranscript | None = None
    format: str | None = None
    audio_file_id: str | None = None
    audio_bytes: int | None = None
    duration_s: float | None = None
    recording: Literal["kept", "deleted"] | None = None
    created_at: Timestamp = None
    transcribed_at: Timestamp = None
    evaluation: StoredEvaluation | None = None
    evaluated_at: Timestamp = None
    evaluation_revision: int = 1
    first_evaluation: StoredEvaluation | None = None  # revision 1's, once corrected
    correction: Correction | None = None
    # The booked expert's marks (`reviews/`), as `storage/reviews.py` writes them.
    expert_review: dict[str, Any] | None = None
    review_version: int = 0

    @field_serializer("question")
    def _question(self, question: Question | None) -> dict[str, Any] | None:
        return question.model_dump(mode="json") if question is not None else None

    @property
    def score(self) -> float | None:
        """The evaluation's score, None before the evaluation."""
        return None if self.evaluation is None else self.evaluation.score

    @property
    def answer_text(self) -> str:
        """What the evaluators read: the transcript, or a typed answer's text."""
        if self.transcript is not None and self.transcript.text:
            return self.transcript.text
        return self.text or ""
