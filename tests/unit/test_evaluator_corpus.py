"""The offline evaluator against a fixed table from the graded corpus: better answers score
higher, no trap outscores a better genuine answer, and every evaluation says how sure it is
and why each criterion got its mark."""

import re
from functools import cache

import pytest

from mockmate.evaluators.agreement import (
    CORPUS_PATH,
    GradedAnswer,
    Scored,
    load_graded,
    ranks,
    report,
    spearman,
)
from mockmate.evaluators.heuristic import evaluate_heuristically
from mockmate.evaluators.models import Evaluation, EvaluationContext


@cache
def corpus() -> dict[str, GradedAnswer]:
    return {item.id: item for item in load_graded(CORPUS_PATH)}


@cache
def evaluated(answer_id: str) -> Evaluation:
    item = corpus()[answer_id]
    return evaluate_heuristically(
        EvaluationContext(question=item.question, answer_text=item.answer, role=item.role)
    )


def score(answer_id: str) -> float:
    return evaluated(answer_id).score


def test_the_corpus_is_big_and_varied_enough() -> None:
    items = list(corpus().values())
    assert len(items) >= 150
    assert len({i.question.id for i in items}) >= 30
    assert {i.question.category for i in items} == {"technical", "behavioral", "situational"}
    kinds = [i.kind for i in items]
    for kind in ("long_but_empty", "keyword_stuffed", "other_question", "confidently_wrong",
                 "short_but_strong", "rambling_with_substance", "asr_slips"):
        assert kinds.count(kind) >= 5, kind
    assert {i.split for i in items} == {"dev", "holdout", "fresh", "final"}


# (better, worse): each pair was graded at least half a point apart, trap kinds included.
ORDER = [
    ("slow-sql-endpoint/weak", "slow-sql-endpoint/keyword_stuffed"),
    ("slow-sql-endpoint/weak", "slow-sql-endpoint/long_but_empty"),
    ("rate-limiter/average", "rate-limiter/confidently_wrong"),
    ("rate-limiter/short_but_strong", "rate-limiter/average"),
    ("production-incident/average", "production-incident/other_question"),
    ("production-incident/asr_slips", "production-incident/average"),
    ("idempotent-payments/rambling_with_substance", "idempotent-payments/weak"),
    ("star-vs-normalized/average", "star-vs-normalized/confidently_wrong"),
    ("wau-drop/average", "wau-drop/long_but_empty"),
    ("ab-test-checkout/average", "ab-test-checkout/keyword_stuffed"),
    ("underperforming-engineer/strong", "underperforming-engineer/other_question"),
    ("p-value/average", "p-value/confidently_wrong"),
    ("mentored-someone/short_but_strong", "mentored-someone/keyword_stuffed"),
    ("slow-react-page/asr_slips", "slow-react-page/confidently_wrong"),
    ("relational-vs-document/average", "relational-vs-document/confidently_wrong"),
    ("event-loop/weak", "event-loop/keyword_stuffed"),
    ("mistake-at-work/strong", "mistake-at-work/rambling_with_substance"),
    ("url-shortener/weak", "url-shortener/long_but_empty"),
    # The fresh split (written after tuning began, graded before it was scored).
    ("found-vulnerability/average", "found-vulnerability/other_question"),
    ("release-bug-tomorrow/average", "release-bug-tomorrow/other_question"),
    ("research-changed-design/average", "research-changed-design/other_question"),
    ("alert-noise/average", "alert-noise/confidently_wrong"),
    ("flaky-network-app/average", "flaky-network-app/keyword_stuffed"),
    ("tech-debt-vs-features/asr_slips", "tech-debt-vs-features/keyword_stuffed"),
    ("model-worse-in-production/rambling_with_substance", "model-worse-in-production/weak"),
]


@pytest.mark.parametrize(("better", "worse"), ORDER)
def test_a_better_answer_scores_higher(better: str, worse: str) -> None:
    assert corpus()[better].grade >= corpus()[worse].grade + 0.5
    assert score(better) > score(worse)


# Score bands per kind on a fixed sample: strong answers high, traps low.
BANDS = [
    ("slow-sql-endpoint/strong", 7.5, 10),
    ("production-incident/strong", 7.0, 10),
    ("ab-test-checkout/strong", 7.5, 10),
    ("slow-sql-endpoint/keyword_stuffed", 1, 4),
    ("imbalanced-fraud/keyword_stuffed", 1, 4),
    ("accessible-dropdown/long_but_empty", 1, 4),
    ("seniors-disagree-architecture/long_but_empty", 1, 4),
    ("idempotent-payments/confidently_wrong", 1, 4.5),
    ("detect-overfitting/confidently_wrong", 1, 4.5),
    ("say-no-stakeholder/other_question", 1, 4.5),
    ("data-quality-problem/other_question", 1, 4.5),
    ("wau-drop/weak", 1, 4.5),
]


@pytest.mark.parametrize(("answer_id", "low", "high"), BANDS)
def test_scores_fall_in_their_band(answer_id: str, low: float, high: float) -> None:
    assert low <= score(answer_id) <= high


