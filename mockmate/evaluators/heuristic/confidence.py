"""How far a score can be trusted, judged from the answer text alone.

A score on ten words, on an answer to another question, or on a transcript the speech
recogniser garbled says little, and posing as precise would mislead the candidate. This rule
is shared by every evaluator (the LLM's output is checked with it too), so it depends only on
the answer's text and the question, never on the marks.
"""

from typing import Final

from mockmate.evaluators.heuristic.features import AnswerFeatures, analyse_answer
from mockmate.evaluators.heuristic.marks import relevance
from mockmate.evaluators.heuristic.question import QuestionProfile, analyse_question
from mockmate.evaluators.models import Confidence
from mockmate.questions.models import Question

VERY_SHORT_WORDS: Final = 25
SHORT_WORDS: Final = 50
OFF_TOPIC: Final = 0.15  # relevance (0..1) below which the answer is about something else
LOOSE_TOPIC: Final = 0.3
GARBLED_FILLERS_PER_100: Final = 12.0
NOISY_FILLERS_PER_100: Final = 5.0
LOW_TIP: Final = (
    "Treat this score as a rough guide: {why}. Answer the question in a few full sentences "
    "for a precise assessment."
)


def assess(feats: AnswerFeatures, question: QuestionProfile) -> tuple[Confidence, str | None]:
    """("low" | "medium" | "high", why it is not high)."""
    wc = feats.word_count
    if wc < VERY_SHORT_WORDS:
        return "low", f"the answer is very short ({wc} words)"
    fillers = 100 * feats.text_fillers / wc
    if feats.stopword_ratio < 0.15 or fillers > GARBLED_FILLERS_PER_100:
        return "low", "the transcript looks garbled (few full sentences or many fillers)"
    rel, _, _ = relevance(feats, question)
    if rel < OFF_TOPIC:
        return "low", "the answer seems to be about something other than the question"
    if wc < SHORT_WORDS:
        return "medium", f"the answer is short ({wc} words)"
    if fillers > NOISY_FILLERS_PER_100:
        return "medium", "the transcript has many fillers or recognition slips"
    if rel < LOOSE_TOPIC:
        return "medium", "the answer only partly matches the question"
    return "high", None


def assess_text(question: Question, answer_text: str) -> tuple[Confidence, str | None]:
    """`assess` for a raw answer (used to check an LLM's evaluation)."""
    return assess(analyse_answer(answer_text), analyse_question(question))
