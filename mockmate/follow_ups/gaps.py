"""What exactly a weak answer lacks, and the candidate's words to anchor the follow-up on.

An interviewer's follow-up names what the candidate said and asks for the one thing missing:
the STAR part, the number, the trade-off, the term left unexplained, or the claim that is
wrong. `find_gap` works that out from the evaluation (its STAR sentences and marks) and a
light reading of the answer with the offline evaluator's own heuristics, so every evaluator
(LLM or not) gets the same follow-ups. The quote is always the candidate's own words.
"""

from dataclasses import dataclass
from typing import Final, Literal

from mockmate.evaluators.heuristic.features import analyse_answer
from mockmate.evaluators.heuristic.marks import relevance
from mockmate.evaluators.heuristic.question import analyse_question
from mockmate.evaluators.heuristic.substance import analyse_substance
from mockmate.evaluators.heuristic.text import sentence_at
from mockmate.evaluators.heuristic.vocabulary import STOPWORDS
from mockmate.evaluators.models import Evaluation
from mockmate.questions.models import Question

GapKind = Literal["star", "wrong", "relevance", "number", "term", "trade_off", "criterion"]
QUOTE_WORDS: Final = 10
MIN_QUOTE_WORDS: Final = 5  # "At my last job" is too thin to quote back
OFF_TOPIC: Final = 0.25
# For a missing STAR part, the part whose sentence the follow-up quotes back.
_ANCHOR_PART: Final[dict[str, tuple[str, ...]]] = {
    "situation": ("action", "result", "task"),
    "task": ("situation", "action"),
    "action": ("task", "situation"),
    "result": ("action", "task", "situation"),
}


@dataclass(frozen=True)
class Gap:
    kind: GapKind
    quote: str | None = None  # the candidate's words, verbatim (clipped), or None
    term: str | None = None  # for kind "term": the term left unexplained


def find_gap(
    question: Question,
    evaluation: Evaluation,
    answer_text: str,
    missing_star: tuple[str, ...],
    weakest: str,
) -> Gap:
    """The gap a follow-up should probe, in order of what costs the candidate most."""
    if missing_star:
        star = evaluation.star.model_dump()
        anchor = next((star[p] for p in _ANCHOR_PART[missing_star[0]] if star[p]), None)
        return Gap("star", clip(anchor))
    feats = analyse_answer(answer_text)
    if not feats.word_count:
        return Gap("criterion")
    profile = analyse_question(question)
    sub = analyse_substance(feats, profile, profile.technical)
    starts = feats.sentence_starts

    def sentence(offset: int) -> str:
        return feats.sentences[sentence_at(starts, offset)].text

    if sub.misconceptions or sub.absolutes:
        first = sub.misconceptions[0].start if sub.misconceptions else sub.absolutes[0].start
        return Gap("wrong", clip(sentence(first)))
    if weakest == "relevance" and relevance(feats, profile)[0] < OFF_TOPIC:
        return Gap("relevance", clip(feats.sentences[0].text))
    if weakest == "examples" and not feats.metrics:
        claims = [feats.sentences[i].text for i in sub.saying] or [feats.sentences[0].text]
        return Gap("number", clip(claims[0]))
    if weakest == "technical_accuracy":
        if sub.listed_terms:
            return Gap("term", term=sub.listed_terms[0].display)
        if profile.technical and not feats.reasons:
            used = sub.used_terms
            line = next(
                (s.text for s, stems in zip(feats.sentences, feats.sentence_stem_lines,
                                            strict=True)
                 if used and used[0].key in stems),
                None,
            )
            return Gap("trade_off", clip(line))
    return Gap("criterion")


def clip(sentence: str | None) -> str | None:
    """The first words of a sentence, for quoting back; None when too thin to quote."""
    if not sentence:
        return None
    words = sentence.replace('"', "'").split()
    if len(words) < MIN_QUOTE_WORDS:
        return None
    if len(words) <= QUOTE_WORDS:
        return " ".join(words).rstrip(".!?;:,…")
    kept = words[:QUOTE_WORDS]
    while len(kept) > MIN_QUOTE_WORDS and kept[-1].lower().strip(",;:") in STOPWORDS:
        kept.pop()  # end the quote on a word that means something: "the columns…"
    return " ".join(kept).rstrip(".!?;:,…") + "…"
