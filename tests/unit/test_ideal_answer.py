"""Every evaluation carries the outline of a strong answer to its question (STAR, technical
or situational), each step marked covered (quoting the candidate) or missed."""

import pytest

from mockmate.evaluators.heuristic import evaluate_heuristically
from mockmate.evaluators.heuristic.ideal import demand, ideal_for
from mockmate.evaluators.models import EvaluationContext, IdealOutline
from mockmate.questions.models import Question

MISTAKE = Question(
    id="t:mistake", text="Tell me about a time you made a mistake at work. What did you learn?",
    category="behavioral", difficulty="mid",
)
CACHE = Question(
    id="t:cache", text="How would you speed up a slow API endpoint that runs an expensive SQL "
    "query on every request?", category="technical", difficulty="mid", skills=("sql", "caching"),
)
SLIP = Question(
    id="t:slip", text="Your project will miss its deadline by two weeks. What do you do?",
    category="situational", difficulty="mid",
)
NO_RESULT = (
    "Last year I ran a database migration on a Friday that locked our orders table. I was the "
    "engineer on call, so fixing it was my job. I cancelled the migration, told my lead in the "
    "incident channel and rewrote it as three batched steps."
)
FULL_STORY = NO_RESULT + (
    " Checkout was back within 12 minutes and the rewrite ran with no lock. I learned to check "
    "how a migration locks a table before I run it."
)
TECH_NO_TRADE_OFF = (
    "First I would run EXPLAIN ANALYZE on the query to see the plan. I would add a composite "
    "index on the filtered columns and cache the result in Redis with a TTL of 30 seconds."
)
OFF_TOPIC_STORY = (
    "The project I'm proudest of is the caching layer I built for our catalogue. Pages took two "
    "seconds, so I added Redis with a five-minute TTL. Load times dropped to 300 milliseconds."
)


def outline(question: Question, answer: str) -> IdealOutline:
    evaluation = evaluate_heuristically(EvaluationContext(question=question, answer_text=answer))
    assert evaluation.ideal_outline is not None and evaluation.ideal_answer is not None
    assert evaluation.ideal_answer_strengths
    for point in evaluation.ideal_outline.points:
        assert point.point in evaluation.ideal_answer  # the text renders every step
        if point.quote:
            assert point.quote.rstrip("…") in " ".join(answer.split())  # verbatim
    return evaluation.ideal_outline


def parts(result: IdealOutline, covered: bool) -> list[str]:
    return [p.part for p in result.points if p.covered == covered]


@pytest.mark.parametrize(
    ("question", "answer", "structure", "missed"),
    [
        (MISTAKE, NO_RESULT, "star", ["result", "reflection"]),
        (MISTAKE, FULL_STORY, "star", []),
        (CACHE, TECH_NO_TRADE_OFF, "technical", ["reasons", "verification"]),
        (SLIP, "I would work harder.", "situational",
         ["answer", "assess", "options", "decision", "communicate", "follow_up"]),
    ],
)
def test_the_outline_marks_what_this_answer_missed(
    question: Question, answer: str, structure: str, missed: list[str]
) -> None:
    result = outline(question, answer)
    assert result.structure == structure
    assert parts(result, covered=False) == missed
    assert len(result.missed) == len(missed)


def test_a_star_outline_names_the_story_asked_for_and_quotes_the_parts_given() -> None:
    result = outline(MISTAKE, NO_RESULT)
    situation = next(p for p in result.points if p.part == "situation")
    assert "you made a mistake at work" in situation.point
    assert situation.quote == (
        "Last year I ran a database migration on a Friday that locked our orders table."
    )
    assert any(m.startswith("Result: how it ended, with a number") for m in result.missed)


def test_a_technical_outline_suggests_the_terms_a_strong_answer_uses() -> None:
    mechanism = next(p for p in outline(CACHE, TECH_NO_TRADE_OFF).points
                     if p.part == "mechanism")
    assert mechanism.covered and "a strong answer would use terms like" in mechanism.point


def test_a_story_about_something_else_covers_nothing_of_this_question() -> None:
    result = outline(MISTAKE, OFF_TOPIC_STORY)
    assert parts(result, covered=True) == []
    assert result.missed[0].startswith("Answer what was asked: Tell me about a time")


def test_the_outline_for_an_llm_evaluation_is_the_same() -> None:
    assert ideal_for(MISTAKE, NO_RESULT) == outline(MISTAKE, NO_RESULT)


def test_demand() -> None:
    assert demand(MISTAKE) == "you made a mistake at work"
    assert demand(SLIP) == "Your project will miss its deadline by two weeks. What do you do"
