"""Evidence: the verbatim quotes from the answer that justify its marks.

Candidates trust a mark they can trace back to their own words, so every evaluation carries
up to three short quotes, one per sentence, chosen in order of what mattered most: the
result and its best number, the main action, the most technical sentence, the lesson or
reason, and any vague wording that cost marks. Choosing the number that best shows impact
is shared with the feedback, which quotes it too.
"""

import re
from collections.abc import Sequence
from typing import Final

from mockmate.evaluators.heuristic.cues import Cue
from mockmate.evaluators.heuristic.features import AnswerFeatures
from mockmate.evaluators.heuristic.quotes import excerpt
from mockmate.evaluators.heuristic.text import Sentence, Term

EVIDENCE_CHARS = 160

_RESULT_WORDS_RE: Final = re.compile(
    r"\b(?:down|up|reduc\w*|cut|increas\w*|improv\w*|sav\w*|by|from|to|faster|fewer|less|more"
    r"|grew|dropp\w*|boost\w*|lower\w*|rais\w*|shorten\w*)\b"
)


def best_metric(feats: AnswerFeatures) -> tuple[Cue, bool]:
    """The metric that best shows impact (near a change word, in the result, a percentage),
    and whether it really reads as an impact rather than just a number."""
    result = feats.star["result"]
    lo, hi = (
        (feats.sentences[result].start, feats.sentences[result].end)
        if result is not None
        else (0, 0)
    )

    def rank(entry: tuple[int, Cue]) -> tuple[int, int]:
        index, cue = entry
        before = feats.folded[max(0, cue.start - 30) : cue.start]
        score = 2 if _RESULT_WORDS_RE.search(before) else 0
        score += (lo <= cue.start < hi) + ("%" in cue.label or "percent" in cue.label)
        return score, -index

    best = max(enumerate(feats.metrics[:50]), key=rank)
    return best[1], rank(best)[0] >= 2


def evidence(feats: AnswerFeatures, tech_hits: Sequence[Term]) -> list[str]:
    """Up to 3 verbatim quotes (≤ 160 chars) behind the marks, one per sentence."""
    if not feats.sentences:
        return []
    spans: list[tuple[int, int]] = []

    def add_sentence(index: int | None, cues: Sequence[Cue] = ()) -> None:
        if index is None:
            return
        s = feats.sentences[index]
        inside = [c for c in cues if s.start <= c.start < s.end]
        spans.append((inside[0].start, inside[0].end) if inside else (s.start, s.start))

    add_sentence(feats.star["result"], feats.metrics)
    if feats.metrics:
        metric, _ = best_metric(feats)
        spans.append((metric.start, metric.end))
    add_sentence(feats.star["action"], feats.past_actions)
    if tech_hits:
        per_sentence = feats.term_hits_per_sentence(tech_hits)
        best = max(range(len(per_sentence)), key=lambda i: (per_sentence[i], -i))
        if per_sentence[best]:
            add_sentence(best)
    for cues in (feats.reflection, feats.reasons):
        if cues:
            spans.append((cues[0].start, cues[0].end))
    for cues in (feats.vague, feats.hand_wavy, feats.soft_vague):
        if cues:
            spans.append((cues[0].start, cues[0].end))
    # Then any other sentence with a number, and finally the answer's opening sentences.
    spans += [(c.start, c.end) for c in feats.metrics]
    spans += [(s.start, s.start) for s in feats.sentences[:3]]

    quotes: list[str] = []
    used: set[Sentence] = set()
    for start, end in spans:
        s = feats.sentence_of(start)
        if s in used:
            continue
        used.add(s)
        text = excerpt(feats.text, start, end, s.start, s.end, EVIDENCE_CHARS)
        if text and text not in quotes:
            quotes.append(text)
        if len(quotes) == 3:
            break
    return quotes
