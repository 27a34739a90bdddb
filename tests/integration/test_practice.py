"""Practice sessions and bookmarks on real services: practice on one skill through REST and
Socket.IO, kept out of the interview list and statistics with its own history; bookmarks
taken during and after an interview and practised; a re-answer shows before/after deltas
for the score and every rubric criterion. Bad input gets the contract's codes."""

from typing import Any

import aiohttp

from mockmate.questions.bank import load_bank
from tests.conftest import CandidateFactory
from tests.integration.test_progress import STRONG
from tests.integration.test_skills import WEAK
from tests.support.client import Candidate
from tests.support.marketplace import Api

CRITERIA = {"relevance", "examples", "clarity", "technical_accuracy", "job_alignment"}


async def answer_all(client: Candidate, sid: str, answers: list[str]) -> list[dict[str, Any]]:
    """Answer each question in turn; the questions and the answer ids."""
    asked = []
    for index, text in enumerate(answers):
        question = await client.expect("interview:question", session_id=sid, index=index)
        ack = await client.call("answer:submit", {"session_id": sid, "index": index,
                                                  "text": text})
        assert ack["ok"], ack
        asked.append({**question["question"], "answer_id": ack["answer_id"]})
    await client.expect("interview:complete", session_id=sid)
    return asked


async def test_practice_on_one_skill_is_kept_apart_and_a_re_answer_shows_deltas(
    candidates: CandidateFactory,
) -> None:
    client = await candidates.new()
    on_sql = [q for q in load_bank() if "sql" in q.skills]
    count = len(on_sql) + 1  # one more than the bank has: the first question comes again
    async with aiohttp.ClientSession() as http:
        api = Api(client.url, client.token, http)
        status, started = await api.post("/api/practice", {"skill": "SQL", "count": count,
                                                           "speak": False})
        assert status == 201, started
        sid = started["session_id"]
        assert started["total_questions"] == count
        assert started["practice"] == {"skill": "sql", "category": None, "bookmarks": False}
        asked = await answer_all(client, sid, [WEAK] + [STRONG] * (count - 1))
        assert all("sql" in q["skills"] for q in asked)
        assert asked[-1]["text"] == asked[0]["text"]

        comparison = await client.expect("answer:comparison", session_id=sid, index=count - 1)
        assert comparison["previous"]["answer_id"] == asked[0]["answer_id"]
        assert comparison["current"]["answer_id"] == asked[-1]["answer_id"]
        assert comparison["score_delta"] > 0
        assert comparison["score_delta"] == round(
            comparison["current"]["score"] - comparison["previous"]["score"], 1)
        assert set(comparison["rubric_deltas"]) == CRITERIA
        assert comparison["improved"]
        status, body = await api.get(f"/api/answers/{asked[-1]['answer_id']}/comparison")
        assert status == 200 and body["comparison"]["score_delta"] == comparison["score_delta"]
        status, body = await api.get(f"/api/answers/{asked[1]['answer_id']}/comparison")
        assert status == 200 and body["comparison"] is None  # answered once

        status, listed = await api.get("/api/interviews")
        assert status == 200 and listed["total"] == 0 and listed["interviews"] == []
        status, stats = await api.get("/api/me/statistics")
        assert stats["statistics"]["total_interviews"] == 0
        assert stats["statistics"]["questions_answered"] == 0
        status, stats = await api.get("/api/me/statistics", range="week")
        assert stats["statistics"]["in_range"]["questions_answered"] == 0
        status, history = await api.get("/api/practice", range="week")
        assert status == 200
        [session] = history["sessions"]
        assert session["id"] == sid and session["status"] == "completed"
        assert session["practice"]["skill"] == "sql" and session["answered"] == count
        figures = history["statistics"]
        assert figures["sessions"] == 1 and figures["answers"] == count
        assert figures["by_skill"]["sql"]["answers"] == count
        status, skills = await api.get("/api/me/skills")
        assert "sql" in {v["skill"] for v in skills["skills"]["skills"]}  # skills count it

        stranger = Api(client.url, (await candidates.new()).token, http)
        status, body = await stranger.get(f"/api/answers/{asked[0]['answer_id']}/comparison")
        assert status == 404 and body["error"]["code"] == "not_found"
        for bad in [{}, {"skill": "underwater-basket-weaving"}, {"skill": "sql", "count": 0},
                    {"skill": "sql", "count": 51}, {"skill": "sql", "bookmarks": True},
                    {"category": "poetry"}, {"skill": "sql", "extra": 1}]:
            status, body = await api.post("/api/practice", bad)
            assert status == 400 and body["error"]["code"] == "invalid_payload", (bad, body)
        status, body = await api.post("/api/practice", {"bookmarks": True})
        assert status == 409 and body["error"]["code"] == "invalid_state"


