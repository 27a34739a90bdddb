"""What an answer actually says, sentence by sentence: the evaluator's defence against traps.

Marks used to grow with everything an answer mentions, so a long fluent answer of platitudes,
or a list of the right technologies, scored like a good one. Here each sentence is weighed
for what it *says*: a number, a first-person action, a reason or trade-off, a mechanism named
while making a claim. Sentences that are lists of terms, or platitudes, say nothing; terms
named in them do not count. The answer's substance (how much it says) and density (how much
of it says something) then scale the marks, so length never buys score. Confident claims
that a careful engineer would not make ("always", "never", "by definition", "no need") and
misconceptions from a short table (`misconceptions`) mark an answer as confidently wrong.
"""

import re
from dataclasses import dataclass
from typing import Final

from mockmate.evaluators.heuristic.cues import Cue, cue_re, distinct_labels, find_cues
from mockmate.evaluators.heuristic.features import AnswerFeatures
from mockmate.evaluators.heuristic.misconceptions import Misconception, find_misconceptions
from mockmate.evaluators.heuristic.question import QuestionProfile
from mockmate.evaluators.heuristic.text import Term, sentence_at
from mockmate.evaluators.heuristic.vocabulary import ALL_TECH_TERMS, STOPWORDS

# Fluent phrases that carry no information about this answer.
PLATITUDE_RE: Final = cue_re(
    r"\bbest practices?\b|\b(?:it'?s|it is|is) (?:really |very |so |also )?(?:important|key"
    r"|essential|crucial)\b|\bis key\b|\bbig picture\b|\bholistic(?:ally)?\b|\bdata[- ]driven\b"
    r"|\bdata[- ]informed\b|\bcustomer[- ]obsessed\b|\bpassionate\b|\bat the end of the day\b"
    r"|\bthere are (?:many|lots of|a lot of) (?:different )?(?:ways|things|reasons|approaches"
    r"|solutions|trade-?offs|misconceptions)\b|\bmany different\b"
    r"|\bit (?:really )?depends on the (?:situation|context|requirements|needs)\b"
    r"|\bevery (?:system|team|situation|company|case|project) is different\b|\bno single right\b"
    r"|\bthe (?:right|best) (?:approach|tool|solution|decision|results?)\b|\bwork closely\b"
    r"|\bfeels? (?:heard|valued|respected|recognised|recognized|comfortable)\b|\brobust\b"
    r"|\bthoughtful\b|\bstrategic(?:ally)?\b|\bempower\b|\binspire\b|\bfoster\b|\bsynergy\b"
    r"|\bleverage\b|\bstay calm\b|\bgood judge?ment\b|\bcontinuously improv\w*\b"
    r"|\bgreat question\b|\bone of my favou?rite\b|\bsomething i care about\b|\bi believe in\b"
    r"|\bmindset\b|\ba culture of\b|\bgo(?:es)? a long way\b|\bthe goal is (?:always )?to\b"
    r"|\bin a (?:structured|flexible|robust) way\b|\bfollow(?:ing)? good\b|\bresponsibly\b"
    r"|\b(?:loosely coupled|proven)\b|\bkeep everyone informed\b|\bshared understanding\b"
    r"|\bput the user first\b|\bproduct they love\b|\bresults would follow\b|\blead by example\b"
    r"|\b(?:is|are) (?:also |really |very |so )?(?:important|essential|crucial|critical)\b"
    r"|\bdepends on the (?:situation|context|requirements|needs|use case|business)\b"
    # Claims of familiarity say nothing about the question.
    r"|\bone of my (?:core |key |main )?(?:skills|strengths)\b|\bi know (?:very |really )?well\b"
    r"|\bpart of my (?:\w+ )?toolkit\b|\bi work with every day\b"
    r"|\bi(?:'m| am) (?:very |really )?(?:familiar|experienced|comfortable) with\b"
    r"|\bare all (?:key |core |central |the )?(?:concepts|tools|techniques|factors|part)\b"
    r"|\b(?:is|are) (?:all )?(?:central|core) to\b"
)
# Certainty a careful engineer rarely claims; two or more in a technical answer is a red flag.
ABSOLUTE_RE: Final = cue_re(
    r"\balways (?:\w+ ){0,2}(?:faster|slower|better|worse|enough|correct|safe|wins?)\b"
    r"|\byou should always\b|\bthe (?:fix|answer|solution) is always\b|\bno need (?:for|to)\b"
    r"|\bby definition\b|\bguarantees?\b|\bproves?\b|\binfinitely\b|\bis free\b"
    r"|\b(?:don'?t|doesn'?t) (?:really )?matter\b|\bnobody (?:uses|needs|does)\b"
    r"|\bno (?:real )?trade-?offs?\b|\bcan never\b|\bunnecessary\b|\bnever needs?\b"
    r"|\boutdated\b|\bdon'?t need to do anything\b|\bthat'?s all you need\b"
    r"|\bguaranteed\b|\bis never (?:a |an )?(?:real )?(?:problem|issue|concern)\b"
    r"|\bcan'?t (?:really |possibly )?(?:differ|fail|go wrong|happen)\b"
)
# Instructions given as steps ("Confirm it's real, then segment by platform").
STEP_RE: Final = re.compile(
    r"(?:^|(?<=[.;:!?] )|(?<=, then )|(?<=\bthen )|(?<=\bfirst )|(?<=\bfirst, )|(?<=\band )"
    r"|(?<=\bi )|(?<=\bwe ))"
    r"(?:confirm|check|measure|segment|add|use|find|size|pick|train|validate|monitor|judge"
    r"|compare|split|store|cache|return|route|select|offer|ask|run|keep|move|start|write"
    r"|test|profile|log|alert|quarantine|reject|block|partition|retry|estimate|score|tell"
    r"|share|escalate|document|benchmark|reproduce|match|encode|hand out|send|commit|verify"
    r"|require|limit|remove|drop|replace|instrument|set up|roll back|migrate|index|shard)\b"
)
_SWEEPING: Final = frozenset(("always", "never", "every", "immediately", "any", "all"))
_SHORT_ITEM_WORDS: Final = 3
_LIST_MIN_ITEMS: Final = 5
_SPLIT_ITEMS_RE: Final = re.compile(r",|;|\band\b|\bor\b|\bas well as\b|\bplus\b")


