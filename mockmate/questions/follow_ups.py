"""When an answer deserves a follow-up question, and how the offline interviewer words one.

An interviewer who hears a weak answer (score 5 or less) or a story with missing STAR parts
asks about it before moving on. The rules here decide that from the evaluation alone, pick
what to probe (the missing parts, else the weakest rubric criterion), and write the question
from templates; an LLM writer (`FollowUpWriter`) may word it better, but the decision stays
here so that every evaluator triggers follow-ups the same way.
"""

from collections.abc import Iterable
from itertools import combinations
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from mockmate.evaluators.models import RUBRIC_WEIGHTS, Evaluation
from mockmate.questions.models import Question

StarPart = Literal["situation", "task", "action", "result"]
STAR_ORDER: tuple[StarPart, ...] = ("situation", "task", "action", "result")
LOW_SCORE = 5.0
# Only stories are expected to have a situation, a task, an action and a result.
STORY_CATEGORIES = frozenset({"behavioral", "situational"})
MAX_PARTS_ASKED = 2  # a follow-up stays one or two sentences
MAX_QUOTE_CHARS = 80

_PART_PROMPTS: dict[StarPart, str] = {
    "situation": "What was the situation, and what was at stake?",
    "task": "What exactly were you responsible for?",
    "action": "What did you do yourself, step by step?",
    "result": "What was the outcome, and how did you measure it?",
}
_CRITERION_PROMPTS: dict[str, str] = {
    "relevance": "Could you answer it more directly: what is the one point that matters most?",
    "examples": "Can you walk me through one concrete example, with numbers if you have them?",
    "clarity": "Could you take me through it again in three clear steps?",
    "technical_accuracy": "How exactly would that work, and which trade-offs did you weigh?",
    "job_alignment": "How does that experience prepare you for this role?",
}


class FollowUpReason(BaseModel):
    """Why a follow-up is asked: the STAR parts the answer missed and its weakest criterion."""

    model_config = ConfigDict(frozen=True)

    low_score: bool
    missing_star: tuple[StarPart, ...]
    weakest: str


class FollowUpRequest(BaseModel):
    """What a writer needs to word the follow-up to the answer of question `index`."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    index: int
    question: Question
    answer_text: str
    evaluation: Evaluation
    reason: FollowUpReason
    role: str = ""
    job_description: str = ""


class FollowUpWriter(Protocol):
    """Words a follow-up question; must always return one (falling back to the template)."""

    async def write(self, request: FollowUpRequest) -> Question: ...


def follow_up_reason(question: Question, evaluation: Evaluation) -> FollowUpReason | None:
    """The reason to follow up on this answer, or None when it stands on its own."""
    if question.follow_up_to is not None:
        return None  # a follow-up is never followed up
    missing: tuple[StarPart, ...] = ()
    if question.category in STORY_CATEGORIES:
        missing = tuple(p for p in STAR_ORDER if getattr(evaluation.star, p) is None)
    low = evaluation.score <= LOW_SCORE
    if not low and not missing:
        return None
    marks = evaluation.rubric.model_dump()
    # Ties go to the criterion that weighs more: it costs the candidate the most.
    weakest = min(RUBRIC_WEIGHTS, key=lambda name: (marks[name], -RUBRIC_WEIGHTS[name]))
    return FollowUpReason(low_score=low, missing_star=missing, weakest=weakest)


def template_follow_up(request: FollowUpRequest) -> Question:
    """The offline follow-up: back to the question, then what to add."""
    return as_follow_up(request, template_text(request.question, request.reason))


def template_text(question: Question, reason: FollowUpReason) -> str:
    if reason.missing_star:
        asks = " ".join(_PART_PROMPTS[p] for p in reason.missing_star[:MAX_PARTS_ASKED])
    else:
        asks = _CRITERION_PROMPTS[reason.weakest]
    return f'Let\'s go back to "{quote(question.text)}". {asks}'


def template_texts(question: Question) -> list[str]:
    """Every text the offline writer can ask after `question`, so that its speech can be
    prepared before anyone is asked it."""
    parts = [(p,) for p in STAR_ORDER] + list(combinations(STAR_ORDER, MAX_PARTS_ASKED))
    reasons = [FollowUpReason(low_score=True, missing_star=m, weakest="clarity") for m in parts]
    reasons += [FollowUpReason(low_score=True, missing_star=(), weakest=c)
                for c in _CRITERION_PROMPTS]
    return [template_text(question, reason) for reason in reasons]


def offline_texts(bank: Iterable[Question]) -> list[str]:
    """Every text the offline interviewer can ask: each question of `bank`, and each
    follow-up the templates can word for it."""
    questions = list(bank)
    return [q.text for q in questions] + [t for q in questions for t in template_texts(q)]


def as_follow_up(request: FollowUpRequest, text: str) -> Question:
    """A follow-up question with `text` for the answer of `request.index`."""
    original = request.question
    return Question(
        id=f"follow-up:{request.index}:{original.id}",
        text=text,
        category=original.category,
        difficulty=original.difficulty,
        skills=original.skills,
        roles=original.roles,
        follow_up_to=request.index,
    )


def quote(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """The question shortened for quoting, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text.rstrip("?.!")
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


class TemplateFollowUps:
    """The offline writer."""

    async def write(self, request: FollowUpRequest) -> Question:
        return template_follow_up(request)
