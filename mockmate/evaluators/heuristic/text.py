"""Tokens, stems, vocabulary terms and sentences: the low-level reading of an answer.

Every other part of the heuristic evaluator sees text through these few functions, so they
must agree on what a word is and where it sits. Folding keeps each character's offset, so
cues found in the folded text can be quoted verbatim from the original. Everything here is
pure, deterministic and linear in the length of the text.
"""

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Final, NamedTuple

WORD_RE: Final = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_BRITISH_IZE_RE: Final = re.compile(r"(?<=\w\w)is(e|ed|es|ing|ation|ations)$")
_SUFFIXES: Final[tuple[tuple[str, str], ...]] = (
    ("izations", "iz"),
    ("ization", "iz"),
    ("ations", "at"),
    ("ation", "at"),
    ("ments", ""),
    ("ment", ""),
    ("nesses", ""),
    ("ness", ""),
    ("ingly", ""),
    ("ings", ""),
    ("ing", ""),
    ("edly", ""),
    ("ied", "y"),
    ("ies", "y"),
    ("ers", ""),
    ("ed", ""),
    ("es", ""),
    ("er", ""),
    ("ly", ""),
    ("s", ""),
)

# --------------------------------------------------------------------------- tokens and stems


def fold(text: str) -> str:
    """Lower-case `text` and normalise curly apostrophes, keeping every character's offset."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    low = text.lower()
    if len(low) == len(text):
        return low
    # A few characters (e.g. "İ") lower-case to two; keep those as-is so offsets still match.
    return "".join(lo if len(lo := ch.lower()) == 1 else ch for ch in text)


def words(folded: str) -> list[str]:
    """Word tokens of already-folded text (letters/digits, with inner apostrophes)."""
    return WORD_RE.findall(folded)


# Irregular past forms, so that "said no" answers "say no" and "led" answers "lead".
_IRREGULAR_TEXT: Final = (
    "said:say told:tell made:make took:take led:lead learnt:learn built:build wrote:write "
    "ran:run found:find chose:choose gave:give thought:think taught:teach brought:bring "
    "caught:catch felt:feel kept:keep left:leave met:meet paid:pay sent:send spent:spend "
    "went:go knew:know grew:grow drew:draw began:begin broke:break fought:fight sold:sell "
    "won:win understood:understand heard:hear held:hold lost:lose saw:see spoke:speak "
    "stood:stand chosen:choose written:write given:give taken:take known:know shown:show"
)
_IRREGULAR: Final[dict[str, str]] = dict(p.split(":") for p in _IRREGULAR_TEXT.split())


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A light, deterministic stemmer: "caching"/"caches"/"cache" -> "cach"."""
    w = word[:-2] if word.endswith("'s") else word
    w = _IRREGULAR.get(w, w)
    if len(w) <= 3 or not w.isalpha():
        return w
    w = _BRITISH_IZE_RE.sub(r"iz\1", w)
    if w.endswith("yse"):
        w = w[:-3] + "yze"
    for suffix, replacement in _SUFFIXES:
        if not w.endswith(suffix) or len(w) - len(suffix) < 3:
            continue
        if suffix == "s" and w.endswith(("ss", "us", "is")):
            break
        if suffix == "ed" and w.endswith("eed"):  # "agreed" -> "agree", but keep "speed"
            w = w[:-1] if len(w) > 5 else w
            break
        w = w[: -len(suffix)] + replacement
        if w.endswith("ell") and len(w) >= 6:  # British "cancelled", "modelling", "labelled"
            w = w[:-1]
        break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 3 and w.endswith("y"):
        w = w[:-1] + "i"
    return w


def join_stems(stems: Iterable[str]) -> str:
    """The stems as " s1 s2 ... ", padded so that a multi-word term is a substring of it."""
    return " " + " ".join(stems) + " "


def keyword_counts(text: str, skip: frozenset[str]) -> dict[str, tuple[int, int, str]]:
    """stem -> (count, first position, word as first written) for the content words of `text`
    (not in `skip`, not a number, at least two characters), in order of first appearance."""
    counts: dict[str, tuple[int, int, str]] = {}
    for pos, word in enumerate(words(fold(text))):
        if word in skip or word.isdigit() or len(word) < 2:
            continue
        s = stem(word)
        n, first, shown = counts.get(s, (0, pos, word))
        counts[s] = (n + 1, first, shown)
    return counts


class Term(NamedTuple):
    """A vocabulary term ("read replica") with its stems, matchable against stemmed text."""

    display: str
    stems: tuple[str, ...]
    key: str  # " read replica " in stems, padded, for phrase look-ups in a stem line


def make_terms(displays: Iterable[str]) -> tuple[Term, ...]:
    out: list[Term] = []
    for display in displays:
        stems = tuple(stem(w) for w in words(fold(display)))
        if stems:
            out.append(Term(display, stems, join_stems(stems)))
    return tuple(out)


def term_in(term: Term, stem_set: frozenset[str], line: str) -> bool:
    """Whether `term` occurs in a text given as its stem set and padded stem line."""
    if len(term.stems) == 1:
        return term.stems[0] in stem_set
    return term.key in line


# --------------------------------------------------------------------------- sentences

_LEADING_JUNK: Final = " \t\r\n-*>\"'\u2022\u2013\u2014\u201c\u201d\u2018\u2019"
# A sentence starts at a non-junk character and ends with terminal punctuation (or a
# semicolon: it joins two sentences) followed by whitespace, at a line break, or at the end.
_SENTENCE_RE: Final = re.compile(
    "[^"
    + re.escape(_LEADING_JUNK)
    + "][^\n]*?(?:[.!?\u2026;]+[\"')\\]\u201d\u2019]*(?=\\s|$)|(?=\n)|$)"
)


class Sentence(NamedTuple):
    """A sentence of the answer: verbatim text and its span in the answer."""

    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Split on terminal punctuation followed by space, and on line breaks; keep spans.
    An unpunctuated run (a speech transcript) is cut where a speaker starts a new clause."""
    out: list[Sentence] = []
    for m in _SENTENCE_RE.finditer(text):
        body = m.group(0).rstrip()
        if WORD_RE.search(body):
            out.extend(_split_run_on(Sentence(body, m.start(), m.start() + len(body))))
    return out


# Transcripts from speech recognition have no punctuation: one "sentence" of 100+ words.
# A listener hears clauses; "um", "so", "and then" are where a speaker starts the next one.
_RUN_ON_WORDS: Final = 40
_MIN_CLAUSE_WORDS: Final = 8
_CLAUSE_START_RE: Final = re.compile(
    r"\b(?:um+|uh+|erm|so|and then|then|but|and (?:i|we)|which|because)\b", re.IGNORECASE
)


def _split_run_on(sentence: Sentence) -> list[Sentence]:
    text = sentence.text
    if len(text.split()) <= _RUN_ON_WORDS or any(c in text for c in ",;:"):
        return [sentence]
    out: list[Sentence] = []
    start = 0
    for m in _CLAUSE_START_RE.finditer(text):
        if len(text[start : m.start()].split()) >= _MIN_CLAUSE_WORDS:
            body = text[start : m.start()].rstrip()
            out.append(Sentence(body, sentence.start + start, sentence.start + start + len(body)))
            start = m.start()
    out.append(Sentence(text[start:], sentence.start + start, sentence.end))
    return out


def sentence_at(starts: Sequence[int], offset: int) -> int:
    """Index of the sentence (given by its sorted start offsets) containing `offset`, or of
    the nearest one before it."""
    return max(0, bisect_right(starts, offset) - 1)
