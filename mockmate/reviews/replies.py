"""The REST answers of an expert's review of a booking's interviews (`/api/bookings/{id}/
interviews`, `/review`): what the handlers send, as models, so docs/openapi.json describes
them (`server/http.py` `model_response`)."""

from typing import Any, Literal

from mockmate.domain import Difficulty, InterviewType
from mockmate.interviews.replies import ExpertReviewView
from mockmate.reviews.rules import KeyMoment
from mockmate.wire import Reply


class Attached(Reply):
    booking_id: str
    interview_ids: list[str]


class Recording(Reply):
    wav: str
    ogg: str


class ReviewedAnswer(Reply):
    answer_id: str
    index: int
    question: str | None
    category: str | None
    kind: Literal["text", "audio"] | None
    transcript: str | None
    delivery: dict[str, Any] | None
    recording: Recording | None
    submitted_at: str | None
    offset_s: float | None
    evaluation: dict[str, Any] | None  # score, rubric, reasons, STAR, strengths...
    expert_review: ExpertReviewView | None


class ReviewedInterview(Reply):
    id: str
    role: str
    interview_type: InterviewType | None
    difficulty: Difficulty | None
    started_at: str | None
    overall_score: float | None
    category_scores: dict[str, float] | None
    key_moments: list[KeyMoment]
    answers: list[ReviewedAnswer]


class ReviewView(Reply):
    booking_id: str
    candidate_id: str
    start: str | None
    end: str | None
    interviews: list[ReviewedInterview]


class ReviewReply(Reply):
    review: ReviewView


class ExpertReviewReply(Reply):
    expert_review: ExpertReviewView
