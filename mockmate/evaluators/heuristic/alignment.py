"""The job-alignment mark: how much of the job description (and role) the answer speaks to.

With a job description, the answer is matched against its most frequent content words; the
matched and missing ones also feed the feedback. Without one the mark is a neutral
placeholder, nudged up a little when the answer uses the vocabulary of the role's title.
With the interview's stored job analysis, the skills it requires come first and weigh
double (a multi-word skill counts when all its words are said), nice-to-have ones single.
"""

from mockmate.evaluators.heuristic.features import AnswerFeatures
from mockmate.evaluators.heuristic.text import keyword_counts, make_terms, stem
from mockmate.evaluators.heuristic.vocabulary import JD_SKIP, ROLE_VOCAB
from mockmate.evaluators.models import EvaluationContext

NEUTRAL_JOB_ALIGNMENT = 6.0


def job_alignment(
    ctx: EvaluationContext, feats: AnswerFeatures, said: float = 1.0
) -> tuple[float, tuple[str, ...], tuple[str, ...]]:
    """Mark, matched and missing job keywords; neutral (~6) without a job description.
    `said` (0..1, how much the answer says) scales it: naming the job's words is not enough."""
    answer = feats.content_set
    substance = min(1.0, len(feats.content) / 20) * (0.3 + 0.7 * min(1.0, 1.5 * said))
    role_words = keyword_counts(ctx.role, JD_SKIP)
    if not ctx.job_description.strip():
        role_vocab = {
            stem(w)
            for r, vocab in ROLE_VOCAB.items()
            if stem(r) in role_words
            for w in vocab.split()
        }
        bonus = min(1.0, 0.25 * len(role_vocab & answer))
        return 1.0 + (NEUTRAL_JOB_ALIGNMENT - 1.0 + bonus) * substance, (), ()
    counts = keyword_counts(ctx.job_description, JD_SKIP)
    counts.update({s: v for s, v in role_words.items() if s not in counts})
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[1][1]))[:25]
    if ctx.job_required_skills or ctx.job_nice_skills:
        return _against_analysis(ctx, answer, ranked, substance)
    matched = tuple(shown for s, (_, _, shown) in ranked if s in answer)
    missing = tuple(shown for s, (_, _, shown) in ranked if s not in answer)
    target = max(3.0, min(8.0, 0.3 * len(ranked)))
    return 2.0 + 8.0 * min(1.0, len(matched) / target) * substance, matched, missing


def _against_analysis(
    ctx: EvaluationContext, answer: frozenset[str] | set[str],
    ranked: list[tuple[str, tuple[int, int, str]]], substance: float,
) -> tuple[float, tuple[str, ...], tuple[str, ...]]:
    items: list[tuple[str, float, frozenset[str]]] = []
    for skills, weight in ((ctx.job_required_skills, 2.0), (ctx.job_nice_skills, 1.0)):
        items.extend((t.display, weight, frozenset(t.stems)) for t in make_terms(skills))
    named = {s for _, _, stems in items for s in stems}
    items.extend((shown, 1.0, frozenset({s})) for s, (_, _, shown) in ranked if s not in named)
    items = items[:25]
    matched = tuple(shown for shown, _, stems in items if stems <= answer)
    missing = tuple(shown for shown, _, stems in items if not stems <= answer)
    got = sum(weight for _, weight, stems in items if stems <= answer)
    target = max(3.0, min(8.0, 0.3 * sum(weight for _, weight, _ in items)))
    return 2.0 + 8.0 * min(1.0, got / target) * substance, matched, missing
