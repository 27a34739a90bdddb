"""The REST answers of the interview history (`/api/interviews`, a shared interview): what
the handlers send, as models, so docs/openapi.json describes them (`server/http.py`
`model_response`). Stored sub-documents (a transcript, an evaluation, delivery) are sent as
stored: their models name the fields the contract knows and keep any other (`extra`), and
the answers are dumped with `exclude_unset`, so what was stored, no more, goes out."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from mockmate.domain import Difficulty, InterviewStatus, InterviewType, QuestionCategory
from mockmate.evaluators.models import Delivery, Evaluation
from mockmate.jobdesc.analysis import JobAnalysis
from mockmate.wire import Reply


class InterviewSummary(Reply):
    id: str
    status: InterviewStatus
    role: str
    interview_type: InterviewType | None
    difficulty: Difficulty | None
    question_count: int | None
    answered: int | None
    overall_score: float | None
    category_scores: dict[str, float] | None
    created_at: str | None
    ended_at: str | None


class InterviewPage(Reply):
    interviews: list[InterviewSummary]
    page: int
    per_page: int
    total: int


class PlannedQuestion(Reply):
    id: str
    text: str
    category: QuestionCategory
    difficulty: Difficulty
    skills: list[str]
    follow_up_to: int | None
    why: str


class StoredDelivery(Delivery):
    model_config = ConfigDict(extra="allow")


class StoredTranscriptView(BaseModel):
    """The transcript as stored: `text` is the candidate's correction when they made one,
    `machine_text` what the machine heard before it."""

    model_config = ConfigDict(extra="allow")

    text: str
    confidence: float = 1.0
    duration_s: float = 0.0
    delivery: StoredDelivery | None = None
    machine_text: str | None = None


class StoredEvaluationView(Evaluation):
    """The evaluation as stored (the `answer:evaluation` body)."""

    model_config = ConfigDict(extra="allow")


class AnswerAudio(Reply):
    format: str | None
    bytes: int | None
    duration_s: float | None
    recording: Literal["kept", "deleted"] | None


class ExpertReviewView(Reply):
    """The booked expert's confirmation or override of the rubric scores."""

    version: int | None
    booking_id: str | None
    expert_name: str | None
    criteria: Any
    comment: str | None
    score: float | None
    ai_score: float | None
    reviewed_at: str | None


class AnswerView(Reply):
    answer_id: str
    index: int
    question: str | None
    question_id: str | None
    kind: Literal["text", "audio"] | None
    transcript: StoredTranscriptView | None
    delivery: StoredDelivery | None
    audio: AnswerAudio | None
    evaluation_revision: int
    evaluation: StoredEvaluationView | None
    expert_review: ExpertReviewView | None
    submitted_at: str | None
    evaluated_at: str | None


class InterviewDetail(InterviewSummary):
    job_description: str
    template: str | None
    resume_id: str | None
    job_analysis: JobAnalysis | None
    skipped: list[int]
    started_at: str | None
    questions: list[PlannedQuestion]
    answers: list[AnswerView]


class InterviewReply(Reply):
    interview: InterviewDetail


class InterviewDeleted(Reply):
    deleted: bool
    id: str


class ShareLink(Reply):
    token: str
    url: str
    expires_at: str
    include_audio: bool


class ShareRevoked(Reply):
    revoked: bool


class TimedWord(Reply):
    word: str
    start_s: float
    end_s: float


class SpokenTranscript(StoredTranscriptView):
    """`POST /api/speech/transcribe`: the transcript, delivery, and each word's times."""

    words: list[TimedWord]
