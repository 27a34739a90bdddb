"""The stored job-description analysis at work: its required skills steer question selection
and weigh double in the `job_alignment` mark; nice-to-have skills weigh single."""

import random

from mockmate.evaluators.heuristic import evaluate_heuristically
from mockmate.evaluators.models import EvaluationContext
from mockmate.jobdesc.analysis import analyze_job_description
from mockmate.questions.models import Question
from mockmate.questions.selection import select_questions

JD = """Senior Backend Engineer

Requirements:
- 5+ years with PostgreSQL and Kafka

Nice to have:
- React, GraphQL
"""

QUESTION = Question(id="bank:x", text="How would you design an event pipeline?",
                    category="technical", difficulty="mid", skills=("kafka",))
REQUIRED = ("We stream orders through Kafka topics partitioned by customer, and a consumer "
            "writes them into PostgreSQL in idempotent batches keyed by order id, so a replay "
            "never doubles a row; lag stayed under two seconds at 5k events per second.")
NICE = ("We built the dashboard in React on a GraphQL API, so each screen asks for exactly "
        "the fields it shows; the team shipped pages faster and the payloads got smaller, "
        "about forty percent less data at 5k requests per second.")


def q(name: str, skills: tuple[str, ...]) -> Question:
    return Question(id=f"bank:{name}", text=f"{name}?", category="technical",
                    difficulty="mid", skills=skills)


def test_the_analysis_finds_required_and_nice_skills() -> None:
    job = analyze_job_description(JD)
    assert {"PostgreSQL", "Kafka"} <= set(job.required_skills)
    assert {"React", "GraphQL"} <= set(job.nice_to_have_skills)


def test_required_skills_outweigh_nice_to_have_ones_in_selection() -> None:
    # Without the analysis every skill the text names weighs the same (2.0 each: a tie
    # within the random jitter); with it, the required ones weigh double the others.
    bank = [q("required", ("kafka", "messaging")), q("nice", ("react", "graphql"))]
    job = analyze_job_description(JD)
    for seed in range(20):
        chosen = select_questions(
            bank, role="", interview_type="technical", difficulty="mid", count=1,
            job_description=JD, rng=random.Random(seed),
            required_skills=job.required_skills, nice_skills=job.nice_to_have_skills,
        )
        assert [c.id for c in chosen] == ["bank:required"]


def test_job_alignment_weighs_the_required_skills() -> None:
    job = analyze_job_description(JD)

    def alignment(answer: str) -> float:
        ctx = EvaluationContext(
            question=QUESTION, answer_text=answer, role="Backend Engineer", job_description=JD,
            job_required_skills=tuple(job.required_skills),
            job_nice_skills=tuple(job.nice_to_have_skills))
        return evaluate_heuristically(ctx).rubric.job_alignment

    assert alignment(REQUIRED) >= alignment(NICE) + 1.0
    plain = [evaluate_heuristically(EvaluationContext(
        question=QUESTION, answer_text=a, role="Backend Engineer", job_description=JD,
    )).rubric.job_alignment for a in (REQUIRED, NICE)]
    assert abs(plain[0] - plain[1]) < 1.0  # the text alone tells them apart less
