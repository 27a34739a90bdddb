"""Resumes through REST on real services: PDF, DOCX and text files built here, parsed into
the right companies, titles and skills; scans, disguised and oversized files refused; the
original downloaded back; corrections; deletion; another user's resume is `not_found`; and an
offline interview started with `resume_id` asks about this resume's projects."""

import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from mockmate.resumes.vocabulary import find_skills
from tests.conftest import CandidateFactory
from tests.support.client import register
from tests.support.marketplace import Api
from tests.support.resumes import RESUME_TEXT, resume_docx, resume_pdf, scanned_pdf
from tests.support.server import running_app, settings_from

RESUME_LIMIT = 200_000


@pytest.fixture
async def url(deployment_env: dict[str, str]) -> AsyncIterator[str]:
    settings = settings_from(deployment_env, MOCKMATE_MAX_RESUME_BYTES=str(RESUME_LIMIT))
    async with running_app(settings) as url:
        yield url


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        yield session


async def new_api(url: str, http: aiohttp.ClientSession, email: str = "") -> Api:
    import uuid

    return Api(url, await register(url, email or f"{uuid.uuid4().hex[:10]}@example.com"), http)


async def upload(api: Api, data: bytes, filename: str, title: str = "") -> tuple[int, Any]:
    form = aiohttp.FormData()
    if title:
        form.add_field("title", title)
    form.add_field("file", data, filename=filename, content_type="application/octet-stream")
    return await api.request("POST", "/api/resumes", data=form)


def assert_grace(parsed: dict[str, Any]) -> None:
    assert parsed["name"] == "Grace Hopper"
    assert [(e["company"], e["title"]) for e in parsed["experience"]] == [
        ("Acme Payments", "Senior Backend Engineer"),
        ("Globex Corporation", "Software Engineer")]
    assert {"Python", "Go", "Kubernetes", "PostgreSQL", "Kafka"} <= set(parsed["skills"])
    assert parsed["projects"][0]["name"] == "Ledgerly"


