"""Cues in an answer: first-person actions, metrics, names, vague or hand-wavy wording, etc.

Each cue is a phrase that says something about the answer's quality (a concrete action, a
measured result, a generality, a reason, a lesson learned), found by a regular expression
over the folded text and kept with its span so feedback can quote it verbatim. Every pattern
is a single linear scan, so even very long answers are searched in a few milliseconds.
"""

import re
from collections.abc import Iterable
from typing import Final, NamedTuple

from mockmate.evaluators.heuristic.vocabulary import STOPWORDS, TECH_NAMES


def cue_re(alternatives: str) -> re.Pattern[str]:
    r"""Compile "\bfoo|\bbar baz" as "\b(?:foo|bar baz)": same matches, much faster scans."""
    return re.compile(r"\b(?:" + alternatives.removeprefix(r"\b").replace(r"|\b", "|") + ")")


class Cue(NamedTuple):
    """One cue found in an answer: its folded text and its span in the answer."""

    label: str
    start: int
    end: int


def find_cues(pattern: re.Pattern[str], folded: str) -> list[Cue]:
    return [Cue(m.group(0).strip(), m.start(), m.end()) for m in pattern.finditer(folded)]


def distinct_labels(cues: Iterable[Cue]) -> list[str]:
    seen: dict[str, None] = {}
    for cue in cues:
        seen.setdefault(re.sub(r"[\s-]+", " ", cue.label), None)
    return list(seen)


# --------------------------------------------------------------------------- actions

_IRREGULAR_ACTIONS: Final = (
    "built rebuilt led wrote rewrote ran made took found set chose drove began brought taught "
    "sent spent kept met put sold won did gave cut split broke caught fought paid oversaw sought "
    "spoke told drew got went undertook withdrew shut dug hired fixed sat stood"
)
_STATE_VERBS_TEXT: Final = (
    "needed wanted liked loved hoped seemed appeared preferred hated feared worried supposed "
    "believed assumed expected learned learnt realized realised noticed wished guessed "
    "enjoyed tended"
)
_STATE_VERBS: Final[frozenset[str]] = frozenset(_STATE_VERBS_TEXT.split())
_ADVERBS: Final = (
    "then|also|quickly|immediately|first|personally|eventually|finally|carefully|proactively"
    "|successfully|ultimately|later|together|initially|manually|completely|just|jointly|soon"
)
_PAST_ACTION_RE: Final = re.compile(rf"\b(?:i|we)(?:\s+(?:{_ADVERBS}))?\s+([a-z]+)\b")
_PLANNED_ACTION_RE: Final = re.compile(
    rf"\b(?:i|we)(?:'d|'ll|\s+would|\s+will|\s+can|\s+could)(?:\s+(?:{_ADVERBS}|start by))?"
    r"\s+([a-z]+)\b"
)
_NOT_PLANNED_TEXT: Final = (
    "be have say think probably like love want need try been not never always usually "
    "really maybe definitely guess hope"
)
_NOT_PLANNED: Final[frozenset[str]] = frozenset(_NOT_PLANNED_TEXT.split())
_IRREGULAR_SET: Final[frozenset[str]] = frozenset(_IRREGULAR_ACTIONS.split())


def find_actions(folded: str) -> tuple[list[Cue], list[Cue]]:
    """(past first-person actions "I built", planned ones "I'd add") in folded text."""
    past = [
        Cue(m.group(0), m.start(), m.end())
        for m in _PAST_ACTION_RE.finditer(folded)
        if (verb := m.group(1)) in _IRREGULAR_SET
        or (verb.endswith("ed") and len(verb) > 4 and verb not in _STATE_VERBS)
    ]
    planned = [
        Cue(m.group(0), m.start(), m.end())
        for m in _PLANNED_ACTION_RE.finditer(folded)
        if m.group(1) not in _NOT_PLANNED and m.group(1) not in STOPWORDS
    ]
    return past, planned


# --------------------------------------------------------------------------- metrics and names

