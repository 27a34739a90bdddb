"""The one nudge a hands-free candidate gets when stuck in a long silence mid-answer
(`answer:hint`, with `hints: true`): drawn from what the answer so far still lacks, in STAR
order (situation, task, action, result). Pure rules; `turns.TurnDetector` decides when."""

import re

from mockmate.evaluators.heuristic.star import STAR_PATTERNS
from mockmate.interviews.turns import TurnState

HINT_SHARE = 0.6  # of the silence that would end the turn ...
HINT_MIN_S = 1.5  # ... and never before this much silence

# A first-person action in the past ("I added", "we rewrote", "I led").
_ACTION = re.compile(
    r"\b(?:i|we) (?:\w+ed|built|wrote|led|made|ran|set|took|chose|found|brought|began|drove"
    r"|got|gave|held|kept|moved|put|sent|spent|spoke|split|told|rewrote|broke|caught)\b"
)

NUDGES = {
    "situation": "Take your time. You could start with the situation: where were you, and "
                 "what was going on?",
    "task": "When you're ready: what were you responsible for there, and what was at stake?",
    "action": "What did you do yourself, step by step?",
    "result": "How did it turn out? A number or a before-and-after makes the result clear.",
}
WRAP_UP = "You're nearly there: what did you learn, or what would you do differently?"


def hint_due(state: TurnState, allowance_s: float) -> bool:
    """A silence after speech has lasted long enough to nudge (before it ends the turn)."""
    if not state.started:
        return False
    # Only an allowance known to be doubled counts (a "let me think" check still running
    # does not delay the nudge).
    limit = allowance_s * (2 if state.last_speech_s == state.doubled_pause_at else 1)
    return state.heard_s - state.last_speech_s >= max(HINT_MIN_S, HINT_SHARE * limit)


def missing_part(text: str) -> str | None:
    """The first STAR part the answer so far does not show, or None when all are there."""
    folded = text.lower()
    present = {part: bool(pattern.search(folded)) for part, pattern in STAR_PATTERNS.items()}
    present["action"] = bool(_ACTION.search(folded))
    for part in ("situation", "task", "action", "result"):
        if not present[part]:
            return part
    return None


def nudge(text: str) -> str:
    part = missing_part(text)
    return NUDGES[part] if part is not None else WRAP_UP
