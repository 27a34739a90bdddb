"""What Gemini reads from a document is kept only where the document says it (pure rules)."""

import pytest
from pydantic import ValidationError

from mockmate.providers.gemini_documents import (
    _Experience,
    _JobAnalysis,
    _Project,
    _Resume,
    grounded_job,
    grounded_resume,
)

TEXT = """Ada  Lovelace
Analyst at Babbage & Co (1842 - 1843)
Projects: Notes on the Analytical Engine - Bernoulli numbers, punched cards
Skills: mathematics, C++"""


def test_kept_when_written_in_any_case_and_spacing() -> None:
    resume = grounded_resume(_Resume(
        name="ada lovelace", skills=["Mathematics", "c++"],
        experience=[_Experience(company="Babbage &  Co", title="analyst")],
        projects=[_Project(name="Notes on the Analytical Engine",
                           technologies=["punched cards"])]), TEXT)
    assert resume.name == "ada lovelace" and resume.skills == ["Mathematics", "c++"]
    assert [e.company for e in resume.experience] == ["Babbage &  Co"]
    assert resume.projects[0].technologies == ["punched cards"]


def test_what_the_text_does_not_say_is_dropped() -> None:
    resume = grounded_resume(_Resume(
        name="Charles Babbage", skills=["Python", "mathematics"],
        experience=[_Experience(company="Babbage & Co", title="Chief Engineer"),
                    _Experience(company="", title="")],
        projects=[_Project(name="Difference Engine"),
                  _Project(name="Notes on the Analytical Engine", technologies=["Rust"])]),
        TEXT)
    assert resume.name == "" and resume.skills == ["mathematics"]
    assert resume.experience == []  # a title she never held; an empty entry
    assert [(p.name, p.technologies) for p in resume.projects] == [
        ("Notes on the Analytical Engine", [])]


def test_a_reading_past_the_models_limits_is_refused() -> None:
    with pytest.raises(ValidationError):
        grounded_resume(_Resume(summary="x" * 6000), TEXT)


def test_job_skills_must_be_in_the_posting_and_seniority_in_the_scale() -> None:
    posting = "Senior engineer. Required: Python, Kafka."
    job = grounded_job(_JobAnalysis(title="Senior engineer", seniority=" Senior ",
                                    required_skills=["python", "Go"],
                                    nice_to_have_skills=["Kafka", "Rust"]), posting)
    assert (job.seniority, job.required_skills, job.nice_to_have_skills) == (
        "senior", ["python"], ["Kafka"])
    with pytest.raises(ValidationError):
        grounded_job(_JobAnalysis(title="x", seniority="wizard"), posting)
