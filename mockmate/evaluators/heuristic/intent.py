"""Does the story answer the question that was asked? The question's intent against the
story the answer announces.

Relevance judged on shared words is fooled by a polished, prepared story about something
else: "The project I'm proudest of is the design system I built" shares "design" with
"Tell me about a time user research changed your design". Candidates who pivot to a
prepared story usually say which story it is in their first sentence ("My biggest failure
was...", "A conflict I had was...", "The hardest problem I solved..."). This module reads
that announcement, classifies it into the stock interview prompts (achievement, failure,
conflict, challenge, learning, leadership, persuasion), and compares it with the intents the
question's own wording asks for. An announced story of a kind the question did not ask for
is answering another question, whatever words it shares with this one. An answer that
announces nothing is left to the word-level rules.
"""

import re
from dataclasses import dataclass
from typing import Final

# The stock prompts, each with the word stems that ask for it (in a question) or announce it
# (in an answer's opening). Matched on whole words of the folded text, by prefix.
INTENT_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "achievement": ("proud", "achievement", "accomplish", "success"),
    "failure": ("mistake", "fail", "wrong", "regret", "error"),
    "conflict": ("conflict", "disagree", "argument", "tension"),
    "challenge": ("hardest", "toughest", "difficult", "challeng", "complex"),
    "learning": ("learn", "pick up", "picked up", "new technolog", "unfamiliar"),
    "leadership": ("led ", "lead ", "leader"),
    "persuasion": ("convince", "persuade", "influence"),
}
# The opening that announces which story follows: a superlative or "proud of" frame, or
# "a/the time I ...", "a conflict I had ...". Only the first sentence is read.
_FRAME_RE: Final = re.compile(
    r"^(?:so,? |well,? |um,? |uh,? |yeah,? )*"
    r"(?:(?:one of )?(?:my|the|a|one) (?:[\w'-]+ ){0,3}?"
    r"(?:proudest|biggest|hardest|toughest|greatest|favou?rite|best|worst"
    r"|most (?:difficult|challenging|proud|complex))\b[^.;:!?]{0,60}"
    r"|(?:a|one|the) (?:[\w-]+ ){0,2}?(?:i'?m|i am|i was) (?:really |most |very |so )?proud of"
    r"|(?:a|one|the) (?:time|conflict|mistake|failure|disagreement|challenge) i\b[^.;:!?]{0,60})"
)
# "One thing I'm proud of" frames a story; "my best guess" does not.
_NOT_A_STORY: Final = re.compile(r"\b(?:guess|option|approach|way|bet|practice|first step)\b")


@dataclass(frozen=True)
class Frame:
    """The story an answer announces in its opening, and what kind of story it is."""

    text: str  # the announcement, as the candidate wrote it
    intents: frozenset[str]


def intents_of(text: str) -> frozenset[str]:
    """The stock prompts a piece of folded text asks for or announces."""
    padded = f" {text} "
    return frozenset(
        intent
        for intent, stems in INTENT_WORDS.items()
        if any(re.search(r"\b" + re.escape(s), padded) for s in stems)
    )


def announced_frame(first_sentence: str) -> Frame | None:
    """The story the answer's first sentence announces, if it announces one."""
    opening = first_sentence.strip()
    match = _FRAME_RE.match(opening.lower())
    if not match or _NOT_A_STORY.search(match.group(0)):
        return None
    intents = intents_of(match.group(0))
    # Quoted back to the candidate, so verbatim (lower() keeps the length of ASCII text).
    return Frame(opening[: match.end()].strip(), intents) if intents else None


def another_story(asked: frozenset[str], first_sentence: str) -> Frame | None:
    """The announced frame when it is of a kind the question (whose intents are `asked`)
    did not ask for, else None."""
    frame = announced_frame(first_sentence)
    return None if frame is None or frame.intents & asked else frame