_UNITS: Final = (
    r"%|percent\b|x\b|\u00d7|ms\b|milliseconds?\b|s\b|secs?\b|seconds?\b|mins?\b|minutes?\b|h\b"
    r"|hrs?\b|hours?\b|days?\b|weeks?\b|months?\b|years?\b|quarters?\b|sprints?\b|k\b|m\b|gb\b"
    r"|mb\b|tb\b|rps\b|qps\b|requests?\b|users?\b|customers?\b|engineers?\b|people\b"
    r"|developers?\b|tickets?\b|bugs?\b|incidents?\b|services?\b|queries\b|teams?\b"
    r"|members?\b|clients?\b|orders?\b|pages?\b|releases?\b|deploys?\b|points?\b|times\b"
    r"|stakeholders?\b|reports?\b|tests?\b|endpoints?\b|regions?\b|countries\b"
)
_NUMBER_WORDS: Final = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty"
    r"|fifty|sixty|ninety|hundred|a dozen|dozens of|hundreds of|thousands of|millions of"
)
_METRIC_RE: Final = re.compile(
    rf"[$€£]\s?\d[\d,.]*(?:\s?(?:k|m|bn|million|billion|thousand)\b)?"
    rf"|\b(?:\d+(?:[.,]\d+)*\s?(?:{_UNITS})"
    r"|p(?:50|75|90|95|99)\b"
    rf"|(?:{_NUMBER_WORDS})\s+(?:percent|milliseconds|seconds|minutes|hours|days|weeks"
    r"|months|years|quarters|sprints|engineers|people|developers|users|customers|teams"
    r"|services|times|stakeholders|clients)\b"
    r"|(?:doubled|tripled|halved|tenfold)\b)"
)
_NUMBER_RE: Final = re.compile(r"\b\d+(?:[.,]\d+)*\b")


def find_metrics(folded: str) -> tuple[list[Cue], int]:
    """(metric cues like "40%", "3 weeks", "p95"; count of other bare numbers)."""
    metrics = find_cues(_METRIC_RE, folded)
    covered = {i for c in metrics for i in range(c.start, c.end)}
    bare = sum(1 for m in _NUMBER_RE.finditer(folded) if m.start() not in covered)
    return metrics, bare


_TECH_RE: Final = re.compile(
    r"(?<![\w.+#])(?:"
    + "|".join(re.escape(n) for n in sorted(TECH_NAMES, key=len, reverse=True))
    + r"|explain analyze|github actions|new relic)(?![\w+#])"
)
_NAME_WORD: Final = r"[A-Z][A-Za-z0-9]*[a-z0-9][A-Za-z0-9]*"
_CAPITALISED_RE: Final = re.compile(rf"(?<=[a-z0-9,;:] ){_NAME_WORD}(?: {_NAME_WORD})*")


def find_named(text: str, folded: str) -> list[str]:
    """Distinct named technologies and proper nouns (as written), in order of appearance."""
    seen: dict[str, str] = {}
    hits = [(m.start(), text[m.start() : m.end()]) for m in _TECH_RE.finditer(folded)]
    hits += [
        (m.start(), m.group(0))
        for m in _CAPITALISED_RE.finditer(text)
        if m.group(0).lower() not in STOPWORDS
    ]
    for _, name in sorted(hits):
        seen.setdefault(name.lower(), name)
    return list(seen.values())


# --------------------------------------------------------------------------- wording cues