@dataclass(frozen=True)
class Substance:
    """What the answer says, sentence by sentence, and the signs that it says nothing."""

    points: float  # weighted count of what the sentences say (lists and platitudes excluded)
    density: float  # share of sentences that say something
    saying: tuple[int, ...]  # indices of the sentences that say something
    lists: tuple[int, ...]  # indices of sentences that are lists of terms
    platitudes: tuple[Cue, ...]
    absolutes: tuple[Cue, ...]
    misconceptions: tuple[Misconception, ...]
    used_terms: tuple[Term, ...]  # technical terms used inside sentences that say something
    listed_terms: tuple[Term, ...]  # technical terms only ever named in lists
    sentences: int = 0

    @property
    def level(self) -> float:
        """0..1: how much the answer says (saturates around eight points)."""
        return min(1.0, self.points / 8.0)

    @property
    def fluff(self) -> float:
        """0..1: how much of the answer is platitude (one per two sentences is all fluff)."""
        return min(1.0, 2.0 * len(self.platitudes) / max(4, self.sentences))

    @property
    def wrong(self) -> bool:
        return bool(self.misconceptions) or len(self.absolutes) >= 2


def is_list(text: str) -> bool:
    """A sentence that mostly enumerates short items ("Redis, Kafka, TTL, sharding, ...")."""
    items = [i.split() for i in _SPLIT_ITEMS_RE.split(text.lower())]
    items = [i for i in items if i]
    short = [i for i in items if len(i) <= _SHORT_ITEM_WORDS]
    total = sum(len(i) for i in items)
    return len(short) >= _LIST_MIN_ITEMS and sum(len(i) for i in short) >= 0.55 * total


def _enumerated(text: str) -> int:
    items = [i.split() for i in _SPLIT_ITEMS_RE.split(text.lower())]
    return max(0, sum(1 for i in items if 0 < len(i) <= _SHORT_ITEM_WORDS) - 1)


