"""The ideal answer, offline: the structure a strong answer to this question follows, marked
against what this candidate said.

An LLM can write a model answer; the offline evaluator cannot invent a story or facts, and
must not. What it can give is the outline a strict interviewer has in mind: STAR for a
behavioural question, frame-mechanism-reasons-numbers-verification for a technical one,
assess-options-decide-communicate-follow-up for a situational one. Each step is worded for
this question (its demand, the domain terms a strong answer would use) and marked covered,
quoting the candidate's sentence, or missed. The same outline is attached to an LLM
evaluation, whose own `ideal_answer` text stays the model's.
"""

import re
from collections.abc import Sequence
from typing import Final, Literal

from mockmate.evaluators.heuristic.cues import Cue
from mockmate.evaluators.heuristic.features import AnswerFeatures, analyse_answer
from mockmate.evaluators.heuristic.findings import listing
from mockmate.evaluators.heuristic.marks import ABOUT_SOMETHING_ELSE, other_story, relevance
from mockmate.evaluators.heuristic.question import QuestionProfile, analyse_question
from mockmate.evaluators.heuristic.quotes import trim
from mockmate.evaluators.heuristic.substance import analyse_substance
from mockmate.evaluators.heuristic.text import Term, sentence_at
from mockmate.evaluators.models import IdealOutline, IdealPoint
from mockmate.questions.models import Question

QUOTE_CHARS: Final = 120
Structure = Literal["star", "technical", "situational"]
# The part of a behavioural question that says which story is wanted ("a time you ...").
_DEMAND_RE: Final = re.compile(
    r"\b(?:about|describe|share)\s+(?:a time|an? occasion|a situation|someone|an?)\s+"
    r"(?:when\s+|where\s+)?(.+?)(?:[.?!]|$)",
    re.IGNORECASE,
)
_FRAMING_RE: Final = re.compile(
    r"\b(?:first|measure|requirements?|clarify|confirm|constraints?|goal|depends on|assume"
    r"|start by|understand)\b"
)
_TRADE_OFF_RE: Final = re.compile(
    r"\btrade[- ]?offs?\b|\bat the (?:cost|expense) of\b|\bdownsides?\b|\bdrawbacks?\b"
    r"|\binstead of\b|\brather than\b|\bcosts?\b|\bthe risk\b|\bbut it\b"
)
_VERIFY_RE: Final = re.compile(
    r"\b(?:monitor\w*|measur\w*|test\w*|verif\w*|validat\w*|alert\w*|watch\w*|confirm\w*"
    r"|benchmark\w*|compare\w*|track\w*)\b"
)
_ASSESS_RE: Final = re.compile(
    r"\b(?:first|understand|clarify|find out|ask\w*|size|assess\w*|confirm\w*|check\w*"
    r"|reproduce|impact|how many)\b"
)
_OPTIONS_RE: Final = re.compile(
    r"\boptions?\b|\beither\b|\balternatives?\b|\btrade[- ]?offs?\b|\binstead of\b"
    r"|\brather than\b|\bor (?:we|i|to)\b|\bif (?:it|not|so)\b"
)
_COMMUNICATE_RE: Final = re.compile(
    r"\b(?:tell|told|explain\w*|updat\w*|inform\w*|escalat\w*|talk\w*|shar\w*|communicat\w*"
    r"|call|meet\w*|bring it)\b"
)
_FOLLOW_UP_RE: Final = re.compile(
    r"\b(?:measur\w*|track\w*|monitor\w*|follow(?:ed)? up|review\w*|check in|afterwards"
    r"|result\w*|record\w*|document\w*)\b"
)
STRENGTHS: Final[dict[str, str]] = {
    "star": "It answers the question asked with one real story, gives each STAR part its "
    "own sentence of substance, makes the actions the candidate's own, and measures the "
    "result.",
    "technical": "It frames the problem, names the mechanism and uses its terms to make "
    "claims, gives the reasons and the trade-off, and puts numbers on it.",
    "situational": "It sizes the situation before acting, weighs real options, decides with "
    "a reason, and says who is told and how the outcome is checked.",
}


def demand(question: Question) -> str:
    """What the question asks for, as a phrase ("you had to say no to a stakeholder")."""
    match = _DEMAND_RE.search(question.text)
    return match.group(1).strip() if match else trim(question.text.rstrip("?."), 90)


def outline(feats: AnswerFeatures, question: QuestionProfile, q: Question) -> IdealOutline:
    """The outline of a strong answer to `q`, marked against the answer's features. It reads
    only the answer and the question (never the marks), so an LLM's evaluation gets the
    same outline as the offline one."""
    first = _Finder(feats)
    raw, _, _ = relevance(feats, question)
    asked = IdealPoint(
        part="answer",
        point=f"Answer what was asked: {trim(q.text, 140)}",
        covered=raw >= ABOUT_SOMETHING_ELSE and other_story(feats, question) is None,
    )
    structure: Structure
    if q.category == "behavioral":
        structure, points = "star", _star(feats, q, first)
    elif q.category == "technical":
        used = analyse_substance(feats, question, technical=True).used_terms
        structure, points = "technical", _technical(feats, question, used, first)
    else:
        structure, points = "situational", _situational(feats, first)
    if not asked.covered:
        # Parts of a story about something else do not answer this question.
        points = [p.model_copy(update={"covered": False, "quote": None}) for p in points]
    points = [asked, *points]
    return IdealOutline(
        structure=structure,
        points=points,
        missed=[p.point for p in points if not p.covered],
    )


