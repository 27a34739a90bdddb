"""Feedback on depth: technical vocabulary and trade-offs, or a story's lesson and STAR shape.

This is the wording behind the technical-accuracy mark. Technical answers are told which
domain terms they used or missed and whether they weighed trade-offs; stories are told
whether they reflect on a lesson and which STAR parts are missing, with a tip for each.
Every remark quotes the answer or names concrete terms, never a generic verdict.
"""

from typing import Final

from mockmate.evaluators.heuristic.features import AnswerFeatures
from mockmate.evaluators.heuristic.findings import Feedback, Quote, listing
from mockmate.evaluators.heuristic.marks import Marks
from mockmate.evaluators.heuristic.question import QuestionProfile, skill_display
from mockmate.evaluators.heuristic.star import STAR_PARTS
from mockmate.evaluators.heuristic.vocabulary import SKILL_VOCAB

# What to add for each missing STAR part.
_STAR_TIPS: Final[dict[str, str]] = {
    "situation": "Open with one sentence of context: where you were, the team, and what was at "
    "stake.",
    "task": "State your own responsibility explicitly: 'My goal was to …' or 'I was "
    "responsible for …'.",
    "action": "Describe 2-3 concrete steps you personally took, in the first person "
    "('I set up …', 'I proposed …').",
    "result": "Add the result: what changed, with a number (e.g. 'cut review time from 3 days "
    "to 1').",
}
# Reasoning cues that weigh a downside or an alternative, not only give a reason.
_TRADE_OFF_WORDS: Final = (
    "trade",
    "however",
    "whereas",
    "downside",
    "drawback",
    "expense",
    "cost",
    "other hand",
    "in contrast",
    "alternatively",
    "instead",
    "depends",
    "risk",
    "unless",
)


def technical_feedback(
    feats: AnswerFeatures,
    question: QuestionProfile,
    marks: Marks,
    fb: Feedback,
    quote: Quote,
) -> None:
    """Domain vocabulary used or missing, and whether the answer reasons about trade-offs."""
    skills = [skill_display(s) for s in question.skills if s in SKILL_VOCAB][:2]
    area = "/".join(skills) if skills else "technical"
    hits = marks.tech_hits
    ideas = [t.display for t in question.tech_terms if not feats.has(t)]
    on_topic = marks.relevance >= 4
    if len(hits) >= 3 and on_topic:
        fb.strength(8.5, f"Precise {area} vocabulary: {listing((t.display for t in hits), 4)}")
    elif hits and on_topic:
        fb.strength(4, f"Uses some {area} vocabulary: {listing(t.display for t in hits)}")
    if len(hits) < 3 and ideas:
        fb.weakness(
            68 if len(hits) < 2 else 44,
            f"Little {area} depth: no mention of e.g. {listing(ideas, 3)}",
            f"Name the specific techniques (e.g. {listing(ideas, 3)}) and when each one helps.",
        )
    reasons = feats.reasons
    trade_offs = [c for c in reasons if any(w in c.label for w in _TRADE_OFF_WORDS)]
    trade_tip = (
        "Add one trade-off: what the approach costs (e.g. staleness, memory, complexity) "
        "and how you'd mitigate it."
    )
    if trade_offs and on_topic:
        fb.strength(7.5, f"Weighs trade-offs: '{quote(trade_offs[0])}'")
    elif reasons:
        if hits and on_topic:
            fb.strength(5, f"Explains the why: '{quote(reasons[0])}'")
        fb.weakness(55, "No trade-offs: never says when this would be the wrong choice", trade_tip)
    else:
        fb.weakness(
            60,
            "No reasoning: says what to do but not why, or what it costs",
            "Explain why each step helps ('because …'). " + trade_tip,
        )


def story_feedback(
    feats: AnswerFeatures, question: QuestionProfile, fb: Feedback, quote: Quote
) -> None:
    """A lesson learned (or not), and which STAR parts the story has or lacks."""
    if feats.reflection:
        fb.strength(8, f"Reflects on the lesson: '{quote(feats.reflection[0])}'")
    else:
        fb.weakness(
            50 if question.category == "behavioral" else 36,
            "No reflection: doesn't say what you learned or would do differently",
            "Close with one sentence on what you learned or would do differently next time.",
        )
    found = [p for p in STAR_PARTS if feats.star[p] is not None]
    missing = [p for p in STAR_PARTS if feats.star[p] is None]
    if not missing:
        fb.strength(9.5, "Complete STAR story: situation, task, action and result are all there")
    elif len(found) >= 2:
        fb.strength(4, f"Clear story elements: {listing(found, 4)}")
    if missing:
        urgent = sorted(missing, key=("result", "action", "situation", "task").index)
        text = (
            "No STAR story: no situation, task, action or result can be found"
            if not found
            else f"STAR structure incomplete: no clear {listing(missing, 4)}"
        )
        fb.weakness(70 + 3 * len(missing), text, *(_STAR_TIPS[p] for p in urgent[:2]))
