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
from mockmate.evaluators.heuristic.substance import Substance
from mockmate.evaluators.heuristic.text import Term


def distinct_hits(feats: AnswerFeatures, terms: Sequence[Term]) -> tuple[Term, ...]:
    """Terms used in the answer, in order of use, without those inside a longer hit."""
    hits = [t for t in terms if feats.has(t)]
    hits = [t for t in hits if not any(t.key in u.key and t.key != u.key for u in hits)]
    return tuple(sorted(hits, key=lambda t: feats.stem_line.find(t.key)))


def technical(feats: AnswerFeatures, question: QuestionProfile, sub: Substance) -> float:
    """Raw mark for a technical answer: terms used to make claims, reasons, numbers, minus
    hand-waving; capped low when it states known-false or over-certain claims."""
    reasoning = distinct_labels(feats.reasons)
    conditional = any(c.label == "if" for c in feats.reasoning)
    metrics = len(distinct_labels(feats.metrics))
    value = (
        1.5
        + min(4.0, 0.7 * len(sub.used_terms) * question.tech_weight)
        + min(2.5, 0.6 * (len(reasoning) + conditional))
        + min(1.0, 0.4 * metrics)
        + min(1.0, 0.15 * sub.points)
        - min(3.0, 0.7 * len(feats.hand_wavy))
        - min(2.0, 0.5 * len(sub.platitudes))
    )
    if sub.misconceptions:
        return min(value, 1.5)
    if sub.absolutes:
        return min(value, 2.5)
    return value


def reflection(feats: AnswerFeatures, question: QuestionProfile, said: float) -> float:
    """Raw mark for a non-technical answer: the judgement shown. What the story says (its
    actions, numbers, reasons), plus lessons, ownership, an outcome and reasoned options."""
    lessons = len(distinct_labels(feats.reflection))
    ownership = len(distinct_labels(feats.ownership))
    value = (
        2.0
        + 4.0 * said
        + min(1.5, 0.75 * lessons)
        + min(1.0, 0.5 * ownership)
        + (1.0 if feats.star["result"] is not None else 0.0)
    )
    if question.category == "situational":
        reasoning = len(distinct_labels(feats.reasons))
        value += min(1.5, 0.5 * reasoning)
    return value
