"""STAR detection: which sentence of a story shows its situation, task, action and result.

Behavioural answers are expected to follow STAR. The evaluator reports the sentence it took
for each part (so the candidate can see what was understood) and scores the structure on how
many parts are present, so the cue phrases for each part and the rules that pick one
sentence per part live together here.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Final

from mockmate.evaluators.heuristic.cues import Cue, cue_re
from mockmate.evaluators.heuristic.text import Sentence, sentence_at

STAR_PARTS: Final[tuple[str, ...]] = ("situation", "task", "action", "result")
MIN_PART_WORDS: Final = 6  # "I fixed it." is not an action you can picture

# Actions are found as first-person verbs (see `cues.find_actions`), the other parts by cue.
STAR_PATTERNS: Final[dict[str, re.Pattern[str]]] = {
    "situation": cue_re(
        r"\bwhen (?:i|we) (?:was|were|joined|started)\b|\bat my (?:previous|last|current|old"
        r"|first) (?:job|company|role|team|employer|internship)\b|\bat (?:my )?previous\b"
        r"|\bin my (?:previous|last|current|first|old) (?:job|role|position|team|company)\b"
        r"|\bour (?:team|company|product|service|system) (?:was|had|were)\b|\bwe had\b"
        r"|\bwe were\b|\bi was working\b|\bi worked (?:at|on|as|in)\b|\blast (?:year|quarter"
        r"|month|summer|spring|autumn|winter)\b|\b(?:a few|two|three|several) (?:years|months)"
        r" ago\b|\bwhile (?:i was )?working\b|\bthe (?:company|team|project|situation|context"
        r"|problem) was\b|\bthere was an?\b|\bback (?:in|when)\b|\bi was (?:a|an|the) \w+"
        r" (?:at|on|in)\b|\bduring (?:my|a|the|our)\b"
    ),
    "task": cue_re(
        r"\bi was (?:responsible|asked|tasked|assigned|charged|in charge)\b"
        r"|\bmy (?:goal|task|job|role|responsibility|objective|mandate|brief) (?:was|is)\b"
        r"|\b(?:i|we) needed to\b|\b(?:i|we) had to\b|\btasked with\b|\bthe goal was\b"
        r"|\bthe (?:challenge|task|ask|requirement) was\b|\bit was my job\b|\bi owned\b"
        r"|\b(?:i|we) (?:was|were) asked to\b|\bneeded to be\b|\bi volunteered to\b"
        r"|\bwe had to\b|\bso that we could\b|\b(?:my|our) (?:target|deadline) was\b"
    ),
    "result": cue_re(
        r"\bas a result\b|\bresult(?:ed|ing)? in\b|\bled to\b|\bwhich meant\b|\bthe result\b"
        r"|\b(?:this|that|it) (?:meant|reduced|increased|improved|cut|saved|helped)\b"
        r"|\breduc(?:ed|ing)\b|\bincreas(?:ed|ing)\b|\bimprov(?:ed|ing)\b|\bsav(?:ed|ing)\b"
        r"|\bcut\b|\bdropp(?:ed|ing)\b|\bgrew\b|\bboost(?:ed)?\b|\bdoubled\b|\bhalved\b"
        r"|\beliminat(?:ed|ing)\b|\bin the end\b|\bultimately\b|\boutcome\b|%|\bpercent\b"
        r"|\bwent from\b|\bfrom \S+ to \S+|\bon time\b|\bahead of schedule\b|\bshipped\b"
        r"|\blaunched\b|\bwe delivered\b|\bpraised\b|\bpromoted\b|\badopted\b|\bsince then\b"
        r"|\bnow (?:we|the team|it)\b"
    ),
}


def detect_star(
    folded: str, sentences: Sequence[Sentence], past: Sequence[Cue], planned: Sequence[Cue]
) -> dict[str, int | None]:
    """Index of the sentence that best shows each STAR part, or None when none does."""
    star: dict[str, int | None] = dict.fromkeys(STAR_PARTS)
    if not sentences:
        return star
    starts = [s.start for s in sentences]
    hits: dict[str, Counter[int]] = {
        part: Counter(sentence_at(starts, m.start()) for m in STAR_PATTERNS[part].finditer(folded))
        for part in ("situation", "task", "result")
    }
    # Each part needs a sentence of its own, long enough to say something.
    full = {i for i, s in enumerate(sentences) if len(s.text.split()) >= MIN_PART_WORDS}
    for part in ("situation", "task"):
        taken_before = {star["situation"]}
        pool = [i for i in hits[part] if i in full and i not in taken_before]
        star[part] = min(pool) if pool else None

    action_score: defaultdict[int, float] = defaultdict(float)
    for cue in past:
        action_score[sentence_at(starts, cue.start)] += 1.0 if cue.label[0] == "i" else 0.8
    for cue in planned:
        action_score[sentence_at(starts, cue.start)] += 0.5
    taken = {star["situation"], star["task"]}
    ranked = sorted(
        (i for i in action_score if i in full and i not in taken),
        key=lambda i: (-action_score[i], i),
    )
    star["action"] = ranked[0] if ranked else None

    # A result comes after the action, in a sentence of its own.
    action = star["action"] if star["action"] is not None else -1
    taken.add(star["action"])
    results = [(n, i) for i, n in hits["result"].items() if i in full and i not in taken]
    later = [(n, i) for n, i in results if i > action] or results
    star["result"] = max(later)[1] if later else None
    return star