VAGUE_RE: Final = cue_re(
    r"\b(?<!now )(?:i|we) (?:always|usually|generally|typically|normally|tend to|try to)\b"
    r"|\bhard[- ]?work(?:er|ing person)\b|\bteam player\b|\bpeople person\b|\bperfectionist\b"
    r"|\bi(?:'m| am) (?:very |really |a |an |always )*(?:passionate|good at|great at"
    r"|detail[- ]oriented|fast learner|quick learner|problem solver|go-getter)"
    r"|\bi (?:think|believe|feel) (?:that )?i(?:'m| am)\b|\bthe kind of person\b"
    r"|\bin any situation\b|\bwhatever it takes\b|\bthe extra mile\b|\boutside the box\b"
)
SOFT_VAGUE_RE: Final = re.compile(
    r"\b(?:usually|generally|typically|normally|always|in general|everyone|everything)\b"
)
HAND_WAVY_RE: Final = cue_re(
    r"\bbasically\b|\bjust (?:add|use|make|put|throw|scale|do|cache|fix|buy)\b|\bsomehow\b"
    r"|\bstuff\b|\bor something\b|\bsomething like that\b|\bkinda\b|\bsorta\b"
    r"|\b(?:kind|sort) of like\b|\bi guess\b|\bprobably\b|\bmaybe\b|\betc\b|\bmagic(?:ally)?\b"
    r"|\bwhatever\b|\b(?:and|other|some|many|various) things\b|\bthings like that\b"
    r"|\bmakes? things\b"
    r"|\bnot (?:really )?sure\b|\bbetter (?:server|hardware|machine)\b"
)
CONNECTIVES_RE: Final = re.compile(
    r"\b(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|then|next|after that|afterwards|finally"
    r"|lastly|as a result|consequently|therefore|so that|because|which meant|in the end"
    r"|eventually|to start|to begin|meanwhile|in parallel|however|on the other hand"
    r"|in summary|overall|to summari[sz]e|for example|for instance|specifically|once)\b"
)
REASONING_RE: Final = cue_re(
    r"\btrade[- ]?offs?\b|\bbecause\b|\bhowever\b|\bwhereas\b|\binstead\b|\bit depends\b"
    r"|\bdepends on\b|\bdownsides?\b|\bdrawbacks?\b|\bat the (?:expense|cost) of\b"
    r"|\bcomplexity\b|\bo\([^)]{1,12}\)|\bbig o\b|\balternatively\b|\bon the other hand\b"
    r"|\bin contrast\b|\bthe risk\b|\bso that\b|\bwhich means\b|\btherefore\b|\bbottlenecks?\b"
    r"|\bworst case\b|\bedge cases?\b|\bif\b|\bmeasure\b|\bbenchmark\w*\b|\bprofil(?:e|ing)\b"
    r"|\bunless\b|\bcosts?\b"
)
REFLECTION_RE: Final = cue_re(
    r"\bi (?:learned|learnt|realised|realized)\b|\blearned that\b|\btaught me\b|\blessons?\b"
    r"|\bnext time\b|\bin hindsight\b|\blooking back\b|\bin retrospect\b"
    r"|\b(?:would|i'd) do (?:it )?differently\b|\bsince then\b|\btakeaway\b|\bgoing forward\b"
    r"|\bi've since\b|\bchanged how i\b|\bnow i (?:always|make sure|check|start)\b"
)
OWNERSHIP_RE: Final = cue_re(
    r"\bi (?:decided|proposed|volunteered|took (?:ownership|responsibility|the lead)"
    r"|owned|initiated|pushed for|convinced|persuaded|negotiated)\b|\bmy mistake\b"
    r"|\bi was wrong\b|\bi owned up\b"
)
EXAMPLE_MARKER_RE: Final = cue_re(
    r"\bfor example\b|\bfor instance\b|\be\.g\.|\bsuch as\b|\bin practice\b|\bsuppose\b"
    r"|\bimagine\b|\bsay (?:we|you) have\b|\blike when\b|\bin one case\b"
)
# Identifiers quoted from code: camelCase, snake_case, dotted calls, `backticks`, f().
CODE_TERM_RE: Final = re.compile(
    r"\b[a-z]+[A-Z][A-Za-z0-9]*\b|\b[A-Za-z]\w*\.[a-z]\w{2,}\b|\b[a-z0-9]+_[a-z0-9_]+\b"
    r"|`[^`\n]{1,40}`|\b\w+\(\)"
)
TEXT_FILLER_RE: Final = re.compile(r"\b(?:um+|uh+|erm+|er|ah+|hmm+|you know|i mean)\b|\blike,")
