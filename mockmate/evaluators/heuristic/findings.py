"""The strengths and weaknesses found while judging an answer, ranked by priority.

Both the marks (pace, fillers, long sentences) and the feedback rules note what they find as
they go, each with a priority; only the few most important are reported. This collector and
the ranking are shared by both, so they live apart from either.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from mockmate.evaluators.heuristic.cues import Cue

MAX_ITEMS = 4

_T = TypeVar("_T")
# Quotes the clause of the answer around a cue.
Quote = Callable[[Cue], str]


@dataclass(frozen=True)
class Weakness:
    text: str
    tips: tuple[str, ...]


@dataclass
class Feedback:
    """Candidate strengths and weaknesses with priorities; the top few are reported."""

    strengths: list[tuple[float, str]] = field(default_factory=list)
    weaknesses: list[tuple[float, Weakness]] = field(default_factory=list)

    def strength(self, priority: float, text: str) -> None:
        self.strengths.append((priority, text))

    def weakness(self, priority: float, text: str, *tips: str) -> None:
        self.weaknesses.append((priority, Weakness(text, tips)))


def top(items: Sequence[tuple[float, _T]]) -> list[_T]:
    """The distinct items with the highest priority (ties keep their order), at most 4."""
    ranked = sorted(enumerate(items), key=lambda entry: (-entry[1][0], entry[0]))
    out: list[_T] = []
    for _, (_, item) in ranked:
        if item not in out:
            out.append(item)
    return out[:MAX_ITEMS]


def listing(items: Iterable[str], limit: int = 3, quote: bool = False) -> str:
    """The first `limit` items as "a, b and c", each in single quotes if `quote`."""
    shown = [f"'{x}'" if quote else x for x in list(items)[:limit]]
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]
