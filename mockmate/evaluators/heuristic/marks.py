"""The five rubric marks, and the relevance and examples rules they start from.

`score` computes every mark from the answer's features and the question's profile, and is
the one place where the criteria interact: specifics and expertise only count in proportion
to how on-topic the answer is, and text that isn't prose is pulled towards the bottom. The
relevance and examples rules live here; clarity, technical depth and job alignment have
modules of their own.
"""

from dataclasses import dataclass

from mockmate.evaluators.heuristic.alignment import job_alignment
from mockmate.evaluators.heuristic.clarity import clarity
from mockmate.evaluators.heuristic.depth import reflection, technical
from mockmate.evaluators.heuristic.features import AnswerFeatures
from mockmate.evaluators.heuristic.findings import Feedback
from mockmate.evaluators.heuristic.intent import Frame, another_story
from mockmate.evaluators.heuristic.question import QuestionProfile
from mockmate.evaluators.heuristic.substance import Substance, analyse_substance
from mockmate.evaluators.heuristic.text import Term
from mockmate.evaluators.models import EvaluationContext, Rubric


@dataclass(frozen=True)
class Marks:
    """The final marks, with what the feedback needs to know about how they were reached."""

    relevance: float
    matched_keywords: tuple[str, ...]
    topic_hits: int
    examples: float
    clarity: float
    technical_accuracy: float
    tech_hits: tuple[Term, ...]
    job_alignment: float
    jd_matched: tuple[str, ...]
    jd_missing: tuple[str, ...]
    substance: Substance
    topic_factor: float

    def rubric(self) -> Rubric:
        return Rubric(
            relevance=self.relevance,
            examples=self.examples,
            clarity=self.clarity,
            technical_accuracy=self.technical_accuracy,
            job_alignment=self.job_alignment,
        )


def mark(value: float) -> float:
    return round(min(10.0, max(1.0, value)), 1)


def score(
    ctx: EvaluationContext, feats: AnswerFeatures, question: QuestionProfile, fb: Feedback
) -> Marks:
    # Garbage (no function words at all) is not prose: shrink every mark towards 1.
    prose = min(1.0, 0.3 + 5.0 * feats.stopword_ratio) if feats.word_count else 0.0

    def final(value: float) -> float:
        return mark(1.0 + (value - 1.0) * prose)

    sub = analyse_substance(feats, question, question.technical)
    said = sub.level * (1.0 - 0.5 * sub.fluff)  # what platitudes surround counts less
    relevance_raw, matched, topic_hits = relevance(feats, question)
    # Specifics and expertise only count when they illustrate *this* question.
    topic_factor = 0.2 + 0.8 * min(1.0, relevance_raw / 0.5)
    # Being on topic is worth little when the answer says nothing, or says it wrongly.
    listed = len(sub.lists) / max(1, len(feats.sentences))
    relevance_mark = (
        1.0
        + 9.0 * relevance_raw * (0.5 + 0.5 * min(1.0, 2.0 * said))
        - 4.0 * sub.fluff  # talking around the topic
        - 3.0 * listed  # naming the topic's terms is not answering
    )
    if sub.wrong:
        relevance_mark -= 2.0
    hits = sub.used_terms if question.technical else ()
    example_mark = 1.0 + (examples(feats, question, sub) - 1.0) * topic_factor
    clarity_mark = clarity(ctx.delivery, feats, question, fb, sub.density)
    tech = (
        technical(feats, question, sub)
        if question.technical
        else reflection(feats, question, said)
    )
    tech = 1.0 + (tech - 1.0) * topic_factor
    job, jd_matched, jd_missing = job_alignment(ctx, feats, said)
    if sub.wrong:
        # Examples of a false claim do not support the answer.
        example_mark = 1.0 + (example_mark - 1.0) * 0.5
        job = 1.0 + (job - 1.0) * 0.5
    if other_story(feats, question) is not None or relevance_raw < ABOUT_SOMETHING_ELSE:
        # A vivid example of something else is not an example for this answer (rubric: 3 at
        # most), and the judgement it shows is about another situation.
        example_mark = min(example_mark, 3.0)
        tech = min(tech, 3.5)
    # Platitudes dilute everything an answer says around them.
    keep = 1.0 - 0.5 * sub.fluff
    example_mark = 1.0 + (example_mark - 1.0) * keep
    clarity_mark = 1.0 + (clarity_mark - 1.0) * keep
    tech = 1.0 + (tech - 1.0) * keep
    job = 1.0 + (job - 1.0) * keep
    return Marks(
        relevance=final(relevance_mark),
        matched_keywords=matched,
        topic_hits=topic_hits,
        examples=final(example_mark),
        clarity=final(clarity_mark),
        technical_accuracy=final(tech),
        tech_hits=hits,
        job_alignment=final(job),
        jd_matched=jd_matched,
        jd_missing=jd_missing,
        substance=sub,
        topic_factor=topic_factor,
    )


# What is left of relevance when the answer announces a story the question did not ask for.
OTHER_STORY = 0.25
# Relevance (0..1) below which an answer's examples and judgement are about something else.
ABOUT_SOMETHING_ELSE = 0.25


def other_story(feats: AnswerFeatures, question: QuestionProfile) -> Frame | None:
    """The story of another kind the answer announces in its first sentence, if any."""
    return another_story(question.intents, feats.sentences[0].text) if feats.sentences else None


def relevance(
    feats: AnswerFeatures, question: QuestionProfile
) -> tuple[float, tuple[str, ...], int]:
    """0..1 from question keywords covered, topic vocabulary used and share of on-topic words;
    with the keywords matched and the number of topic terms used."""
    if not feats.content:
        return 0.0, (), 0
    answer = feats.content_set
    matched = question.covered(answer, feats.stem_line)
    coverage = len(matched) / len(question.keywords) if question.keywords else 0.5
    topic_hits = sum(1 for t in question.topic_terms if feats.has(t))
    topical = len(matched) + topic_hits
    density = sum(1 for s in feats.content if s in question.topic_stems) / len(feats.content)
    # Topic vocabulary can stand in for the question's literal words (a story about an outage
    # answers "a time you failed" without using the word).
    raw = (
        0.45 * min(1.0, max(coverage / 0.6, 0.8 * topic_hits / 6))
        + 0.35 * min(1.0, topical / 6)
        + 0.20 * min(1.0, density / 0.16)
    )
    if not matched and topic_hits < 2 and len(question.keywords) >= 2:
        raw *= 0.5  # a couple of common topic words ("plan", "time") are not an answer
    if other_story(feats, question) is not None:
        raw *= OTHER_STORY  # a prepared story of another kind, whatever words it shares
    return raw * min(1.0, 0.6 + len(feats.content) / 25), matched, topic_hits


def examples(feats: AnswerFeatures, question: QuestionProfile, sub: Substance) -> float:
    """Raw examples mark: what the answer's sentences say (numbers, actions, reasons, terms
    used in claims), plus names and worked cases, minus vagueness."""
    named = len([n for n in feats.named if n.lower() not in _listed(sub)])
    points = (
        1.0
        + min(7.0, 0.8 * sub.points)
        + min(1.0, 0.35 * named)
        + min(1.0, 0.5 * feats.example_markers)
    )
    vagueness = len(feats.vague) + 0.4 * len(feats.soft_vague) + 0.5 * len(feats.hand_wavy)
    return points - min(4.0, vagueness) - min(2.0, 0.5 * len(sub.platitudes))


def _listed(sub: Substance) -> set[str]:
    return {t.display.lower() for t in sub.listed_terms}
