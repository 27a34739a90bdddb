"""The small, storage-free facts that move challenges and goals.

Why: challenges and goals must not depend on the hook events' full payloads (questions,
evaluations, raw answers); the wiring turns `AnswerEvaluated` / `InterviewCompleted` into
these, with the user's local day already computed. Each event names its `cause`, so a
progress update that already counted a cause can skip it when a hook is retried.
"""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from mockmate.domain import QuestionCategory


class AnswerScored(BaseModel):
    """An answered question and its score, on the user's local `day`."""

    model_config = ConfigDict(frozen=True)

    answer_id: str = Field(min_length=1)
    day: date
    category: QuestionCategory
    score: float = Field(ge=0, le=10)

    @property
    def cause(self) -> str:
        return f"answer:{self.answer_id}"


class Practiced(BaseModel):
    """The user practiced on their local `day` (at least one answered question)."""

    model_config = ConfigDict(frozen=True)

    day: date

    @property
    def cause(self) -> str:
        return f"practice:{self.day.isoformat()}"


class InterviewFinished(BaseModel):
    """A completed interview and its average score (None when nothing was scored)."""

    model_config = ConfigDict(frozen=True)

    interview_id: str = Field(min_length=1)
    day: date
    average: float | None = Field(default=None, ge=0, le=10)

    @property
    def cause(self) -> str:
        return f"interview:{self.interview_id}"


class StreakReached(BaseModel):
    """The user's streak is `current` days long as of their local `day`."""

    model_config = ConfigDict(frozen=True)

    day: date
    current: int = Field(ge=0)

    @property
    def cause(self) -> str:
        return f"streak:{self.day.isoformat()}"


GamificationEvent = AnswerScored | Practiced | InterviewFinished | StreakReached
