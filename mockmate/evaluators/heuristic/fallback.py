"""The fallback strength and weakness, for answers where no specific rule found one.

An evaluation always reports at least one strength and one weakness with a tip. When no
content rule produced one, the candidate still gets something useful: an honest "nothing to
credit yet", or the lowest rubric mark with the tip that would raise it (or polish it, when
every mark is already good).
"""

from typing import Final

from mockmate.evaluators.heuristic.features import AnswerFeatures
from mockmate.evaluators.heuristic.findings import Weakness
from mockmate.evaluators.models import Rubric

# How each rubric criterion is named to the candidate.
_RUBRIC_NAMES: Final[dict[str, str]] = {
    "relevance": "relevance",
    "examples": "specific examples",
    "clarity": "clarity and structure",
    "technical_accuracy": "technical accuracy",
    "job_alignment": "job alignment",
}
# How to polish a criterion that is already good (7 or more).
_POLISH_TIPS: Final[dict[str, str]] = {
    "relevance": "Open by restating the core of the question in one sentence, so the interviewer "
    "hears your answer straight away.",
    "examples": "Add one more hard detail: the scale (users, requests, team size) or a second "
    "number for the outcome.",
    "clarity": "Rehearse it aloud once and keep it under two minutes.",
    "technical_accuracy": "Mention one alternative you rejected and why; it shows judgement.",
    "job_alignment": "Close with one sentence linking this to what the role needs.",
}
# How to raise a criterion that is weak (below 7).
_RUBRIC_TIPS: Final[dict[str, str]] = {
    "relevance": "Answer the exact question in your first sentence, then support it.",
    "examples": "Anchor the answer in one real example with a number: what you did and what "
    "changed.",
    "clarity": "Structure it: context, your steps ('First … then …'), and the outcome.",
    "technical_accuracy": "Name the specific technique, why it works, and one trade-off.",
    "job_alignment": "Link the example to what this role needs, in one closing sentence.",
}


def no_strength(feats: AnswerFeatures) -> str:
    """The fallback strength when nothing specific could be credited."""
    if feats.word_count == 0:
        return "Nothing to credit yet: the answer is empty"
    return "Nothing specific to credit yet: the answer has no concrete, on-topic detail"


def weakest_area(rubric: Rubric, technical: bool, has_jd: bool) -> Weakness:
    """The fallback weakness when no specific one was found: the lowest mark, and a tip."""
    # Without a job description job alignment is a neutral placeholder, not a weakness.
    names = [n for n in _RUBRIC_NAMES if has_jd or n != "job_alignment"]
    name = min(names, key=lambda n: float(getattr(rubric, n)))
    value = float(getattr(rubric, name))
    if value < 7:
        tip = _RUBRIC_TIPS[name]
        if name == "examples" and technical:
            tip = "Illustrate it with one concrete case: a snippet, a real bug, or a measurement."
        return Weakness(f"Weakest area: {_RUBRIC_NAMES[name]} ({value:.1f}/10)", (tip,))
    polish = _POLISH_TIPS[name]
    if name == "technical_accuracy" and not technical:
        polish = "Add what you would do differently next time, not only what went well."
    return Weakness(
        f"Only minor gaps; the lowest mark is {_RUBRIC_NAMES[name]} ({value:.1f}/10)", (polish,)
    )
