"""Feedback on the answer's content: length, relevance, specifics, structure and the job.

Candidates read this, so every strength and weakness names what was (or wasn't) found in
their answer and quotes it verbatim, each with a priority so only the most important few are
reported. `general_feedback` runs every content rule in a fixed order (which also breaks
ties between equal priorities); delivery remarks are added earlier, by the clarity mark.
"""

from mockmate.evaluators.heuristic.cues import Cue, distinct_labels
from mockmate.evaluators.heuristic.depth_feedback import story_feedback, technical_feedback
from mockmate.evaluators.heuristic.evidence import best_metric
from mockmate.evaluators.heuristic.features import AnswerFeatures
from mockmate.evaluators.heuristic.findings import Feedback, Quote, listing
from mockmate.evaluators.heuristic.marks import Marks
from mockmate.evaluators.heuristic.question import QuestionProfile
from mockmate.evaluators.heuristic.quotes import clause_around, trim
from mockmate.evaluators.heuristic.vocabulary import QUANTITATIVE_SKILLS
from mockmate.evaluators.models import EvaluationContext


def general_feedback(
    ctx: EvaluationContext,
    feats: AnswerFeatures,
    question: QuestionProfile,
    marks: Marks,
    fb: Feedback,
) -> None:
    """Add the content-related strengths and weaknesses (delivery ones come from scoring)."""
    wc = feats.word_count
    if wc == 0:
        fb.weakness(
            100,
            "No answer was given",
            "Answer in 3-5 sentences: the context, what you did, and the result.",
        )
        return

    def quote(cue: Cue) -> str:
        return clause_around(feats.text, feats.sentence_of(cue.start), cue.start, cue.end)

    technical = question.technical
    if feats.stopword_ratio == 0 and wc >= 3:
        fb.weakness(
            95,
            "This doesn't read as sentences, so there is little to assess",
            "Answer in full sentences, as you would say it out loud to the interviewer.",
        )
    if wc < 40:
        fb.weakness(
            90,
            f"Too short to show much: only {wc} word{'s' if wc != 1 else ''}",
            "Aim for about 150-300 words (1-2 minutes): the context, your steps, and the result.",
        )
    elif wc > 400:
        fb.weakness(
            38,
            f"Runs long at {wc} words, so the key points get buried",
            "Cut to the 3-4 points that matter most; aim for under 350 words.",
        )
    elif wc >= 120:
        fb.strength(1.5, f"Well-judged length ({wc} words)")

    relevance_feedback(ctx, question, marks, fb)
    specifics_feedback(feats, question, marks, fb, quote)
    if technical:
        technical_feedback(feats, question, marks, fb, quote)
    else:
        story_feedback(feats, question, fb, quote)

    labels = distinct_labels(feats.connectives)
    if len(labels) >= 3 and marks.clarity >= 6:
        fb.strength(5, f"Signposted structure ({listing(labels, quote=True)}) is easy to follow")
    elif not labels and wc >= 80:
        fb.weakness(
            35,
            "No signposting between the steps",
            "Signpost the steps: 'First …', 'Then …', 'As a result …'.",
        )
    if ctx.delivery is None and feats.text_fillers >= 3 and 100 * feats.text_fillers / wc > 2:
        fb.weakness(
            40,
            f"{feats.text_fillers} filler words ('um', 'you know', …) in the answer",
            "Replace fillers with a short silent pause.",
        )
    if ctx.job_description.strip():
        if marks.job_alignment >= 7 and marks.jd_matched:
            fb.strength(
                6.5, f"Connects to the job description: mentions {listing(marks.jd_matched, 4)}"
            )
        elif marks.job_alignment < 5 and marks.jd_missing:
            missing = listing(marks.jd_missing, 3, quote=True)
            fb.weakness(
                48,
                f"Little link to the job description: nothing about {missing}",
                f"Tie the example to the role: bring in {missing} where it's genuinely relevant.",
            )


