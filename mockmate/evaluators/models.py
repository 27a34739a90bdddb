"""Inputs and outputs of answer evaluation, shared by every evaluator (heuristic or LLM)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mockmate.questions.models import Question

# Weights of the seed rubric; they sum to 1.
RUBRIC_WEIGHTS: dict[str, float] = {
    "relevance": 0.25,
    "examples": 0.25,
    "clarity": 0.20,
    "technical_accuracy": 0.20,
    "job_alignment": 0.10,
}


class Delivery(BaseModel):
    """Delivery analytics measured from an audio answer (None for typed answers)."""

    words_per_minute: float
    filler_words: dict[str, int] = Field(default_factory=dict)
    pause_count: int = 0
    longest_pause_s: float = 0.0


class EvaluationContext(BaseModel):
    """Everything an evaluator may look at to judge one answer."""

    model_config = ConfigDict(frozen=True)

    question: Question
    answer_text: str
    role: str = ""
    job_description: str = ""
    resume_text: str = ""
    delivery: Delivery | None = None


class Rubric(BaseModel):
    """Per-criterion marks, each 1..10 (one decimal)."""

    relevance: float = Field(ge=1, le=10)
    examples: float = Field(ge=1, le=10)
    clarity: float = Field(ge=1, le=10)
    technical_accuracy: float = Field(ge=1, le=10)
    job_alignment: float = Field(ge=1, le=10)

    def weighted_score(self) -> float:
        total = sum(float(getattr(self, name)) * weight for name, weight in RUBRIC_WEIGHTS.items())
        return round(min(10.0, max(1.0, total)), 1)


class Star(BaseModel):
    """STAR components found in the answer: the sentence that shows each, or None."""

    situation: str | None = None
    task: str | None = None
    action: str | None = None
    result: str | None = None


Confidence = Literal["low", "medium", "high"]


class Evaluation(BaseModel):
    """The contract's `answer:evaluation` body (without session_id/index/answer_id)."""

    score: float = Field(ge=1, le=10)
    rubric: Rubric
    strengths: list[str] = Field(default_factory=list)
    weaknesses: list[str] = Field(default_factory=list)
    tips: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    star: Star = Field(default_factory=Star)
    source: Literal["llm", "heuristic"] = "heuristic"
    ideal_answer: str | None = None
    ideal_answer_strengths: str | None = None  # what makes the ideal answer strong
    # How far the score can be trusted: "low" for very short, off-topic or garbled answers.
    confidence: Confidence = "high"
    # Why it is not "high" (a sentence the candidate can read), else None.
    confidence_reason: str | None = None
    # One sentence per rubric criterion, quoting what earned or lost the mark.
    criteria_reasons: dict[str, str] = Field(default_factory=dict)
