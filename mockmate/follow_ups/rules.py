"""When an answer deserves a follow-up question, and how the offline interviewer words one.

An interviewer who hears a weak answer (score 5 or less) or a story with missing STAR parts
asks about it before moving on. The rules here decide that from the evaluation alone, pick
what to probe (the missing parts, else the weakest rubric criterion, made precise by
`follow_up_gaps`: the number, the trade-off, the unexplained term, the wrong claim), and
word the question: the candidate's own words quoted back, then a fixed question that fits
the question's kind (a hypothetical has no "situation" to ask about). An LLM writer
(`FollowUpWriter`) may word it better, but the decision stays here so that every evaluator
triggers follow-ups the same way. The fixed texts are prepared for speech in advance
(`template_texts`); a quote is spoken on demand.
"""

from collections.abc import Iterable
from itertools import combinations
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from mockmate.evaluators.models import RUBRIC_WEIGHTS, Evaluation
from mockmate.follow_ups.gaps import find_gap
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
# A situational question is hypothetical: there was no situation, only a plan.
_PLAN_PROMPTS: dict[StarPart, str] = {
    "situation": "What would you want to find out first, before acting?",
    "task": "What would you be aiming for, and how would you know you had got there?",
    "action": "What exactly would you do, step by step?",
    "result": "How would you know it had worked: what would you measure?",
}
_CRITERION_PROMPTS: dict[str, str] = {
    "relevance": "Could you answer it more directly: what is the one point that matters most?",
    "examples": "Can you walk me through one concrete example, with numbers if you have them?",
    "clarity": "Could you take me through it again in three clear steps?",
    "technical_accuracy": "How exactly would that work, and which trade-offs did you weigh?",
    "job_alignment": "How does that experience prepare you for this role?",
}
# What to ask for each gap the answer analysis can find (see `follow_up_gaps`).
_GAP_PROMPTS: dict[str, str] = {
    "wrong": "Are you sure about that? Walk me through how it actually works.",
    "number": "What number would show the difference: how much, how many, or how fast?",
    "term": "What would it do here, exactly, and why would you need it?",
    "trade_off": "What does that cost you, and when would you choose something else?",
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
    """The offline follow-up: what the candidate said, then precisely what is missing."""
    reason = request.reason
    gap = find_gap(request.question, request.evaluation, request.answer_text,
                   reason.missing_star, reason.weakest)
    ask = _ask(request.question, reason, gap.kind)
    if gap.kind == "term" and gap.term:
        return as_follow_up(request, f'You named "{gap.term}" without saying what it does. {ask}')
    if gap.quote is None:
        return as_follow_up(request, template_text(request.question, reason))
    if gap.kind == "relevance":  # quote what it was about, then restate the question
        text = f'Your answer was about "{gap.quote}". {template_text(request.question, reason)}'
        return as_follow_up(request, text)
    return as_follow_up(request, f'You said "{gap.quote}". {ask}')


def _ask(question: Question, reason: FollowUpReason, kind: str) -> str:
    if reason.missing_star:
        prompts = _PLAN_PROMPTS if question.category == "situational" else _PART_PROMPTS
        return " ".join(prompts[p] for p in reason.missing_star[:MAX_PARTS_ASKED])
    return _GAP_PROMPTS.get(kind) or _CRITERION_PROMPTS[reason.weakest]


def template_text(question: Question, reason: FollowUpReason) -> str:
    """The follow-up when there is nothing of the candidate's to quote back."""
    return f'Let\'s go back to "{quote(question.text)}". {_ask(question, reason, "criterion")}'


def template_texts(question: Question) -> list[str]:
    """Every fixed text the offline writer can ask after `question`, so that its speech can
    be prepared before anyone is asked it. A follow-up that quotes the candidate is one
    sentence quoting them (spoken on demand) followed by sentences of these texts."""
    parts = [(p,) for p in STAR_ORDER] + list(combinations(STAR_ORDER, MAX_PARTS_ASKED))
    reasons = [FollowUpReason(low_score=True, missing_star=m, weakest="clarity") for m in parts]
    reasons += [FollowUpReason(low_score=True, missing_star=(), weakest=c)
                for c in _CRITERION_PROMPTS]
    # Speech is cached per sentence: the fixed asks after a quote are among these sentences.
    return [template_text(question, reason) for reason in reasons] + list(_GAP_PROMPTS.values())


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
