"""`GET /api/me/benchmarks` on a real server: candidates of one target role and experience
band are placed against each other after real interviews; a group too small says so."""

import json

import pytest

from mockmate.config import Settings
from tests.conftest import CandidateFactory
from tests.integration.test_progress import STRONG, rest
from tests.support.client import Candidate
from tests.support.server import settings_from

WEAK = "I would just do my best and work hard on it."
MIDDLING = ("I fixed a slow page once by adding a cache. It got faster and the team was "
            "happy with the result.")


@pytest.fixture
def settings(deployment_env: dict[str, str]) -> Settings:
    return settings_from(deployment_env, MOCKMATE_BENCHMARK_MIN_GROUP="3",
                         MOCKMATE_BENCHMARK_REFRESH_S="0")


async def answered(client: Candidate, role: str, years: int, text: str) -> None:
    status, body = await rest(client, "PATCH", "/api/me/profile",
                              {"target_roles": [role], "years_experience": years})
    assert status == 200, body
    ack = await client.call("interview:start", {
        "role": role, "interview_type": "behavioral", "difficulty": "mid",
        "question_count": 1, "adaptive": False})
    sid = ack["session_id"]
    await client.expect("interview:question", session_id=sid, index=0)
    assert (await client.call("answer:submit", {"session_id": sid, "index": 0,
                                                "text": text}))["ok"]
    await client.expect("interview:complete", session_id=sid)


async def test_peers_are_placed_by_role_and_band(candidates: CandidateFactory) -> None:
    strong, middling, weak, alone = [await candidates.new() for _ in range(4)]
    # "Backend engineer" with 4 and 5 years: one group however the role is spelled.
    await answered(strong, "Backend Engineer", 4, STRONG)
    await answered(middling, "backend  engineer", 5, MIDDLING)
    await answered(weak, "Backend engineer", 3, WEAK)
    await answered(alone, "Backend Engineer", 15, STRONG)  # another band

    places = {}
    for name, client in (("strong", strong), ("middling", middling), ("weak", weak)):
        status, body = await rest(client, "GET", "/api/me/benchmarks")
        assert status == 200, body
        bench = body["benchmarks"]
        assert bench["enough_data"] and bench["group_size"] == 3, bench
        assert bench["group"]["experience_band"] == "3-5"
        places[name] = bench["overall"]
        assert set(bench["criteria"]) == {"relevance", "examples", "clarity",
                                          "technical_accuracy", "job_alignment"}
        # Nothing in the answer names or identifies another candidate.
        for other in (strong, middling, weak):
            if other is not client:
                assert other.token not in json.dumps(body)
    assert places["strong"]["percentile"] > places["middling"]["percentile"] > \
        places["weak"]["percentile"]
    assert places["weak"]["gap_to_top_quartile"] > 0 == places["strong"]["gap_to_top_quartile"]

    status, body = await rest(alone, "GET", "/api/me/benchmarks")
    assert status == 200
    assert body["benchmarks"]["enough_data"] is False
    assert "Fewer than 3" in body["benchmarks"]["message"]
    assert "overall" not in body["benchmarks"]
