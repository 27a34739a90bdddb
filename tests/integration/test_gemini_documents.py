"""Resumes and job descriptions read by Gemini (the official SDK against a local server that
speaks its wire format): the reading is used when it is sound, what the document does not say
is dropped, and the offline reading stands in when Gemini fails or answers nonsense."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.fakes.gemini import FakeGemini, Reply
from tests.integration.test_resumes import upload
from tests.support.client import register
from tests.support.job_descriptions import JOB_POSTING
from tests.support.marketplace import Api
from tests.support.resumes import RESUME_TEXT
from tests.support.server import running_app, settings_from

GEMINI_RESUME = {
    "name": "Grace Hopper",
    "contact": {"email": "grace.hopper@example.com", "phone": "+1 415 555 0100",
                "location": "Arlington, Virginia", "links": ["https://github.com/ghopper"]},
    "summary": "Backend engineer who builds reliable payment systems and mentors teams.",
    "skills": ["Python", "Go", "Kafka", "COBOL"],  # COBOL is not in the resume
    "experience": [
        {"company": "Acme Payments", "title": "Senior Backend Engineer", "start": "Jan 2020",
         "end": "Present", "bullets": ["Built the payment reconciliation service"]},
        {"company": "Initech", "title": "Staff Engineer", "start": "2010", "end": "2012",
         "bullets": ["Invented"]},  # never worked there
    ],
    "projects": [{"name": "Ledgerly", "technologies": ["Go", "PostgreSQL", "Rust"],
                  "outcome": "2,000 GitHub stars"}],
    "education": [{"institution": "Yale University", "degree": "B.Sc. Computer Science",
                   "dates": "2012 - 2016"}],
}
GEMINI_JOB = {
    "title": "Senior Backend Engineer", "seniority": "Senior", "years_experience": 5,
    "required_skills": ["Python", "PostgreSQL", "Haskell"],  # Haskell is not asked for
    "nice_to_have_skills": ["Terraform"], "responsibilities": ["Own the payments API"],
}


@pytest.fixture
async def gemini() -> AsyncIterator[FakeGemini]:
    async with FakeGemini() as fake:
        yield fake


@pytest.fixture
async def api(deployment_env: dict[str, str], gemini: FakeGemini) -> AsyncIterator[Api]:
    settings = settings_from(deployment_env, GEMINI_API_KEY=gemini.api_key,
                             GEMINI_BASE_URL=gemini.url)
    async with running_app(settings) as url, aiohttp.ClientSession() as http:
        yield Api(url, await register(url, f"{uuid.uuid4().hex[:10]}@example.com"), http)


async def parsed(api: Api) -> dict[str, Any]:
    status, body = await upload(api, RESUME_TEXT.encode(), "grace.txt")
    assert status == 201, body
    return dict(body["resume"])


async def test_gemini_reads_the_resume_without_inventing(api: Api, gemini: FakeGemini) -> None:
    gemini.script(Reply.json(GEMINI_RESUME))
    resume = await parsed(api)
    assert resume["parsed_by"] == "llm"
    facts = resume["parsed"]
    assert [(e["company"], e["title"]) for e in facts["experience"]] == [
        ("Acme Payments", "Senior Backend Engineer")]
    assert facts["skills"] == ["Python", "Go", "Kafka"]
    assert facts["projects"][0]["technologies"] == ["Go", "PostgreSQL"]
    assert facts["education"][0]["institution"] == "Yale University"
    assert "Grace Hopper" in gemini.requests[-1].prompt  # the resume's text was sent


@pytest.mark.parametrize("reply", [Reply.error(503), Reply.raw("I cannot help with that"),
                                   Reply.json({"experience": "not a list"})])
async def test_a_failed_reading_falls_back_to_the_offline_parse(
    api: Api, gemini: FakeGemini, reply: Reply
) -> None:
    gemini.default = reply
    resume = await parsed(api)
    assert resume["parsed_by"] == "offline"
    assert [e["company"] for e in resume["parsed"]["experience"]] == [
        "Acme Payments", "Globex Corporation"]


async def test_gemini_analyses_the_job_description(api: Api, gemini: FakeGemini) -> None:
    gemini.script(Reply.json(GEMINI_JOB))
    status, body = await api.post("/api/job-descriptions/analyze", {"text": JOB_POSTING})
    assert status == 200, body
    assert body["analyzed_by"] == "gemini"
    assert body["analysis"]["seniority"] == "senior"
    assert body["analysis"]["required_skills"] == ["Python", "PostgreSQL"]

    gemini.default = Reply.error(500)
    status, body = await api.post("/api/job-descriptions/analyze", {"text": JOB_POSTING})
    assert (status, body["analyzed_by"]) == (200, "offline")
    assert body["analysis"]["title"] == "Senior Backend Engineer"
