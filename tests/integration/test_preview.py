"""Previewing an interview on real services: `POST /api/interviews/preview` returns the
questions a configuration would ask; some are regenerated (excluded ids), the list is
reordered, and `interview:start` asks exactly those, in that order, with their `why`."""

import aiohttp

from tests.conftest import CandidateFactory
from tests.support.marketplace import Api

CONFIG = {"role": "Backend Engineer", "interview_type": "technical", "difficulty": "mid",
          "question_count": 3}


async def test_a_preview_is_regenerated_reordered_and_started(
    candidates: CandidateFactory,
) -> None:
    client = await candidates.new()
    async with aiohttp.ClientSession() as http:
        api = Api(client.url, client.token, http)
        status, body = await api.post("/api/interviews/preview", CONFIG)
        assert status == 200, body
        first = body["questions"]
        assert body["total"] == 3 and len({q["id"] for q in first}) == 3
        assert all(q["category"] == "technical" and q["text"] for q in first)
        status, listed = await api.get("/api/interviews")
        assert listed["total"] == 0  # a preview stores nothing

        # Regenerate the last one: one more question, none of the three shown.
        status, body = await api.post("/api/interviews/preview", {
            **CONFIG, "question_count": 1, "exclude_ids": [q["id"] for q in first]})
        assert status == 200
        [replacement] = body["questions"]
        assert replacement["id"] not in {q["id"] for q in first}
        chosen = [replacement, first[1], first[0]]  # replaced and reordered
        ack = await client.call("interview:start", {
            **{k: v for k, v in CONFIG.items() if k != "question_count"}, "speak": False,
            "questions": [{"text": q["text"], "category": q["category"], "skills": q["skills"],
                           "difficulty": q["difficulty"], "why": "picked in the preview"}
                          for q in chosen]})
        assert ack["total_questions"] == 3, ack
        sid = ack["session_id"]
        asked = await client.expect("interview:question", session_id=sid, index=0)
        assert asked["question"]["text"] == replacement["text"]
        assert asked["question"]["skills"] == replacement["skills"]
        assert asked["question"]["why"] == "picked in the preview"
        await client.call("interview:skip", {"session_id": sid})
        asked = await client.expect("interview:question", session_id=sid, index=1)
        assert asked["question"]["text"] == first[1]["text"]

        for bad in [{**CONFIG, "role": ""}, {**CONFIG, "question_count": 99},
                    {**CONFIG, "exclude_ids": "x"}, {"role": "Backend Engineer"}]:
            status, body = await api.post("/api/interviews/preview", bad)
            assert status == 400 and body["error"]["code"] == "invalid_payload", bad
        status, body = await api.post("/api/interviews/preview", {**CONFIG,
                                                                  "resume_id": "nope"})
        assert status == 404 and body["error"]["code"] == "not_found"
        status, body = await Api(client.url, None, http).post("/api/interviews/preview", CONFIG)
        assert status == 401
