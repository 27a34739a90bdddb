"""One sentence per rubric criterion saying what earned or lost the mark, quoting the answer.

A mark alone does not tell a candidate what to change. Each reason names the mark and
quotes the words (or names what is missing) that decided it: the question's words the answer
used or ignored, the most concrete sentence, the STAR parts found, a false or over-certain
claim, the job's words. Quotes are verbatim excerpts, like the rest of the feedback.
"""

from mockmate.evaluators.heuristic.cues import Cue
from mockmate.evaluators.heuristic.features import AnswerFeatures
from mockmate.evaluators.heuristic.findings import listing
from mockmate.evaluators.heuristic.marks import Marks, other_story
from mockmate.evaluators.heuristic.question import QuestionProfile
from mockmate.evaluators.heuristic.quotes import clause_around, trim
from mockmate.evaluators.heuristic.star import STAR_PARTS
from mockmate.evaluators.models import EvaluationContext

QUOTE_CHARS = 90


def criteria_reasons(
    ctx: EvaluationContext, feats: AnswerFeatures, question: QuestionProfile, marks: Marks
) -> dict[str, str]:
    """criterion -> one sentence explaining its mark."""
    if not feats.word_count:
        return {
            name: f"{label} {1.0}: there is no answer to judge."
            for name, label in _LABELS.items()
        }
    return {
        "relevance": _relevance(feats, question, marks),
        "examples": _examples(feats, marks),
        "clarity": _clarity(feats, question, marks),
        "technical_accuracy": _technical(feats, question, marks),
        "job_alignment": _job(ctx, marks),
    }


_LABELS = {
    "relevance": "Relevance",
    "examples": "Examples",
    "clarity": "Clarity",
    "technical_accuracy": "Technical accuracy",
    "job_alignment": "Job alignment",
}


def _quote(feats: AnswerFeatures, cue: Cue) -> str:
    return clause_around(feats.text, feats.sentence_of(cue.start), cue.start, cue.end)


def _relevance(feats: AnswerFeatures, question: QuestionProfile, marks: Marks) -> str:
    head = f"Relevance {marks.relevance}"
    sub = marks.substance
    missing = [w for s, w in question.keywords.items() if w not in marks.matched_keywords]
    if sub.lists and len(sub.lists) * 2 >= len(feats.sentences):
        first = feats.sentences[sub.lists[0]].text
        return f'{head}: it lists terms ("{trim(first, QUOTE_CHARS)}") instead of answering.'
    if sub.fluff >= 0.5:
        return f'{head}: it talks around the question ("{_quote(feats, sub.platitudes[0])}").'
    story = other_story(feats, question)
    if story is not None:
        return (f'{head}: it announces another story ("{trim(story.text, QUOTE_CHARS)}") '
                "than the one the question asks for.")
    if marks.topic_factor < 0.6:
        asked = listing(missing, quote=True) or "what the question asks"
        return f"{head}: it may answer a different question; it never addresses {asked}."
    if marks.matched_keywords:
        spoken = listing(marks.matched_keywords, quote=True)
        return f"{head}: it speaks to {spoken} from the question."
    return f"{head}: it stays on the topic of the question without using its words."


def _examples(feats: AnswerFeatures, marks: Marks) -> str:
    head = f"Examples {marks.examples}"
    sub = marks.substance
    if sub.saying:
        with_numbers = {feats.sentence_starts.index(feats.sentence_of(c.start).start)
                        for c in feats.metrics}
        best = max(sub.saying, key=lambda i: (i in with_numbers, -i))
        text = trim(feats.sentences[best].text, QUOTE_CHARS)
        if marks.topic_factor < 0.6:
            return f'{head}: "{text}" is concrete, but may illustrate another question.'
        return f'{head}: the most concrete part is "{text}".'
    return f"{head}: no number, named system or step of your own supports the answer."


def _clarity(feats: AnswerFeatures, question: QuestionProfile, marks: Marks) -> str:
    head = f"Clarity {marks.clarity}"
    wc = feats.word_count
    avg = wc / max(1, len(feats.sentences))
    if avg > 40:
        return f"{head}: sentences run on (about {avg:.0f} words each), which loses the listener."
    if feats.text_fillers * 100 >= 5 * wc:
        return f"{head}: {feats.text_fillers} fillers ('um', 'uh'...) break up the answer."
    if marks.substance.fluff >= 0.5:
        return f"{head}: it reads fluently but most sentences carry no point of their own."
    if question.technical:
        return f"{head}: {len(feats.sentences)} sentences of about {avg:.0f} words each."
    found = [p for p in STAR_PARTS if feats.star[p] is not None]
    missing = [p for p in STAR_PARTS if feats.star[p] is None]
    if not missing:
        return f"{head}: the story has a situation, task, action and result, each its own sentence."
    return (
        f"{head}: the story shows {listing(found) or 'no STAR part'}"
        f" but no sentence of its own for the {listing(missing)}."
    )


def _technical(feats: AnswerFeatures, question: QuestionProfile, marks: Marks) -> str:
    label = "Technical accuracy" if question.technical else "Judgement"
    head = f"{label} {marks.technical_accuracy}"
    sub = marks.substance
    if sub.misconceptions:
        wrong = sub.misconceptions[0]
        quoted = clause_around(feats.text, feats.sentence_of(wrong.start), wrong.start, wrong.end)
        return f'{head}: "{quoted}" is not right: {wrong.correction}'
    if sub.absolutes:
        shown = listing(dict.fromkeys(c.label for c in sub.absolutes), quote=True)
        return f"{head}: over-certain claims ({shown}) with nothing to back them."
    if question.technical:
        if sub.used_terms:
            used = listing([t.display for t in sub.used_terms], quote=True)
            return f"{head}: it uses {used} to make concrete claims."
        if sub.listed_terms:
            named = listing([t.display for t in sub.listed_terms], quote=True)
            return f"{head}: {named} are named but never used to say anything."
        return f"{head}: no mechanism, trade-off or number shows how it works."
    if feats.reflection:
        return f'{head}: "{_quote(feats, feats.reflection[0])}" shows what you took from it.'
    if feats.star["result"] is not None:
        outcome = trim(feats.sentences[feats.star["result"]].text, QUOTE_CHARS)
        return f'{head}: it ends on an outcome ("{outcome}") but no lesson.'
    return f"{head}: no outcome or lesson shows the judgement behind it."


def _job(ctx: EvaluationContext, marks: Marks) -> str:
    head = f"Job alignment {marks.job_alignment}"
    if marks.jd_matched:
        touched = listing(marks.jd_matched, quote=True)
        return f"{head}: it touches {touched} from the job description."
    if ctx.job_description.strip():
        absent = listing(marks.jd_missing, quote=True)
        return f"{head}: it uses none of the job description's key words, such as {absent}."
    return f"{head}: no job description was given; it follows how much of the work it shows."