def test_the_whole_corpus_is_ordered_as_the_graders_ordered_it() -> None:
    """Issue 16's targets on the whole corpus, as `bench/evaluator_agreement.py` measures them
    (docs/evaluation.md): a change that loses agreement fails here, in the README's test
    command. The held-out splits alone keep the pairwise floor and no trap violation."""
    items = list(corpus().values())
    rep = report([Scored(item=i, score=score(i.id)) for i in items])
    assert rep.spearman >= 0.9
    assert rep.pairwise >= 0.95
    assert rep.trap_violations == []
    held_out = report([Scored(item=i, score=score(i.id)) for i in items if i.split != "dev"])
    assert held_out.pairwise >= 0.95
    assert held_out.trap_violations == []


def test_a_dense_short_answer_beats_a_longer_average_one() -> None:
    for question in ("rate-limiter", "imbalanced-fraud", "mentored-someone"):
        assert score(f"{question}/short_but_strong") > score(f"{question}/average") + 1, question


def test_length_never_buys_score() -> None:
    empty = evaluated("exactly-once-streaming/long_but_empty")
    short = evaluated("url-shortener/short_but_strong")
    assert len(empty_text := corpus()["exactly-once-streaming/long_but_empty"].answer) > len(
        corpus()["exactly-once-streaming/weak"].answer
    ) * 3, empty_text
    assert empty.rubric.examples <= 2
    assert short.rubric.examples > empty.rubric.examples


def test_terms_named_in_a_list_do_not_count_as_expertise() -> None:
    stuffed = evaluated("imbalanced-fraud/keyword_stuffed")
    genuine = evaluated("imbalanced-fraud/average")
    assert stuffed.rubric.technical_accuracy < genuine.rubric.technical_accuracy - 2
    assert "named but never used" in stuffed.criteria_reasons["technical_accuracy"]


def test_a_known_false_claim_is_quoted_and_corrected() -> None:
    wrong = evaluated("p-value/confidently_wrong")
    assert wrong.rubric.technical_accuracy <= 2
    reason = wrong.criteria_reasons["technical_accuracy"]
    assert '"A p-value is the probability that the null hypothesis is true"' in reason
    assert "not the probability that a hypothesis is true" in reason


def test_over_certain_claims_cost_technical_accuracy() -> None:
    # No entry of the misconception table covers this answer (it is in the holdout split).
    wrong = evaluated("relational-vs-document/confidently_wrong")
    assert wrong.rubric.technical_accuracy <= 3
    assert "over-certain claims" in wrong.criteria_reasons["technical_accuracy"]


def test_a_one_line_story_is_not_both_action_and_result() -> None:
    answer = "I fixed the bug and it went down by 50%."
    item = corpus()["mistake-at-work/strong"]
    ev = evaluate_heuristically(EvaluationContext(question=item.question, answer_text=answer))
    assert ev.star.action is None or ev.star.result is None


def test_every_evaluation_explains_each_criterion_with_quotes() -> None:
    for answer_id in ("production-incident/strong", "slow-sql-endpoint/average",
                      "say-no-stakeholder/asr_slips"):
        ev = evaluated(answer_id)
        answer = " ".join(corpus()[answer_id].answer.split())
        assert set(ev.criteria_reasons) == {
            "relevance", "examples", "clarity", "technical_accuracy", "job_alignment"
        }
        for reason in ev.criteria_reasons.values():
            assert reason.endswith("."), reason
            assert reason.count(".") >= 1
        quoted = re.findall(r'"([^"]+)"', ev.criteria_reasons["examples"])
        assert quoted and quoted[0].rstrip("…") in answer


@pytest.mark.parametrize(
    ("answer_id", "confidence"),
    [
        ("slow-sql-endpoint/strong", "high"),
        ("production-incident/strong", "high"),
        ("slow-sql-endpoint/weak", "low"),  # very short
        ("say-no-stakeholder/other_question", "low"),  # answers another question
        ("schema-changes/short_but_strong", "medium"),  # short
    ],
)
def test_confidence_follows_what_there_is_to_judge(answer_id: str, confidence: str) -> None:
    ev = evaluated(answer_id)
    assert ev.confidence == confidence
    assert (ev.confidence_reason is None) == (confidence == "high")


def test_a_low_confidence_score_says_so_to_the_candidate() -> None:
    ev = evaluated("slow-sql-endpoint/weak")
    assert ev.tips[0].startswith("Treat this score as a rough guide: the answer is very short")
    garbled = evaluate_heuristically(EvaluationContext(
        question=corpus()["slow-sql-endpoint/weak"].question,
        answer_text="um uh the the um index uh um so uh um cash uh um yeah um uh " * 3,
    ))
    assert garbled.confidence == "low"
    assert "garbled" in (garbled.confidence_reason or "")


def test_statistics() -> None:
    assert ranks([3.0, 1.0, 3.0, 2.0]) == [3.5, 1.0, 3.5, 2.0]
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    items = [corpus()[i] for i in ("wau-drop/strong", "wau-drop/average", "wau-drop/weak",
                                   "wau-drop/long_but_empty")]
    rep = report([Scored(item=i, score=s) for i, s in zip(items, [8, 6, 2, 3], strict=True)])
    # weak (3.5) vs long_but_empty (2.5): the trap scored above a better genuine answer.
    assert rep.trap_violations == ["wau-drop/long_but_empty (3.0) >= wau-drop/weak (2.0)"]
    assert rep.pairwise == pytest.approx(5 / 6, abs=0.001)
