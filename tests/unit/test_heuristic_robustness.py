"""The offline evaluator never fails or stalls on any input: deterministic, 20,000-character
and adversarial answers, and any text or word salad (Hypothesis). The ranking and feedback
tests are in `test_heuristic_evaluator.py`."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockmate.evaluators.heuristic import HeuristicEvaluator, evaluate_heuristically
from mockmate.evaluators.models import Delivery, EvaluationContext
from mockmate.questions.models import Question
from tests.unit.test_heuristic_evaluator import (
    CONFLICT,
    LATE_FEATURE,
    SLOW_ENDPOINT,
    STRONG_STAR,
    STRONG_TECH,
    TABLE,
    assert_valid,
)


def test_evaluation_is_deterministic() -> None:
    for question, answer in TABLE.values():
        ctx = EvaluationContext(question=question, answer_text=answer)
        assert evaluate_heuristically(ctx) == evaluate_heuristically(ctx)


async def test_heuristic_evaluator_wraps_the_pure_function() -> None:
    ctx = EvaluationContext(question=SLOW_ENDPOINT, answer_text=STRONG_TECH)
    assert await HeuristicEvaluator().evaluate(ctx) == evaluate_heuristically(ctx)


def test_a_20000_character_answer_is_evaluated() -> None:
    answer = ((STRONG_STAR + "\n") * 20)[:20_000]
    ctx = EvaluationContext(question=CONFLICT, answer_text=answer)
    assert_valid(evaluate_heuristically(ctx), answer)


@pytest.mark.parametrize(
    "answer",
    ["I\n" * 10_000, "I led 5%. " * 2_000, "x" * 20_000, "é… " * 7_000, "1 " * 10_000],
    ids=["lines", "tiny-sentences", "one-token", "unicode-ellipses", "numbers"],
)
def test_adversarial_20000_character_answers_are_evaluated(answer: str) -> None:
    ctx = EvaluationContext(question=CONFLICT, answer_text=answer[:20_000])
    assert_valid(evaluate_heuristically(ctx), answer[:20_000])


_WORDS_TEXT = (
    "I we led built reduced 40% 3 weeks because however trade-off cache TTL index join "
    "the a and then first as result learned next time team teammate disagreed um like "
    "always usually basically stuff Redis p95 ms"
)
_WORDS = _WORDS_TEXT.split()
_QUESTIONS = st.sampled_from([CONFLICT, SLOW_ENDPOINT, LATE_FEATURE])
_DELIVERIES = st.none() | st.builds(
    Delivery,
    words_per_minute=st.floats(allow_nan=True, allow_infinity=True),
    filler_words=st.dictionaries(st.text(max_size=8), st.integers(-5, 500), max_size=4),
    pause_count=st.integers(-5, 1000),
    longest_pause_s=st.floats(allow_nan=True, allow_infinity=True),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=st.text(max_size=3000), question=_QUESTIONS, delivery=_DELIVERIES)
def test_any_text_yields_a_valid_evaluation(
    answer: str, question: Question, delivery: Delivery | None
) -> None:
    ctx = EvaluationContext(question=question, answer_text=answer, delivery=delivery)
    assert_valid(evaluate_heuristically(ctx), answer)


@settings(max_examples=200, deadline=None)
@given(
    tokens=st.lists(
        st.sampled_from(_WORDS) | st.sampled_from([".", ",", "!", "\n", " ", "-", "\u2019"]),
        max_size=400,
    ),
    question=_QUESTIONS,
)
def test_any_word_salad_yields_a_valid_evaluation(tokens: list[str], question: Question) -> None:
    answer = " ".join(tokens)
    ctx = EvaluationContext(question=question, answer_text=answer, job_description=answer[:500])
    assert_valid(evaluate_heuristically(ctx), answer)