async def test_bookmarks_during_and_after_an_interview_and_practising_them(
    candidates: CandidateFactory,
) -> None:
    client = await candidates.new()
    async with aiohttp.ClientSession() as http:
        api = Api(client.url, client.token, http)
        ack = await client.call("interview:start", {
            "role": "Backend Engineer", "interview_type": "technical", "difficulty": "mid",
            "question_count": 2, "adaptive": False, "speak": False})
        sid = ack["session_id"]
        first = await client.expect("interview:question", session_id=sid, index=0)
        status, body = await api.post("/api/bookmarks", {"interview_id": sid, "index": 0})
        assert status == 201, body  # during the interview
        marked = body["bookmark"]
        assert marked["question"]["text"] == first["question"]["text"] and marked["attempts"] == 0
        status, again = await api.post("/api/bookmarks", {"interview_id": sid, "index": 0})
        assert status == 200 and again["bookmark"]["id"] == marked["id"]
        for index in range(2):
            if index:
                await client.expect("interview:question", session_id=sid, index=index)
            await client.call("answer:submit", {"session_id": sid, "index": index, "text": WEAK})
        await client.expect("interview:complete", session_id=sid)
        status, body = await api.post("/api/bookmarks", {"interview_id": sid, "index": 1,
                                                         "note": "redo with numbers"})
        assert status == 201  # after the interview
        status, listed = await api.get("/api/bookmarks")
        assert status == 200 and len(listed["bookmarks"]) == 2
        assert all(b["attempts"] == 1 and b["last_score"] for b in listed["bookmarks"])
        texts = {b["question"]["text"] for b in listed["bookmarks"]}

        stranger = Api(client.url, (await candidates.new()).token, http)
        status, body = await stranger.post("/api/bookmarks", {"interview_id": sid, "index": 0})
        assert status == 404 and body["error"]["code"] == "not_found"
        status, body = await stranger.request("DELETE", f"/api/bookmarks/{marked['id']}")
        assert status == 404 and body["error"]["code"] == "not_found"
        status, body = await api.post("/api/bookmarks", {"interview_id": sid, "index": 99})
        assert status == 404
        status, body = await api.post("/api/bookmarks", {"interview_id": sid})
        assert status == 400 and body["error"]["code"] == "invalid_payload"
        status, body = await stranger.post("/api/practice", {"bookmark_ids": [marked["id"]]})
        assert status == 404 and body["error"]["code"] == "not_found"

        status, started = await api.post("/api/practice", {"bookmarks": True, "speak": False})
        assert status == 201, started
        practice = started["session_id"]
        asked = await answer_all(client, practice, [STRONG, STRONG])
        assert {q["text"] for q in asked} == texts
        for index in range(2):
            comparison = await client.expect("answer:comparison", session_id=practice,
                                             index=index)
            assert comparison["previous"]["interview_id"] == sid
            assert comparison["score_delta"] > 0
        status, listed = await api.get("/api/bookmarks")
        assert all(b["attempts"] == 2 for b in listed["bookmarks"])

        status, body = await api.request("DELETE", f"/api/bookmarks/{marked['id']}")
        assert status == 200
        status, listed = await api.get("/api/bookmarks")
        assert [b["id"] for b in listed["bookmarks"]] != [marked["id"]]
        assert len(listed["bookmarks"]) == 1
        status, exported = await api.get("/api/me/export")
        assert len(exported["bookmarks"]["bookmarks"]) == 1
        assert len(exported["question_attempts"]["attempts"]) == 4
