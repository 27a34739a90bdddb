"""The offline answer evaluator: rubric marks and feedback from text heuristics alone.

It is the default evaluator (no network, no API key) and the fallback when an LLM evaluator
fails, so it must always return a valid `Evaluation` quickly, for any input. Candidates read
its feedback, so every strength, weakness and tip names what was (or wasn't) found in their
answer and quotes it verbatim. It is pure and deterministic.

This module is the public API and the pipeline; the parts live in their own modules:
`text`, `vocabulary`, `cues` and `star` read the answer, `features` and `question` sum it
and the question up, `marks` (with `clarity`, `depth` and `alignment`) scores the rubric,
and `feedback` (with `depth_feedback`, `fallback` and `evidence`) words what was found;
`ideal` outlines the answer a strong candidate would give, marked against this one.
"""

from mockmate.evaluators.heuristic.confidence import LOW_TIP, assess
from mockmate.evaluators.heuristic.evidence import evidence
from mockmate.evaluators.heuristic.fallback import no_strength, weakest_area
from mockmate.evaluators.heuristic.features import analyse_answer
from mockmate.evaluators.heuristic.feedback import general_feedback
from mockmate.evaluators.heuristic.findings import MAX_ITEMS, Feedback, top
from mockmate.evaluators.heuristic.ideal import STRENGTHS, outline, render
from mockmate.evaluators.heuristic.marks import score
from mockmate.evaluators.heuristic.question import analyse_question
from mockmate.evaluators.heuristic.quotes import trim
from mockmate.evaluators.heuristic.reasons import criteria_reasons
from mockmate.evaluators.models import Evaluation, EvaluationContext, Star

__all__ = ["HeuristicEvaluator", "evaluate_heuristically"]

STAR_CHARS = 200


class HeuristicEvaluator:
    """Evaluator interface implementation that needs no network: wraps the heuristics."""

    async def evaluate(self, ctx: EvaluationContext) -> Evaluation:
        return evaluate_heuristically(ctx)


def evaluate_heuristically(ctx: EvaluationContext) -> Evaluation:
    """Judge one answer with deterministic text heuristics (source="heuristic")."""
    feats = analyse_answer(ctx.answer_text)
    question = analyse_question(ctx.question)
    fb = Feedback()
    marks = score(ctx, feats, question, fb)
    rubric = marks.rubric()
    general_feedback(ctx, feats, question, marks, fb)
    strengths = top(fb.strengths) or [no_strength(feats)]
    weaknesses = top(fb.weaknesses) or [
        weakest_area(rubric, question.technical, bool(ctx.job_description.strip()))
    ]
    tips: list[str] = []
    confidence, why = assess(feats, question)
    if confidence == "low" and why:
        tips.append(LOW_TIP.format(why=why))  # first: the score is not precise
    for weakness in weaknesses:
        tips.extend(t for t in weakness.tips if t not in tips)
    star = Star(
        **{
            part: trim(feats.sentences[i].text, STAR_CHARS) if i is not None else None
            for part, i in feats.star.items()
        }
    )
    ideal = outline(feats, question, ctx.question)
    return Evaluation(
        score=rubric.weighted_score(),
        rubric=rubric,
        strengths=strengths,
        weaknesses=[w.text for w in weaknesses],
        tips=tips[:MAX_ITEMS],
        evidence=evidence(feats, marks.tech_hits),
        star=star,
        source="heuristic",
        ideal_answer=render(ideal),
        ideal_answer_strengths=STRENGTHS[ideal.structure],
        ideal_outline=ideal,
        confidence=confidence,
        confidence_reason=why,
        criteria_reasons=criteria_reasons(ctx, feats, question, marks),
    )
