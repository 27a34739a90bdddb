"""Skills over time on real services: after several interviews, `/api/me/skills` holds the
asked questions' skills and every rubric criterion, with a trend, and `/api/me/insights`
the improvement per category, strongest and weakest skills and three practices with reasons;
both are in the export. Bad ranges and missing tokens get the contract's codes."""

from typing import Any

import aiohttp

from tests.conftest import CandidateFactory
from tests.integration.test_progress import STRONG
from tests.support.client import Candidate
from tests.support.marketplace import Api

WEAK = "I would just do it, I think. Not sure really."


async def interview(client: Candidate, kind: str, answers: list[str]) -> list[dict[str, Any]]:
    """Run one interview; the questions it asked."""
    ack = await client.call("interview:start", {
        "role": "Backend Engineer", "interview_type": kind, "difficulty": "mid",
        "question_count": len(answers), "adaptive": False, "speak": False})
    sid = ack["session_id"]
    asked = []
    for index, text in enumerate(answers):
        asked.append((await client.expect("interview:question", session_id=sid,
                                          index=index))["question"])
        assert (await client.call("answer:submit", {"session_id": sid, "index": index,
                                                    "text": text}))["ok"]
    await client.expect("interview:complete", session_id=sid)
    return asked


async def test_skills_and_insights_after_several_interviews(
    candidates: CandidateFactory,
) -> None:
    client = await candidates.new()
    asked = [*await interview(client, "technical", [WEAK, WEAK]),
             *await interview(client, "technical", [STRONG, STRONG]),
             *await interview(client, "behavioral", [STRONG])]
    async with aiohttp.ClientSession() as http:
        api = Api(client.url, client.token, http)
        status, body = await api.get("/api/me/skills", range="week")
        assert status == 200, body
        skills = body["skills"]
        assert skills["range"] == "week" and skills["answers"] == 5
        tagged = {s for q in asked for s in q["skills"]}
        assert {v["skill"] for v in skills["skills"]} == tagged
        assert all(1 <= v["score"] <= 10 and v["answers"] >= 1 for v in skills["skills"])
        assert set(skills["criteria"]) == {"relevance", "examples", "clarity",
                                           "technical_accuracy", "job_alignment"}
        assert all(value is not None for value in skills["criteria"].values())
        assert len(skills["history"]) == 8  # a point per day, today's holds every answer
        assert skills["history"][-1]["answers"] == 5
        assert sum(p["answers"] for p in skills["history"]) == 5

        status, body = await api.get("/api/me/insights", range="month")
        assert status == 200, body
        found = body["insights"]
        technical = next(c for c in found["categories"] if c["category"] == "technical")
        assert technical["answers"] == 4
        # Weak answers first, strong ones after: technical answers improve.
        assert technical["improvement_per_answer"] > 0
        assert technical["recent_average"] > technical["first_average"]
        strongest = {v["skill"] for v in found["strongest"]}
        weakest = {v["skill"] for v in found["weakest"]}
        assert strongest and not strongest & weakest
        assert len(found["recommendations"]) == 3
        for recommendation in found["recommendations"]:
            assert recommendation["reason"] and recommendation["practice"]["category"] in {
                "behavioral", "technical", "situational"}

        status, exported = await api.get("/api/me/export")
        assert status == 200
        assert exported["skills"]["skills"]["answers"] == 5
        assert len(exported["skills"]["insights"]["recommendations"]) == 3
        assert len(exported["skills"]["evaluated_answers"]) == 5

        status, body = await api.get("/api/me/statistics", range="week")
        assert status == 200
        in_range = body["statistics"]["in_range"]
        assert (in_range["interviews"], in_range["questions_answered"]) == (3, 5)
        assert set(in_range["category_scores"]) == {"technical", "behavioral"}
        assert 1 <= in_range["average_score"] <= 10

        status, body = await api.get("/api/me/statistics", range="eon")
        assert status == 400 and body["error"]["code"] == "invalid_payload"
        status, body = await api.get("/api/me/skills", range="decade")
        assert status == 400 and body["error"]["code"] == "invalid_payload"
        status, body = await api.get("/api/me/insights", range="fortnight")
        assert status == 400 and body["error"]["code"] == "invalid_payload"
        status, body = await Api(client.url, None, http).get("/api/me/skills")
        assert status == 401 and body["error"]["code"] == "unauthorized"


async def test_a_new_account_has_empty_skills_and_still_three_recommendations(
    candidates: CandidateFactory,
) -> None:
    client = await candidates.new()
    async with aiohttp.ClientSession() as http:
        api = Api(client.url, client.token, http)
        status, body = await api.get("/api/me/skills")
        assert status == 200 and body["skills"]["range"] == "month"
        assert body["skills"]["skills"] == [] and body["skills"]["answers"] == 0
        status, body = await api.get("/api/me/insights", range="year")
        assert [r["kind"] for r in body["insights"]["recommendations"]] == ["untried"] * 3