def analyse_substance(
    feats: AnswerFeatures, question: QuestionProfile, technical: bool
) -> Substance:
    n = len(feats.sentences)
    if not n:
        return Substance(0.0, 0.0, (), (), (), (), (), (), ())
    starts = feats.sentence_starts
    lists = {i for i, s in enumerate(feats.sentences) if is_list(s.text)}

    def per_sentence(cues: tuple[Cue, ...] | list[Cue]) -> list[list[str]]:
        out: list[list[str]] = [[] for _ in range(n)]
        for c in cues:
            out[sentence_at(starts, c.start)].append(c.label)
        return out

    metrics = per_sentence(feats.metrics)
    past = per_sentence(feats.past_actions)
    # Steps of a plan count as actions: "I'd add ...", and "Confirm ..., then segment ...".
    planned = per_sentence([*feats.planned_actions, *find_cues(STEP_RE, feats.folded)])
    story = per_sentence(
        [Cue(p, s.start, s.end) for p, i in feats.star.items() if i is not None
         for s in (feats.sentences[i],)]
    )
    plan_weight = 0.5 if question.category == "behavioral" else 0.9
    reasons = per_sentence(feats.reasons)
    platitudes = find_cues(PLATITUDE_RE, feats.folded)
    flat = per_sentence(platitudes)
    terms = _vocabulary(question)
    absolutes = find_cues(ABSOLUTE_RE, feats.folded) if technical else []
    if len(distinct_labels(absolutes)) < 2:
        absolutes = []
    misconceptions = find_misconceptions(feats.folded)
    wrong = {sentence_at(starts, c.start) for c in absolutes}
    wrong |= {sentence_at(starts, m.start) for m in misconceptions}
    term_lines = [
        [t for t in terms if t.key in line] for line in feats.sentence_stem_lines
    ]
    points = 0.0
    saying: list[int] = []
    used: dict[str, Term] = {}
    listed: dict[str, Term] = {}
    for i, sentence in enumerate(feats.sentences):
        words = len(sentence.text.split())
        if i in lists:
            for t in term_lines[i]:
                listed.setdefault(t.key, t)
            continue
        claim = bool(metrics[i] or past[i] or planned[i] or reasons[i])
        # A term counts when its sentence makes a claim with it, not when it is name-dropped.
        hits = term_lines[i] if (claim or words >= 12) and not flat[i] else []
        if flat[i]:
            reasons[i] = []  # "there are many trade-offs" gives no reason
        # Items enumerated inside a claim are specifics ("segment by platform, version, ...").
        items = _enumerated(sentence.text) if claim else 0
        value = (
            min(1.5, 0.25 * items)
            + min(2.0, 1.0 * len(set(metrics[i])))
            + min(1.5, 0.75 * len(set(past[i])))
            + min(1.8, plan_weight * len(set(planned[i])))
            + min(1.5, 0.75 * len(set(reasons[i])))
            + min(2.0, (0.5 if technical else 0.35) * len(hits))
            + 0.5 * len(story[i])
        )
        if words < 5:
            value *= 0.5
        elif value < 1.0 and not flat[i] and _telegraphic(sentence.text):
            # A terse clause of mechanisms ("writes queue in an outbox with client IDs") says
            # as much as a full sentence: dense answers must not lose for their economy.
            value = 1.0
        value -= 1.0 * len(flat[i])
        if i in wrong:
            value = -1.0  # a false claim is not substance
        if value >= 1.0:
            saying.append(i)
            for t in hits:
                used.setdefault(t.key, t)
        # A run-on sentence can say several things; a short one only so much.
        points += max(0.0, min(max(4.0, words / 10), value))
    return Substance(
        points=points,
        density=len(saying) / n,
        saying=tuple(saying),
        lists=tuple(sorted(lists)),
        platitudes=tuple(platitudes),
        absolutes=tuple(absolutes),
        misconceptions=tuple(misconceptions),
        used_terms=tuple(used.values()),
        listed_terms=tuple(t for k, t in listed.items() if k not in used),
        sentences=n,
    )


def _telegraphic(text: str) -> bool:
    """Mostly content words: a clause written densely rather than a list or small talk. A
    sweeping claim ("always", "never", "immediately") is not credited for its brevity."""
    tokens = re.findall(r"[a-z][a-z'-]*", text.lower())
    content = [t for t in tokens if t not in STOPWORDS]
    return (
        len(content) >= 4
        and len(content) >= 0.6 * len(tokens)
        and not _SWEEPING.intersection(tokens)
    )


def _vocabulary(question: QuestionProfile) -> tuple[Term, ...]:
    """The question's own domain terms, then every other known technical term."""
    seen = {t.key for t in question.tech_terms}
    return (*question.tech_terms, *(t for t in ALL_TECH_TERMS if t.key not in seen))
