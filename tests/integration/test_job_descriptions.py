"""`POST /api/job-descriptions/analyze` on a real server, and the analysis stored with an
interview started with that job description."""

import aiohttp

from tests.conftest import CandidateFactory
from tests.support.client import register
from tests.support.job_descriptions import JOB_POSTING
from tests.support.marketplace import Api


async def test_analyze_over_rest_and_with_an_interview(
    server_url: str, candidates: CandidateFactory
) -> None:
    async with aiohttp.ClientSession() as http:
        anonymous = Api(server_url, None, http)
        status, body = await anonymous.post("/api/job-descriptions/analyze",
                                            {"text": JOB_POSTING})
        assert (status, body["error"]["code"]) == (401, "unauthorized")
        api = Api(server_url, await register(server_url, "jd@example.com"), http)
        status, body = await api.post("/api/job-descriptions/analyze", {"text": JOB_POSTING})
        assert status == 200, body
        analysis = body["analysis"]
        assert analysis["title"] == "Senior Backend Engineer"
        assert analysis["seniority"] == "senior"
        assert "PostgreSQL" in analysis["required_skills"]
        assert analysis["nice_to_have_skills"] == ["Terraform", "Stripe"]
        for bad, code in [({"text": ""}, "invalid_payload"), ({}, "invalid_payload"),
                          ({"text": 5}, "invalid_payload"),
                          ({"text": "x" * 20_001}, "too_large")]:
            status, body = await api.post("/api/job-descriptions/analyze", bad)
            assert body["error"]["code"] == code, bad

        client = await candidates.connect(str(api.token))
        ack = await client.call("interview:start", {
            "role": "Backend Engineer", "interview_type": "technical", "difficulty": "senior",
            "question_count": 2, "job_description": JOB_POSTING, "speak": False,
        })
        assert ack["ok"], ack
        status, body = await api.get(f"/api/interviews/{ack['session_id']}")
        assert body["interview"]["job_analysis"] == analysis