def relevance_feedback(
    ctx: EvaluationContext, question: QuestionProfile, marks: Marks, fb: Feedback
) -> None:
    """Whether the answer addresses the question, naming the question words it left out."""
    matched = marks.matched_keywords
    missing = [w for w in question.keywords.values() if w not in matched]
    tip = (
        f"Start with a direct answer to what was asked ('{trim(ctx.question.text, 140)}'), "
        "then back it up."
    )
    if marks.relevance < 4:
        if not matched and not marks.topic_hits and missing:
            text = f"Doesn't address the question: {listing(missing, quote=True)} never come up"
        elif missing:
            text = f"Only loosely on the question: {listing(missing, quote=True)} aren't covered"
        else:
            text = "Doesn't clearly address the question that was asked"
        fb.weakness(85, text, tip)
    elif marks.relevance >= 7 and matched:
        fb.strength(6, f"Answers the question directly, covering {listing(matched, quote=True)}")
    elif marks.relevance >= 5 and matched:
        fb.strength(3, f"Stays on topic: {listing(matched, quote=True)}")


def specifics_feedback(
    feats: AnswerFeatures, question: QuestionProfile, marks: Marks, fb: Feedback, quote: Quote
) -> None:
    """Numbers, first-person actions and names, or the generalities that replace them."""
    technical = question.technical
    on_topic = marks.relevance >= 4
    if feats.metrics:
        if on_topic:
            cue, impact = best_metric(feats)
            label = "Quantified impact" if impact else "Concrete numbers"
            fb.strength(9 + min(2.0, 0.5 * len(feats.metrics)), f"{label}: '{quote(cue)}'")
    elif technical and QUANTITATIVE_SKILLS.intersection(question.skills):
        fb.weakness(
            42,
            "No concrete numbers (load, latency, sizes or a before/after measurement)",
            "Anchor the answer with numbers: expected load, a latency target, or a before/after "
            "result.",
        )
    elif technical and not (feats.example_markers or feats.code_terms or feats.past_actions):
        fb.weakness(
            40,
            "No concrete example: the explanation stays abstract",
            "Illustrate it with one concrete case: a snippet, a real bug you hit, or "
            "'for example, when …'.",
        )
    elif feats.star["result"] is not None:
        fb.weakness(
            60,
            "No measurable outcome: no numbers, percentages or time frames",
            "Quantify at least one outcome: time saved, % change, users affected, or a deadline "
            "met.",
        )

    mine = [c for c in feats.past_actions if c.label.startswith("i")]
    if len(feats.past_actions) >= 2:
        cue = (mine or list(feats.past_actions))[0]
        fb.strength(8 if mine else 5, f"Concrete actions, stated plainly: '{quote(cue)}'")
    if not technical and len(feats.past_actions) >= 2 and not mine:
        fb.weakness(
            58,
            "Your own role is unclear: every action is 'we …'",
            "Say what you personally did: 'I proposed …, and the team agreed to …'.",
        )
    if (
        question.category == "behavioral"
        and len(feats.planned_actions) > len(feats.past_actions)
        and len(feats.past_actions) < 2
    ):
        fb.weakness(
            65,
            f"Hypothetical ('{quote(feats.planned_actions[0])}') instead of what you actually did",
            "Tell a real story in the past tense: what happened, what you did, what changed.",
        )
    if len(feats.named) >= 2 and on_topic:
        fb.strength(5, f"Names concrete specifics: {listing(feats.named, 4)}")

    specific_tip = (
        "Replace general claims ('I always …') with one real situation: 'Last year at …, I …'."
    )
    if feats.vague:
        fb.weakness(
            75,
            f"Generalities instead of a specific example: '{quote(feats.vague[0])}'",
            specific_tip,
        )
    elif not technical and len(feats.soft_vague) >= 2 and len(feats.past_actions) < 2:
        fb.weakness(
            52,
            f"Describes what usually happens, not one real time: '{quote(feats.soft_vague[0])}'",
            specific_tip,
        )
    if len(feats.hand_wavy) >= 2 or (feats.hand_wavy and technical):
        fb.weakness(
            72 if technical else 45,
            f"Hand-wavy wording: '{quote(feats.hand_wavy[0])}'",
            "Replace vague wording with the exact change you'd make and why it works"
            + (", step by step." if technical else "."),
        )