def ideal_for(question: Question, answer_text: str) -> IdealOutline:
    """`outline` for a raw answer (attached to an LLM's evaluation)."""
    return outline(analyse_answer(answer_text), analyse_question(question), question)


def render(result: IdealOutline) -> str:
    """The outline as the `ideal_answer` text: numbered steps, each marked."""
    head = {
        "star": "A strong answer tells one real story in STAR order",
        "technical": "A strong answer frames the problem, then explains the mechanism",
        "situational": "A strong answer sizes the situation, weighs options and decides",
    }[result.structure]
    lines = [f"{head}:"]
    for n, p in enumerate(result.points, 1):
        mark = f'you said: "{p.quote}"' if p.quote else ("covered" if p.covered else "missing")
        lines.append(f"{n}. {p.point} ({mark}).")
    return "\n".join(lines)


class _Finder:
    """The first sentence of the answer matching a pattern, quoted."""

    def __init__(self, feats: AnswerFeatures):
        self._feats = feats

    def __call__(self, pattern: re.Pattern[str]) -> str | None:
        for s in self._feats.sentences:
            if pattern.search(s.text.lower()):
                return trim(s.text, QUOTE_CHARS)
        return None

    def sentence(self, index: int | None) -> str | None:
        return None if index is None else trim(self._feats.sentences[index].text, QUOTE_CHARS)


def _point(part: str, point: str, quote: str | None, covered: bool | None = None) -> IdealPoint:
    return IdealPoint(
        part=part, point=point, covered=bool(quote) if covered is None else covered, quote=quote
    )


def _star(feats: AnswerFeatures, q: Question, first: _Finder) -> list[IdealPoint]:
    story = demand(q)
    star = feats.star
    reflection = feats.reflection[0] if feats.reflection else None
    return [
        _point("situation", f"Situation: one real time when {story}: where you were and "
               "what was at stake", first.sentence(star["situation"])),
        _point("task", "Task: what you were responsible for", first.sentence(star["task"])),
        _point("action", "Action: what you did yourself, step by step, and why you chose "
               "it", first.sentence(star["action"])),
        _point("result", "Result: how it ended, with a number (time, money, people, a "
               "metric)", first.sentence(_result(feats))),
        _point("reflection", "Reflection: what you learned or would do differently",
               trim(feats.sentence_of(reflection.start).text, QUOTE_CHARS)
               if reflection else None),
    ]


def _technical(feats: AnswerFeatures, question: QuestionProfile, used: Sequence[Term],
               first: _Finder) -> list[IdealPoint]:
    used_keys = {t.key for t in used}
    suggest = [t.display for t in question.tech_terms if t.key not in used_keys][:4]
    mechanism = "The mechanism, named and explained: how it works, not just what it is called"
    if suggest:
        mechanism += f" (a strong answer would use terms like {listing(suggest)})"
    covered_terms = len(used) >= 2
    quote = None
    if used:
        quote = next(
            (trim(s.text, QUOTE_CHARS) for s, line in
             zip(feats.sentences, feats.sentence_stem_lines, strict=True)
             if any(t.key in line for t in used)),
            None,
        )
    return [
        _point("frame", "Frame it: the goal, and what you would measure or confirm first",
               first(_FRAMING_RE)),
        _point("mechanism", mechanism, quote, covered_terms),
        _point("reasons", "Why it works, and the trade-off it costs (what gets slower, "
               "riskier or more complex)",
               first(_TRADE_OFF_RE) or first.sentence(_sentence_of_first(feats, feats.reasons))),
        _point("numbers", "Numbers that make it concrete: scale, latency, thresholds or "
               "an outcome", first.sentence(_sentence_of_first(feats, feats.metrics))),
        _point("verification", "How you would know it works: a test, a metric to watch, "
               "or a case from your experience", first(_VERIFY_RE)),
    ]


def _situational(feats: AnswerFeatures, first: _Finder) -> list[IdealPoint]:
    return [
        _point("assess", "Size the situation first: the facts, who is affected and how "
               "much", first(_ASSESS_RE)),
        _point("options", "Two or more real options, each with its trade-off",
               first(_OPTIONS_RE)),
        _point("decision", "Your decision, and the reason for it",
               first.sentence(_sentence_of_first(feats, feats.reasons))),
        _point("communicate", "Who you would tell, and how", first(_COMMUNICATE_RE)),
        _point("follow_up", "How you would check the outcome afterwards",
               first(_FOLLOW_UP_RE)),
    ]


def _result(feats: AnswerFeatures) -> int | None:
    """The STAR result, else the last sentence after the action that puts a number on it."""
    if feats.star["result"] is not None:
        return feats.star["result"]
    action = feats.star["action"]
    measured = {sentence_at(feats.sentence_starts, c.start) for c in feats.metrics}
    later = [i for i in measured if action is not None and i > action]
    return max(later) if later else None


def _sentence_of_first(feats: AnswerFeatures, cues: Sequence[Cue]) -> int | None:
    """The index of the sentence holding the first of `cues`, or None."""
    if not cues:
        return None
    return sentence_at(feats.sentence_starts, min(c.start for c in cues))
