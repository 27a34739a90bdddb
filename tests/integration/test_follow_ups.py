"""Adaptive follow-ups: a weak answer, or a story missing STAR parts, brings a follow-up
question in place of a planned one, at most once per question, never past the interview's
length and never in place of the candidate's own questions."""

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.conftest import CandidateFactory
from tests.fakes.gemini import FakeGemini, Reply
from tests.support.client import Candidate, register
from tests.support.server import running_app, settings_from

WEAK = "I am not sure, I would probably just try my best and see what happens."
START = {"role": "Product Manager", "interview_type": "behavioral", "difficulty": "mid",
         "question_count": 3, "auto_advance": False}


async def answer(client: Candidate, sid: str, index: int, text: str = WEAK) -> dict[str, Any]:
    ack = await client.call("answer:submit", {"session_id": sid, "index": index, "text": text})
    assert ack["ok"], ack
    return await client.expect("answer:evaluation", answer_id=ack["answer_id"])


async def advance(client: Candidate, sid: str, index: int) -> dict[str, Any]:
    ack = await client.call("interview:next", {"session_id": sid})
    assert ack["ok"], ack
    return await client.expect("interview:question", session_id=sid, index=index)


async def interview_doc(url: str, token: str, sid: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, \
            http.get(f"{url}/api/interviews/{sid}") as response:
        assert response.status == 200
        return dict((await response.json())["interview"])


async def test_a_weak_answer_is_followed_up_by_the_next_question(
    candidates: CandidateFactory, server_url: str
) -> None:
    client = await candidates.new()
    sid = (await client.call("interview:start", START))["session_id"]
    first = await client.expect("interview:question", session_id=sid, index=0)
    assert first["follow_up"] is False

    evaluation = await answer(client, sid, 0)
    assert evaluation["score"] <= 5
    planned = await client.expect("interview:follow_up_planned", session_id=sid)
    assert planned.pop("event_seq") > 0  # numbered, like every interview event
    assert planned == {"session_id": sid, "index": 1, "follow_up_to": 0}

    follow_up = await advance(client, sid, 1)
    assert follow_up["follow_up"] is True and follow_up["follow_up_to"] == 0
    assert follow_up["total"] == 3  # the interview keeps its length
    assert first["question"]["text"][:40] in follow_up["question"]["text"]
    assert follow_up["question"]["category"] == first["question"]["category"]

    # A follow-up is not followed up: question 2 stays the planned one.
    await answer(client, sid, 1)
    last = await advance(client, sid, 2)
    assert last["follow_up"] is False
    await answer(client, sid, 2)
    await client.call("interview:next", {"session_id": sid})
    complete = await client.expect("interview:complete", session_id=sid)
    assert complete["answered"] == 3
    assert not client.pending("interview:follow_up_planned")

    doc = await interview_doc(server_url, client.token, sid)
    asked = doc["questions"]
    assert asked[1]["text"] == follow_up["question"]["text"] and asked[1]["follow_up_to"] == 0
    by_index = {a["index"]: a for a in doc["answers"]}
    assert by_index[1]["question_id"] == follow_up["question"]["id"]
    assert by_index[1]["question"] == follow_up["question"]["text"]


async def test_non_adaptive_interviews_and_own_questions_get_no_follow_ups(
    candidates: CandidateFactory,
) -> None:
    client = await candidates.new()
    own = [{"text": "Tell me about a launch you led."}, {"text": "Why this company?"}]
    for start in ({**START, "adaptive": False},
                  {**START, "question_count": None, "questions": own}):
        sid = (await client.call("interview:start", start))["session_id"]
        total = 3 if start.get("question_count") else 2
        for index in range(total):
            question = await client.expect("interview:question", session_id=sid, index=index)
            assert question["follow_up"] is False, question
            assert (await answer(client, sid, index))["score"] <= 5
            await client.call("interview:next", {"session_id": sid})
        await client.expect("interview:complete", session_id=sid)
        assert not client.pending("interview:follow_up_planned")


@pytest.fixture
async def gemini() -> AsyncIterator[FakeGemini]:
    async with FakeGemini() as fake:
        yield fake


WEAK_MARKS = {
    "rubric": {"relevance": 4, "examples": 2, "clarity": 5, "technical_accuracy": 4,
               "job_alignment": 3},
    "strengths": [], "weaknesses": ["No example"], "tips": ["Tell one story"], "evidence": [],
    "star": {"situation": "The roadmap slipped.", "task": None, "action": None, "result": None},
    "ideal_answer": "When our roadmap slipped...", "ideal_answer_strengths": "A clear story.",
}
QUESTIONS = {"questions": [
    {"text": "Tell me about a time the Atlas roadmap slipped.", "category": "behavioral",
     "difficulty": "mid", "skills": ["ownership"], "why": "Resume names Atlas."},
    {"text": "How do you say no to a stakeholder?", "category": "behavioral",
     "difficulty": "mid", "skills": ["influence"], "why": "The job asks for it."},
]}
GEMINI_FOLLOW_UP = "You said the Atlas roadmap slipped: what did you change, and what happened?"


async def test_gemini_words_the_follow_up_from_the_answer(
    deployment_env: dict[str, str], gemini: FakeGemini
) -> None:
    gemini.script(Reply.json(QUESTIONS), Reply.json(WEAK_MARKS),
                  Reply.json({"text": GEMINI_FOLLOW_UP}))
    settings = settings_from(deployment_env, GEMINI_API_KEY=gemini.api_key,
                             GEMINI_BASE_URL=gemini.url)
    async with running_app(settings) as url:
        client = await Candidate(url, await register(url, "adaptive@example.com")).connect()
        sid = (await client.call("interview:start", {**START, "question_count": 2}))["session_id"]
        await client.expect("interview:question", session_id=sid, index=0)
        evaluation = await answer(client, sid, 0, "The Atlas roadmap slipped.")
        assert evaluation["source"] == "llm"
        await client.expect("interview:follow_up_planned", session_id=sid, index=1)
        follow_up = await advance(client, sid, 1)
        assert follow_up["question"]["text"] == GEMINI_FOLLOW_UP
        assert follow_up["follow_up"] is True
        assert "The Atlas roadmap slipped." in gemini.requests[-1].prompt
        await client.close()


async def test_with_gemini_down_the_template_asks_for_the_missing_parts(
    deployment_env: dict[str, str], gemini: FakeGemini
) -> None:
    gemini.script(Reply.json(QUESTIONS), Reply.json(WEAK_MARKS))
    gemini.default = Reply.error(503)
    settings = settings_from(deployment_env, GEMINI_API_KEY=gemini.api_key,
                             GEMINI_BASE_URL=gemini.url)
    async with running_app(settings) as url:
        client = await Candidate(url, await register(url, "fallback@example.com")).connect()
        sid = (await client.call("interview:start", {**START, "question_count": 2}))["session_id"]
        await client.expect("interview:question", session_id=sid, index=0)
        await answer(client, sid, 0, "The Atlas roadmap slipped.")
        await client.expect("interview:follow_up_planned", session_id=sid, index=1)
        text = (await advance(client, sid, 1))["question"]["text"]
        assert "Atlas roadmap slipped" in text
        assert "What exactly were you responsible for?" in text  # the task was missing
        await client.close()
