"""Practice rules: which questions a practice session asks, how a question is recognised
again, and the before/after of a re-answer."""

import random

from mockmate.questions.models import Question
from mockmate.skills.practice_rules import Attempt, compare, pick_practice_questions, question_key


def q(n: int, skills: tuple[str, ...], category: str = "technical",
      difficulty: str = "mid") -> Question:
    return Question.model_validate({"id": f"bank:{n}", "text": f"Question {n}?",
                                    "category": category, "difficulty": difficulty,
                                    "skills": skills})


BANK = [q(1, ("sql",)), q(2, ("sql", "caching"), difficulty="senior"), q(3, ("caching",)),
        q(4, ("communication",), category="behavioral")]


def test_a_question_is_the_same_however_it_is_written() -> None:
    assert question_key("Tell me about  a conflict?") == question_key("tell me about a CONFLICT")
    assert question_key("Tell me about a conflict") != question_key("Tell me about a failure")


def test_practice_on_a_skill_asks_its_questions_nearest_difficulty_first_then_again() -> None:
    picked = pick_practice_questions(BANK, skill="SQL", category=None, difficulty="mid",
                                     count=5, rng=random.Random(1))
    assert [p.id for p in picked] == ["bank:1", "bank:2", "bank:1", "bank:2", "bank:1"]


def test_practice_on_a_category_or_nothing_matching() -> None:
    picked = pick_practice_questions(BANK, skill=None, category="behavioral", difficulty="mid",
                                     count=1, rng=random.Random(1))
    assert [p.id for p in picked] == ["bank:4"]
    assert pick_practice_questions(BANK, skill="sql", category="behavioral", difficulty="mid",
                                   count=3, rng=random.Random(1)) == []


def test_a_re_answer_shows_each_criterion_before_and_after() -> None:
    before = Attempt(answer_id="a", interview_id="i", index=0, at="2026-11-01", score=4.2,
                     rubric={"relevance": 5, "examples": 3, "clarity": 6,
                             "technical_accuracy": 4, "job_alignment": 4})
    after = before.model_copy(update={"answer_id": "b", "score": 6.9, "rubric": {
        "relevance": 7, "examples": 8, "clarity": 5.5, "technical_accuracy": 4,
        "job_alignment": 6}})
    change = compare("k", "Question?", before, after)
    assert change.score_delta == 2.7
    assert change.rubric_deltas == {"relevance": 2.0, "examples": 5.0, "clarity": -0.5,
                                    "technical_accuracy": 0.0, "job_alignment": 2.0}
    assert change.improved == ["relevance", "examples", "job_alignment"]
    assert change.declined == ["clarity"]
