"""What an expert is shown of the interviews a candidate attached to a booking, and what
their review of a score changes. Pure: no I/O.

Why here and not in the evaluators: the key moments summarise a whole interview for a
human reviewer (the weakest answer, the longest silence, the STAR parts left out, each at the
moment it happened), and an expert's marks must replace the AI's in the candidate's
statistics exactly once per change however often the job that applies them runs.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mockmate.domain import QuestionCategory
from mockmate.evaluators.models import RUBRIC_WEIGHTS
from mockmate.gamification import statistics as stats
from mockmate.gamification.progress import (
    APPLIED_KEPT,
    AnswerNotCountedError,
    Progress,
    Step,
)
from mockmate.skills.rules import SkillEvent

STAR_PARTS = ("situation", "task", "action", "result")
CRITERIA = tuple(RUBRIC_WEIGHTS)
MAX_COMMENT_CHARS = 2000

MomentKind = Literal["weakest_answer", "longest_pause", "missing_star"]


# --- key moments ------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerFacts:
    """What the key moments need of one evaluated answer."""

    index: int
    category: str
    score: float | None  # the AI's score; None while it is not evaluated
    offset_s: float | None  # seconds from the interview's start to the answer's submission
    pauses: tuple[tuple[float, float, str | None], ...] = ()  # (at_s, length_s, after)
    star: Mapping[str, str | None] | None = None  # the evaluation's STAR findings
    star_structure: bool = False  # the evaluation judged it against the STAR outline


class KeyMoment(BaseModel):
    """One moment worth the expert's attention, with where to find it: the answer
    (`index`), how far into the interview it was submitted (`offset_s`) and, for a pause,
    where it fell in the answer's recording (`at_s`)."""

    model_config = ConfigDict(frozen=True)

    kind: MomentKind
    index: int
    offset_s: float | None
    at_s: float | None = None
    length_s: float | None = None
    score: float | None = None
    missing: tuple[str, ...] = ()
    message: str


def _at(offset_s: float | None) -> str:
    if offset_s is None:
        return ""
    whole = max(0, int(offset_s))
    return f" ({whole // 60}:{whole % 60:02d} into the interview)"


def weakest_answer(answers: Sequence[AnswerFacts]) -> KeyMoment | None:
    """The lowest-scored answer (the earliest of equals); None when none is scored."""
    scored = [a for a in answers if a.score is not None]
    if not scored:
        return None
    worst = min(scored, key=lambda a: (a.score, a.index))
    return KeyMoment(kind="weakest_answer", index=worst.index, offset_s=worst.offset_s,
                     score=worst.score,
                     message=f"Weakest answer: question {worst.index + 1}, scored "
                             f"{worst.score:g}/10{_at(worst.offset_s)}.")


def longest_pause(answers: Sequence[AnswerFacts]) -> KeyMoment | None:
    """The longest silence measured in any spoken answer (the earliest of equals)."""
    best: tuple[AnswerFacts, float, float, str | None] | None = None
    for answer in sorted(answers, key=lambda a: a.index):
        for at_s, length_s, after in answer.pauses:
            if best is None or length_s > best[2]:
                best = (answer, at_s, length_s, after)
    if best is None:
        return None
    answer, at_s, length_s, after = best
    said = f' after "{after}"' if after else ""
    return KeyMoment(kind="longest_pause", index=answer.index, offset_s=answer.offset_s,
                     at_s=at_s, length_s=length_s,
                     message=f"Longest pause: {length_s:g} s{said}, {at_s:g} s into the "
                             f"answer to question {answer.index + 1}.")


def missing_star(answers: Sequence[AnswerFacts]) -> list[KeyMoment]:
    """Each behavioural (or STAR-judged) evaluated answer that left STAR parts out."""
    moments = []
    for answer in sorted(answers, key=lambda a: a.index):
        if answer.star is None or not (answer.category == "behavioral" or answer.star_structure):
            continue
        missing = tuple(part for part in STAR_PARTS if not answer.star.get(part))
        if missing:
            moments.append(KeyMoment(
                kind="missing_star", index=answer.index, offset_s=answer.offset_s,
                missing=missing,
                message=f"Question {answer.index + 1} left out the STAR "
                        f"{'part' if len(missing) == 1 else 'parts'} {', '.join(missing)}"
                        f"{_at(answer.offset_s)}."))
    return moments