@pytest.mark.parametrize(("make", "filename", "content_type"), [
    (resume_pdf, "grace.pdf", "application/pdf"),
    (resume_docx, "grace.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (lambda: RESUME_TEXT.encode(), "grace.pdf", "text/plain; charset=utf-8"),  # named wrongly
], ids=["pdf", "docx", "text-named-pdf"])
async def test_a_resume_is_stored_parsed_and_downloaded_back(
    url: str, http: aiohttp.ClientSession, make: Any, filename: str, content_type: str
) -> None:
    api = await new_api(url, http)
    data = make()
    status, body = await upload(api, data, filename, title="Backend CV")
    assert status == 201, body
    resume = body["resume"]
    assert resume["content_type"] == content_type and resume["size"] == len(data)
    assert resume["title"] == "Backend CV" and resume["parsed_by"] == "offline"
    assert_grace(resume["parsed"])

    status, listed = await api.get("/api/resumes")
    assert status == 200
    assert [(r["id"], r["name"]) for r in listed["resumes"]] == [(resume["id"], "Grace Hopper")]
    status, got = await api.get(f"/api/resumes/{resume['id']}")
    assert status == 200 and got["resume"]["parsed"] == resume["parsed"]
    status, original = await api.get(resume["download_url"])
    assert status == 200 and original == data


async def test_bad_files_get_clear_errors(url: str, http: aiohttp.ClientSession) -> None:
    api = await new_api(url, http)
    status, body = await upload(api, scanned_pdf(), "scan.pdf")
    assert (status, body["error"]["code"]) == (415, "unsupported_document")
    assert "text layer" in body["error"]["message"]
    png = b"\x89PNG\r\n\x1a\n" + bytes(500)
    status, body = await upload(api, png, "resume.pdf")
    assert (status, body["error"]["code"]) == (415, "unsupported_document")
    status, body = await upload(api, b"%PDF-1.4 broken", "resume.pdf")
    assert (status, body["error"]["code"]) == (415, "unsupported_document")
    big = ("Skills: Python\n" * (RESUME_LIMIT // 10)).encode()
    status, body = await upload(api, big, "big.txt")
    assert (status, body["error"]["code"]) == (413, "too_large")
    status, body = await api.post("/api/resumes", {"file": "not multipart"})
    assert (status, body["error"]["code"]) == (400, "invalid_payload")
    status, listed = await api.get("/api/resumes")
    assert listed["resumes"] == []


async def test_corrections_deletion_and_other_users(url: str, http: aiohttp.ClientSession) -> None:
    owner, stranger = await new_api(url, http), await new_api(url, http)
    _, body = await upload(owner, RESUME_TEXT.encode(), "cv.txt")
    resume = body["resume"]
    rid = resume["id"]
    for method, path, payload in [
        ("GET", f"/api/resumes/{rid}", None), ("GET", f"/api/resumes/{rid}/file", None),
        ("PATCH", f"/api/resumes/{rid}", {"title": "mine now"}),
        ("DELETE", f"/api/resumes/{rid}", None), ("GET", "/api/resumes/nope", None),
    ]:
        status, answer = await stranger.request(method, path, json=payload)
        assert (status, answer["error"]["code"]) == (404, "not_found"), (method, path)
    assert (await stranger.get("/api/resumes"))[1]["resumes"] == []

    corrected = {**resume["parsed"], "name": "Rear Admiral Grace Hopper",
                 "skills": ["COBOL", *resume["parsed"]["skills"]]}
    status, body = await owner.patch(f"/api/resumes/{rid}",
                                     {"title": "Navy CV", "parsed": corrected})
    assert status == 200, body
    assert body["resume"]["title"] == "Navy CV" and body["resume"]["parsed_by"] == "candidate"
    assert body["resume"]["parsed"]["skills"][0] == "COBOL"
    status, body = await owner.patch(f"/api/resumes/{rid}", {"parsed": {"skills": "COBOL"}})
    assert (status, body["error"]["code"]) == (400, "invalid_payload")

    status, _ = await owner.request("DELETE", f"/api/resumes/{rid}")
    assert status == 200
    for path in (f"/api/resumes/{rid}", f"/api/resumes/{rid}/file"):
        assert (await owner.get(path))[0] == 404


async def test_an_offline_interview_with_a_resume_asks_about_it(
    url: str, http: aiohttp.ClientSession, candidates: CandidateFactory
) -> None:
    del candidates  # the factory below runs on this test's own server
    api = await new_api(url, http)
    _, body = await upload(api, resume_pdf(), "grace.pdf")
    resume = body["resume"]
    factory = CandidateFactory(url)
    try:
        client = await factory.connect(str(api.token))
        ack = await client.call("interview:start", {
            "role": "Backend Engineer", "interview_type": "mixed", "difficulty": "mid",
            "question_count": 6, "resume_id": resume["id"], "speak": False,
        })
        assert ack["ok"], ack
        first = await client.expect("interview:question", session_id=ack["session_id"])
        assert first["question"]["id"].startswith("resume:") and first["question"]["why"]

        stranger = await factory.new()
        refused = await stranger.call("interview:start", {
            "role": "Backend Engineer", "interview_type": "mixed", "difficulty": "mid",
            "question_count": 3, "resume_id": resume["id"],
        })
        assert refused["error"]["code"] == "not_found"
    finally:
        await factory.close()

    status, interview = await api.get(f"/api/interviews/{ack['session_id']}")
    assert status == 200
    questions = interview["interview"]["questions"]
    personal = [q for q in questions if q["id"].startswith("resume:")]
    assert len(personal) >= len(questions) / 3
    assert {q["category"] for q in personal} == {"technical", "behavioral"}
    text = RESUME_TEXT.lower()
    names = ("Ledgerly", "Acme Payments", "Globex Corporation")
    assert any("Ledgerly" in q["text"] for q in personal)
    for q in personal:
        assert q["why"]
        assert any(n in q["text"] for n in (*names, *resume["parsed"]["skills"])), q["text"]
        for quoted in re.findall(r'"([^"]+)"', q["text"]):
            assert quoted.lower() in text
        assert set(find_skills(q["text"])) <= set(resume["parsed"]["skills"])
    assert interview["interview"]["resume_id"] == resume["id"]
