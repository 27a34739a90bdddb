"""Quoting the answer: short, readable excerpts around a cue, and trimmed sentences.

Feedback and evidence quote the candidate's own words, so an excerpt must always be a real
substring of the answer (no ellipsis inserted, no re-casing), cut at word or clause
boundaries so it still reads naturally. Longer displays (STAR sentences, the question) are
trimmed with an ellipsis instead. Those rules live here, in one place.
"""

import re
from typing import Final

from mockmate.evaluators.heuristic.text import Sentence


def excerpt(text: str, start: int, end: int, lo: int, hi: int, limit: int) -> str:
    """A verbatim slice of text[lo:hi] of at most `limit` chars around [start, end).

    Cut at word boundaries when it has to be shortened, so the result is always a
    substring of `text` (no ellipses are added).
    """
    start, end = max(lo, start), min(hi, end)
    if hi - lo <= limit:
        return text[lo:hi].strip()
    room = max(0, limit - (end - start))
    a = max(lo, start - room // 2)
    b = min(hi, a + limit)
    a = max(lo, b - limit)
    if a > lo:
        space = text.find(" ", a, start) if a < start else -1
        a = space + 1 if space != -1 else a
    if b < hi:
        space = text.rfind(" ", end, b)
        b = space if space != -1 else b
    return text[a:b].strip(" ,;:")


_CLAUSE_SEP_RE: Final = re.compile(r"[;:()\u2014]|,(?!\d)")


def clause_around(text: str, sentence: Sentence, start: int, end: int, limit: int = 70) -> str:
    """The verbatim clause (bounded by , ; : or the sentence) around a cue, for short quotes."""
    lo, hi = sentence.start, sentence.end
    for m in _CLAUSE_SEP_RE.finditer(text, sentence.start, sentence.end):
        if m.end() <= start:
            lo = m.end()
        elif m.start() >= end:
            hi = m.start()
            break
    if hi - lo < 12:  # too short to stand alone; use the sentence instead
        lo, hi = sentence.start, sentence.end
    return excerpt(text, start, end, lo, hi, limit).rstrip(".!?")


def trim(text: str, limit: int) -> str:
    """`text` shortened to at most `limit` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip(" ,;:") + "…"
