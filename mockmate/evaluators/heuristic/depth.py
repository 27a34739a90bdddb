"""The technical-accuracy mark: domain depth for technical questions, reflection otherwise.

Without a model the evaluator cannot check that a technical answer is correct, so it marks
what correct answers have in common: precise domain vocabulary, reasons and trade-offs,
numbers, and no hand-waving. For behavioural and situational questions the same rubric slot
measures judgement instead: lessons learned, ownership, an outcome, and (for situational
questions) reasoned options.
"""

from collections.abc import Sequence

from mockmate.evaluators.heuristic.cues import distinct_labels
from mockmate.evaluators.heuristic.features import AnswerFeatures
from mockmate.evaluators.heuristic.question import QuestionProfile
from mockmate.evaluators.heuristic.text import Term


def distinct_hits(feats: AnswerFeatures, terms: Sequence[Term]) -> tuple[Term, ...]:
    """Terms used in the answer, in order of use, without those inside a longer hit."""
    hits = [t for t in terms if feats.has(t)]
    hits = [t for t in hits if not any(t.key in u.key and t.key != u.key for u in hits)]
    return tuple(sorted(hits, key=lambda t: feats.stem_line.find(t.key)))


def technical(feats: AnswerFeatures, question: QuestionProfile, hits: Sequence[Term]) -> float:
    """Raw mark for a technical answer: vocabulary, reasons, numbers, minus hand-waving."""
    reasoning = distinct_labels(feats.reasons)
    conditional = any(c.label == "if" for c in feats.reasoning)
    metrics = len(distinct_labels(feats.metrics))
    return (
        1.5
        + min(5.0, 0.9 * len(hits) * question.tech_weight)
        + min(2.5, 0.7 * (len(reasoning) + conditional))
        + min(1.0, 0.4 * metrics)
        - min(3.0, 0.7 * len(feats.hand_wavy))
    )


def reflection(feats: AnswerFeatures, question: QuestionProfile) -> float:
    """Raw mark for a non-technical answer: lessons, ownership, outcome, actions, options."""
    lessons = len(distinct_labels(feats.reflection))
    ownership = len(distinct_labels(feats.ownership))
    value = (
        2.0
        + min(4.0, 2.0 * lessons)
        + min(1.5, 0.75 * ownership)
        + (1.5 if feats.star["result"] is not None else 0.0)
        + min(1.0, 0.25 * len(feats.past_actions))
    )
    if question.category == "situational":
        reasoning = len(distinct_labels(feats.reasons))
        value += min(1.5, 0.5 * reasoning + 0.2 * len(feats.planned_actions))
    return value
