"""The offline job-description analyser, directly."""

from mockmate.jobdesc.analysis import analyze_job_description
from tests.support.job_descriptions import JOB_POSTING


def test_a_structured_posting() -> None:
    analysis = analyze_job_description(JOB_POSTING)
    assert analysis.title == "Senior Backend Engineer"
    assert analysis.seniority == "senior" and analysis.years_experience == 5
    assert analysis.required_skills == ["Python", "Go", "Kafka", "PostgreSQL", "Kubernetes",
                                        "Docker"]
    assert analysis.nice_to_have_skills == ["Terraform", "Stripe"]
    assert analysis.responsibilities[0] == "Design and build payment services in Python and Go"
    assert len(analysis.responsibilities) == 3


def test_a_one_paragraph_posting() -> None:
    analysis = analyze_job_description(
        "We are hiring a Junior Frontend Developer who knows React. TypeScript is a plus. "
        "1-2 years of experience.")
    assert analysis.title == "Junior Frontend Developer"
    assert analysis.seniority == "junior" and analysis.years_experience == 1
    assert analysis.required_skills == ["React"]
    assert analysis.nice_to_have_skills == ["TypeScript"]


def test_seniority_from_years_when_the_title_is_silent() -> None:
    analysis = analyze_job_description(
        "Job title: Data Engineer\nRequirements\n- 6+ years with Spark and Airflow\n"
        "You will own our ETL pipelines.")
    assert analysis.title == "Data Engineer" and analysis.seniority == "senior"
    assert analysis.required_skills == ["Spark", "Airflow", "ETL"]
    staff = analyze_job_description("Staff Software Engineer, Platform\nWe use Go.")
    assert staff.seniority == "staff" and staff.required_skills == ["Go"]
    assert analyze_job_description("Engineer wanted.").seniority == "mid"
