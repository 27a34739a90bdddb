"""Filler words and word counts in a transcript: which "like" is a filler and which a verb.

Split from `delivery` so that word-timed analysis (`word_timing`) can place each filler on the
time line without importing the whole delivery module. Pure text rules, no I/O.
"""

import re
from dataclasses import dataclass


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*|[^\w\s]")
_CLAUSE_MARKS = frozenset({",", ";", ":", "-", "(", ")", '"', "\u2013", "\u2014", "\u2026"})
_SINGLE = (
    (re.compile(r"u+h*m+"), "um"),
    (re.compile(r"u+h+"), "uh"),
    (re.compile(r"e+r+m+"), "erm"),
    (re.compile(r"h+m+"), "hmm"),
)
_ALWAYS = frozenset({"basically", "actually", "literally"})
_PRONOUNS = _words("i you we they he she it")
_SUBJECTS = _words("i you we they he she i'm we're they're you're i've we've there")
_LITERAL_YOU_KNOW_BEFORE = _words(
    "do did does don't didn't doesn't if as whether would could will can should might may "
    "what how who than"
)
_KNOW_OBJECTS = _words(
    "how what that about why where when who whether if it him her them me us this these those "
    "the a an my your his their our everything nothing something anything someone anyone"
)
_LITERAL_I_MEAN_BEFORE = _words("what that if which")
_I_MEAN_OBJECTS = _words("it to that what this the a an by")
_KIND_FILLER_BEFORE = _PRONOUNS | _words(
    "it's that's i'm we're they're you're he's she's was is are were be been am just really "
    "also still all and but so or then actually basically like um uh"
)
_LIKE_LITERAL_BEFORE = _PRONOUNS - {"it"} | _words(
    "i'd we'd you'd they'd he'd she'd who people would wouldn't do don't does doesn't did "
    "didn't to really also might may will won't i'll we'll they'll can could should must not "
    "never always truly definitely especially look looks looked looking feel feels felt "
    "feeling sound sounds sounded seem seems seemed smell smells taste tastes act acts acted "
    "behave behaves behaved something anything nothing everything just exactly much more less "
    "very lot things stuff ones someone somebody anyone anybody nobody"
)
_DETERMINERS = _words(
    "a an the this that these those my your his her its our their me us him them it to"
)
_BE = _words("is was were are am be been it's that's i'm we're they're you're he's she's")
_HEDGES = _words(
    "really totally super very so just literally basically actually honestly um uh umm erm hmm "
    "kind sort maybe probably almost about around over completely half zero one two three four "
    "five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty hundred "
    "thousand"
)
_REPORTING = _words("said mentioned say told explained noted discussed")


@dataclass(frozen=True)
class _Tok:
    low: str
    raw: str
    word: bool


def _tokens(text: str) -> list[_Tok]:
    text = text.replace("\u2019", "'")
    return [
        _Tok(m.group().lower(), m.group(), m.group()[0].isalnum()) for m in _TOKEN.finditer(text)
    ]


def count_words(text: str) -> int:
    """Number of words in `text` (fillers included: they take speaking time too)."""
    return sum(1 for tok in _tokens(text) if tok.word)


def count_fillers(text: str) -> dict[str, int]:
    """Filler words and phrases in `text`, lower-case keys, only those that occur.

    Counts um/uh/erm/hmm (stretched spellings like "umm", "uhh", "hmmm" folded in), "you
    know", "i mean", "kind of", "sort of", basically, actually, literally, and "like" only
    where it is a filler ("it was, like, huge", "and like we") rather than a verb or
    comparison ("I would like to", "looks like", "something like that", "like a charm").
    """
    counts: dict[str, int] = {}
    for name, _ in find_fillers(text):
        counts[name] = counts.get(name, 0) + 1
    return counts


def find_fillers(text: str) -> list[tuple[str, int]]:
    """Each filler of `text` (as `count_fillers` judges them) with the position of its first
    word among the words of `text` (0-based; punctuation is not a word), in order."""
    toks = _tokens(text)
    found_at: list[tuple[str, int]] = []

    def at(i: int) -> _Tok | None:
        return toks[i] if 0 <= i < len(toks) else None

    def word(i: int) -> str | None:
        tok = at(i)
        return tok.low if tok is not None and tok.word else None

    word_index = -1
    for i, tok in enumerate(toks):
        if not tok.word:
            continue
        word_index += 1
        found = next((name for rx, name in _SINGLE if rx.fullmatch(tok.low)), None)
        if found == "uh" and at(i + 1) is not None and word(i + 2) == "huh":
            found = None  # "uh-huh" is agreement
        if found is None and tok.low in _ALWAYS:
            found = tok.low
        pair = (tok.low, word(i + 1))
        if pair == ("you", "know") and _is_filler_you_know(word(i - 1), at(i + 2)):
            found = "you know"
        elif pair == ("i", "mean") and _is_filler_i_mean(word(i - 1), at(i + 2)):
            found = "i mean"
        elif pair[1] == "of" and tok.low in ("kind", "sort"):
            if word(i - 1) is None or word(i - 1) in _KIND_FILLER_BEFORE:
                found = f"{tok.low} of"
        elif tok.low == "like" and _is_filler_like(at(i - 1), at(i + 1), at(i + 2)):
            found = "like"
        if found is not None:
            found_at.append((found, word_index))
    return found_at


def _is_filler_you_know(before: str | None, after: _Tok | None) -> bool:
    if before in _LITERAL_YOU_KNOW_BEFORE:
        return False
    return after is None or not after.word or after.low not in _KNOW_OBJECTS


def _is_filler_i_mean(before: str | None, after: _Tok | None) -> bool:
    if before in _LITERAL_I_MEAN_BEFORE:
        return False
    return after is None or not after.word or after.low not in _I_MEAN_OBJECTS


def _is_filler_like(prev: _Tok | None, nxt: _Tok | None, after: _Tok | None) -> bool:
    """Whether the "like" between `prev` and `nxt` (then `after`) is a filler."""
    prev_word = prev.low if prev is not None and prev.word else None
    if nxt is None or not nxt.word:
        if nxt is None or nxt.low not in _CLAUSE_MARKS:
            return False  # "...something I like." ends a sentence
        # "like," — a filler unless it closes a verb or comparison ("things I like, and")
        return prev_word is None or prev_word not in _LIKE_LITERAL_BEFORE
    if prev_word in _LIKE_LITERAL_BEFORE or nxt.low == "to":
        return False
    if nxt.raw[0].isupper() and nxt.low not in _SUBJECTS:
        return False  # "tools like Docker"
    if nxt.low in _SUBJECTS:
        after_word = after.low if after is not None and after.word else None
        return after_word not in _REPORTING  # "and like we did" but not "like I said"
    if nxt.low in _HEDGES or nxt.low.isdigit():
        return True  # "like really nervous", "like 5 minutes"
    if prev_word in _BE:
        # "it was like huge", but "it's like a puzzle", "it's like riding a bike"
        return nxt.low not in _DETERMINERS and not nxt.low.endswith("ing")
    return False