def key_moments(answers: Sequence[AnswerFacts]) -> list[KeyMoment]:
    """The weakest answer, the longest pause and the missing STAR parts, in that order."""
    single = [weakest_answer(answers), longest_pause(answers)]
    return [m for m in single if m is not None] + missing_star(answers)


# --- the expert's review ----------------------------------------------------------------


class CriterionReview(BaseModel):
    """The expert's word on one rubric criterion: `score` overrides the AI's mark (1..10),
    none confirms it; the comment says why."""

    model_config = ConfigDict(extra="forbid")

    score: float | None = Field(None, ge=1, le=10)
    comment: str = Field("", max_length=MAX_COMMENT_CHARS)


class ReviewRequest(BaseModel):
    """`PUT /api/bookings/{id}/review/interviews/{iid}/answers/{index}`."""

    model_config = ConfigDict(extra="forbid")

    criteria: dict[Literal["relevance", "examples", "clarity", "technical_accuracy",
                           "job_alignment"], CriterionReview] = Field(min_length=1)
    comment: str = Field("", max_length=MAX_COMMENT_CHARS)


def reviewed_criteria(ai_rubric: Mapping[str, float], request: ReviewRequest
                      ) -> dict[str, dict[str, object]]:
    """Every criterion the expert spoke to: the AI's mark, the expert's, and whether they
    confirmed or overrode it."""
    out: dict[str, dict[str, object]] = {}
    for name, review in request.criteria.items():
        ai = float(ai_rubric[name])
        expert = round(review.score, 1) if review.score is not None else ai
        out[name] = {"ai_score": ai, "score": expert,
                     "decision": "confirmed" if expert == ai else "overridden",
                     "comment": review.comment.strip()}
    return out


def expert_score(ai_score: float, ai_rubric: Mapping[str, float],
                 criteria: Mapping[str, Mapping[str, object]]) -> float:
    """The answer's score moved from the AI's by the expert's changes to the marks, each
    at its rubric weight (so confirming every mark keeps the AI's score, which may differ
    from the plain weighted marks where the evaluator capped it); 1..10, one decimal."""
    moved = 0.0
    for name, review in criteria.items():
        score = review["score"]
        assert isinstance(score, (int, float))
        moved += (float(score) - float(ai_rubric[name])) * RUBRIC_WEIGHTS[name]
    return round(min(10.0, max(1.0, ai_score + moved)), 1)


def public_review(review: Mapping[str, object] | None) -> dict[str, object] | None:
    """What both parties see of a stored review (None: not reviewed)."""
    if not review:
        return None
    return {k: review.get(k) for k in ("version", "booking_id", "expert_name", "criteria",
                                       "comment", "score", "ai_score", "reviewed_at")}


def expert_cause(answer_id: str, version: int) -> str:
    return f"answer:{answer_id}:expert{version}"


def apply_expert_scores(
    progress: Progress, *, answer_id: str, category: QuestionCategory, ai_score: float,
    scores: Sequence[float],
) -> Step:
    """The statistics take the latest of an answer's expert scores (`scores[v - 1]` is
    review version v) in place of the AI's `ai_score`. Versions already applied are skipped
    and the missing ones applied in order, each replacing the one before, so the step is
    the same however often and in whatever order its job runs. Nothing is paid (no XP)."""
    if f"answer:{answer_id}" not in progress.applied:
        raise AnswerNotCountedError(answer_id)
    applied = set(progress.applied)
    done = max((v for v in range(1, len(scores) + 1)
                if expert_cause(answer_id, v) in applied), default=0)
    if done == len(scores):
        return Step(progress=progress, repeated=True)
    counted = scores[done - 1] if done else ai_score
    latest = scores[-1]
    statistics = stats.rescore_answer(progress.statistics, category=category,
                                      earlier=counted, score=latest)
    causes = [expert_cause(answer_id, v) for v in range(done + 1, len(scores) + 1)]
    kept = [*progress.applied, *causes][-APPLIED_KEPT:]
    return Step(progress=progress.model_copy(update={"statistics": statistics,
                                                     "applied": kept}))


def with_expert_score(events: Sequence[SkillEvent], answer_id: str, score: float,
                      rubric: Mapping[str, float]) -> list[SkillEvent] | None:
    """The skill record with the answer's score and rubric replaced by the expert's; None
    when it already holds them or does not hold the answer (nothing to change)."""
    changed = False
    out = []
    for event in events:
        if event.answer_id == answer_id and (event.score != score or event.rubric != rubric):
            event = event.model_copy(update={"score": score, "rubric": dict(rubric)})
            changed = True
        out.append(event)
    return out if changed else None
