"""A short table of well-known technical misconceptions, stated as certainties.

Without a model the evaluator cannot check that an answer is correct. It can recognise a
handful of false claims that interviewers hear again and again (a p-value as the probability
that the hypothesis is true, POST as idempotent, a zero-delay timer running before promise
callbacks...). Each entry is a pattern over the folded answer and the correction, which the
feedback quotes. The table is deliberately small and general: it catches classic mistakes,
not every error; the general signal of over-certainty lives in `substance`.
"""

import re
from typing import Final, NamedTuple


class Misconception(NamedTuple):
    label: str  # the false claim as found in the answer (folded)
    start: int
    end: int
    correction: str


_TABLE: Final[tuple[tuple[str, str], ...]] = (
    (
        r"p-?value (?:is|means|tells you) (?:the )?(?:probability|chance) (?:that )?the (?:null"
        r" )?hypothesis (?:is|being) (?:true|correct)|\d+% chance (?:that )?(?:there'?s no effect"
        r"|the (?:new|null)|your hypothesis)|null hypothesis has only an? \d+% chance",
        "A p-value is the probability of data at least this extreme if the null hypothesis "
        "were true, not the probability that a hypothesis is true.",
    ),
    (
        r"post requests? (?:are|is) idempotent",
        "POST is not idempotent in HTTP; PUT and DELETE are.",
    ),
    (
        r"(?:http|tcp) guarantees? (?:each|every|that)? ?requests? (?:is |are )?delivered"
        r" exactly once|exactly[- ]once (?:delivery )?(?:is )?guaranteed by (?:http|tcp)",
        "Networks give at-most-once or at-least-once delivery; exactly-once effects need "
        "idempotent or transactional handling.",
    ),
    (
        r"star schema is the (?:fully )?normali[sz]ed|more joins (?:always )?make queries faster",
        "A star schema is deliberately denormalised; every join has a cost.",
    ),
    (
        r"overfitting happens when training accuracy is low|can'?t overfit"
        r"|(?:validation|test) sets? (?:are|is) unnecessary",
        "Overfitting is high training performance that does not carry over to held-out data; "
        "only a validation set shows it.",
    ),
    (
        r"re-?renders? the entire dom|memoi[sz]ation is free|keys? on lists don'?t matter"
        r"|redux components never re-?render",
        "React re-renders components, not the DOM; memoisation has a cost, and list keys "
        "matter for correctness and speed.",
    ),
    (
        r"as soon as the p-?value (?:goes|drops|falls) below|sample size doesn'?t (?:really )?"
        r"matter",
        "Stopping when the p-value first dips below 0.05 inflates false positives; the sample "
        "size must be fixed in advance.",
    ),
)
_COMPILED: Final = tuple((re.compile(p), fix) for p, fix in _TABLE)


def find_misconceptions(folded: str) -> list[Misconception]:
    out: list[Misconception] = []
    for pattern, fix in _COMPILED:
        out.extend(
            Misconception(m.group(0), m.start(), m.end(), fix) for m in pattern.finditer(folded)
        )
    return out
