"""Word error rate: how many words a transcript got wrong, as speech recognition is judged."""

import re
from typing import Literal, overload

_ONES = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def spell(n: int) -> str:
    """An integer under a million in words, as a speaker says it ("two hundred and five" is
    said without the "and" here, as Whisper's references are)."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + spell(rest))
    rest = n % 1000
    return spell(n // 1000) + " thousand" + ("" if rest == 0 else " " + spell(rest))


def normalise(text: str) -> list[str]:
    """Lower-case words without punctuation; digits spelt out and hyphens split, so "2" and
    "two", "read-only" and "read only" are the same words."""
    text = text.lower().replace("\u2019", "'").replace("-", " ")
    text = re.sub(r"(\d),(\d{3})", r"\1\2", text)
    text = re.sub(r"(\d)\s*%", r"\1 percent", text)
    words = re.findall(r"[a-z0-9']+", text)
    out: list[str] = []
    for word in words:
        out.extend(spell(int(word)).split() if word.isdigit() and len(word) < 7 else [word])
    return [w.strip("'") for w in out if w.strip("'")]


@overload
def word_error_rate(reference: str, hypothesis: str) -> float: ...
@overload
def word_error_rate(
    reference: str, hypothesis: str, *, counts: Literal[True]
) -> tuple[int, int]: ...
def word_error_rate(
    reference: str, hypothesis: str, *, counts: bool = False
) -> float | tuple[int, int]:
    """(substitutions + deletions + insertions) / reference words, by edit distance over
    normalised words; with `counts`, (errors, reference words)."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h))
        previous = current
    errors = previous[-1]
    if counts:
        return errors, len(ref)
    return errors / max(1, len(ref))
