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


class Pause(BaseModel):
    """A silence of at least `MOCKMATE_PAUSE_S` between words: where it began, how long."""

    at_s: float
    length_s: float
    after: str | None = None  # the word spoken just before it, when word timings are known


class TimedFiller(BaseModel):
    word: str  # as `filler_words` names it ("um", "you know", "like")
    at_s: float


class PaceSegment(BaseModel):
    """A stretch of speech between pauses (long stretches cut about every 15 s)."""

    start_s: float
    end_s: float
    words: int
    words_per_minute: float


class DeliveryFinding(BaseModel):
    """One observation for the candidate, naming the moment it happened (`at_s`; None when
    it is about the whole answer)."""

    kind: Literal["pace_slow", "pace_fast", "fillers", "pause", "monotone", "quiet"]
    at_s: float | None
    message: str


class Delivery(BaseModel):
    """Delivery analytics measured from an audio answer (None for typed answers).

    The first four fields are the contract's; the rest are additions (docs/voice.md), with
    defaults so that answers stored before them still read."""

    words_per_minute: float
    filler_words: dict[str, int] = Field(default_factory=dict)
    pause_count: int = 0
    longest_pause_s: float = 0.0
    talk_time_s: float = 0.0
    filler_rate_pct: float = 0.0
    pauses: list[Pause] = Field(default_factory=list)
    fillers: list[TimedFiller] = Field(default_factory=list)
    pace_segments: list[PaceSegment] = Field(default_factory=list)
    loudness_dbfs: float | None = None  # mean level of the speech
    loudness_variation_db: float | None = None  # standard deviation of its 30 ms levels
    pitch_median_hz: float | None = None
    pitch_range_semitones: float | None = None  # 10th to 90th percentile of voiced frames
    monotone: bool | None = None
    findings: list[DeliveryFinding] = Field(default_factory=list)


class EvaluationContext(BaseModel):
    """Everything an evaluator may look at to judge one answer."""

    model_config = ConfigDict(frozen=True)

    question: Question
    answer_text: str
    role: str = ""
    job_description: str = ""
    resume_text: str = ""
    delivery: Delivery | None = None
    # From the interview's stored job-description analysis (docs/candidate.md): the skills
    # the job requires weigh double in `job_alignment`, the nice-to-have ones single.
    job_required_skills: tuple[str, ...] = ()
    job_nice_skills: tuple[str, ...] = ()


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


class IdealPoint(BaseModel):
    """One step of the structure a strong answer to this question follows, and whether this
    answer took it (quoting the sentence that did)."""

    part: str  # "situation", "task", "action", "result", "reflection", "mechanism", ...
    point: str  # what a strong answer says at this step, worded for this question
    covered: bool
    quote: str | None = None  # the candidate's sentence that covers it, verbatim (trimmed)


class IdealOutline(BaseModel):
    """The outline of a strong answer (STAR for behavioural questions, a technical or a
    situational structure otherwise), marked against this answer."""

    structure: Literal["star", "technical", "situational"]
    points: list[IdealPoint]
    missed: list[str] = Field(default_factory=list)  # the points this answer left out


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
    # The structure a strong answer follows, with what this answer missed (every evaluator).
    ideal_outline: IdealOutline | None = None
    # How far the score can be trusted: "low" for very short, off-topic or garbled answers.
    confidence: Confidence = "high"
    # Why it is not "high" (a sentence the candidate can read), else None.
    confidence_reason: str | None = None
    # One sentence per rubric criterion, quoting what earned or lost the mark.
    criteria_reasons: dict[str, str] = Field(default_factory=dict)
