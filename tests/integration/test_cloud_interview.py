"""A whole interview with Gemini (through its SDK, against a local server that speaks its wire
format): tailored questions, LLM evaluations, and the interview going on when Gemini fails."""

from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.fakes.gemini import FakeGemini, Reply
from tests.support.client import Candidate, register
from tests.support.server import running_app, settings_from

RESUME = "Led Project Nightjar, a Kafka ingestion pipeline for the payments API."
QUESTIONS = {"questions": [
    {"text": "How did you keep Project Nightjar's consumers idempotent?", "category": "technical",
     "difficulty": "senior", "skills": ["kafka"], "why": "Probes the resume's main project."},
    {"text": "Tell me about a time Nightjar missed its SLA.", "category": "behavioral",
     "difficulty": "senior", "skills": ["ownership"], "why": "Tests ownership."},
]}
EVALUATION = {
    "rubric": {"relevance": 9, "examples": 8, "clarity": 8, "technical_accuracy": 9,
               "job_alignment": 8},
    "strengths": ["Concrete numbers"], "weaknesses": ["Few trade-offs"],
    "tips": ["Name the alternative you rejected"], "evidence": ["lag fell to 30 seconds"],
    "star": {"situation": "Consumers fell behind.", "task": "I owned the fix",
             "action": "I partitioned by customer", "result": "lag fell to 30 seconds"},
    "ideal_answer": "At Nightjar I partitioned by customer...",
    "ideal_answer_strengths": "It quantifies the result.",
}
ANSWER = ("At Nightjar our consumers fell behind; I owned the fix, partitioned by customer and "
          "made writes idempotent, and lag fell to 30 seconds.")
START = {"role": "Senior Backend Engineer", "interview_type": "mixed", "difficulty": "senior",
         "question_count": 2, "resume_text": RESUME,
         "job_description": "Kafka, PostgreSQL, payments"}


@pytest.fixture
async def gemini() -> AsyncIterator[FakeGemini]:
    async with FakeGemini() as fake:
        yield fake


async def run_interview(url: str) -> tuple[list[dict[str, str]], list[dict[str, object]]]:
    client = await Candidate(url, await register(url, "cloud@example.com")).connect()
    sid = (await client.call("interview:start", START))["session_id"]
    texts, evaluations = [], []
    for index in range(2):
        question = await client.expect("interview:question", session_id=sid, index=index)
        texts.append(question["question"])
        ack = await client.call("answer:submit", {"session_id": sid, "index": index,
                                                  "text": ANSWER})
        evaluations.append(await client.expect("answer:evaluation", answer_id=ack["answer_id"]))
    complete = await client.expect("interview:complete", session_id=sid)
    assert complete["answered"] == 2
    await client.close()
    return texts, evaluations


async def test_gemini_writes_the_questions_and_judges_the_answers(
    deployment_env: dict[str, str], gemini: FakeGemini
) -> None:
    gemini.script(Reply.json(QUESTIONS))
    gemini.default = Reply.json(EVALUATION)
    settings = settings_from(deployment_env, GEMINI_API_KEY=gemini.api_key,
                             GEMINI_BASE_URL=gemini.url)
    async with running_app(settings) as url:
        texts, evaluations = await run_interview(url)
    assert [q["text"] for q in texts] == [q["text"] for q in QUESTIONS["questions"]]
    assert [q["why"] for q in texts] == [q["why"] for q in QUESTIONS["questions"]]
    assert "Project Nightjar" in gemini.requests[0].prompt  # tailored to the resume
    assert all(e["source"] == "llm" for e in evaluations)
    assert evaluations[0]["score"] == pytest.approx(8.5, abs=0.1)


async def test_the_interview_goes_on_when_gemini_is_down(
    deployment_env: dict[str, str], gemini: FakeGemini
) -> None:
    gemini.default = Reply.error(503)
    settings = settings_from(deployment_env, GEMINI_API_KEY=gemini.api_key,
                             GEMINI_BASE_URL=gemini.url)
    async with running_app(settings) as url:
        texts, evaluations = await run_interview(url)
    assert len(texts) == 2 and all(q["text"] for q in texts)  # the offline bank stood in
    assert all(e["source"] == "heuristic" for e in evaluations)


async def test_a_spoken_interview_with_all_three_cloud_providers(
    deployment_env: dict[str, str], gemini: FakeGemini
) -> None:
    from tests.fakes import elevenlabs, groq
    from tests.support.audio import encode, speech_16k

    spoken = "At Nightjar I owned the fix, um, and lag fell to 30 seconds."
    async with groq.FakeGroq() as whisper, elevenlabs.FakeElevenLabs() as voices:
        gemini.script(Reply.json(QUESTIONS))
        gemini.default = Reply.json(EVALUATION)
        whisper.default = groq.Reply.transcript(
            spoken, words=(("At", 0.0, 0.2), ("Nightjar", 0.2, 0.7), ("um,", 1.5, 1.7)),
        )
        settings = settings_from(
            deployment_env,
            GEMINI_API_KEY=gemini.api_key, GEMINI_BASE_URL=gemini.url,
            GROQ_API_KEY=whisper.api_key, GROQ_BASE_URL=whisper.url,
            ELEVENLABS_API_KEY=voices.api_key, ELEVENLABS_BASE_URL=voices.url,
        )
        async with running_app(settings) as url:
            client = await Candidate(url, await register(url, "voice@example.com")).connect()
            sid = (await client.call("interview:start", {**START, "voice": "stern"}))[
                "session_id"]
            for index in range(2):
                question = await client.expect("interview:question", session_id=sid,
                                               index=index)
                assert question["question"]["text"] == QUESTIONS["questions"][index]["text"]
                while not (chunk := await client.expect("interview:audio", session_id=sid,
                                                        index=index))["final"]:
                    assert chunk["sample_rate"] == 16000 and len(chunk["data"]) <= 8000
                recording = encode(speech_16k("The server sends a message."), "webm")
                ack = await client.call("answer:submit", {"session_id": sid, "index": index,
                                                          "audio": recording})
                assert ack["ok"], ack
                transcript = await client.expect("answer:transcript",
                                                 answer_id=ack["answer_id"])
                assert transcript["text"] == spoken
                assert transcript["delivery"]["filler_words"] == {"um": 1}
                evaluation = await client.expect("answer:evaluation",
                                                 answer_id=ack["answer_id"])
                assert evaluation["source"] == "llm"
            complete = await client.expect("interview:complete", session_id=sid)
            assert complete["answered"] == 2
            await client.close()
        assert {r.voice_id for r in voices.requests} == {"2EiwWnXFnvU5JabPnv8n"}  # "stern"
        assert len(whisper.requests) == 2


async def test_a_spent_daily_budget_falls_back_to_offline_questions_and_scoring(
    deployment_env: dict[str, str], gemini: FakeGemini
) -> None:
    gemini.script(Reply.json(QUESTIONS))
    gemini.default = Reply.json(EVALUATION)
    # Two LLM calls a day: the question set and the first evaluation.
    settings = settings_from(deployment_env, GEMINI_API_KEY=gemini.api_key,
                             GEMINI_BASE_URL=gemini.url, MOCKMATE_LLM_DAILY_LIMIT="2")
    async with running_app(settings) as url:
        texts, evaluations = await run_interview(url)
        assert [q["text"] for q in texts] == [q["text"] for q in QUESTIONS["questions"]]
        assert [e["source"] for e in evaluations] == ["llm", "heuristic"]

        client = await Candidate(url, await register(url, "spent@example.com")).connect()
        # A new user has a budget of their own.
        assert (await client.call("interview:start", START))["ok"]
        await client.close()
        assert len(gemini.requests) == 3

    async with running_app(settings) as url:
        # The first user again, same day, another interview: offline, and told so.
        async with aiohttp.ClientSession() as http, http.post(
            f"{url}/api/auth/login",
            json={"email": "cloud@example.com", "password": "correct horse battery"},
        ) as r:
            token = (await r.json())["token"]
        client = await Candidate(url, token).connect()
        ack = await client.call("interview:start", START)
        assert ack["ok"]
        error = await client.expect("error")
        assert error["code"] == "limit_reached" and error["retryable"] is False
        question = await client.expect("interview:question", session_id=ack["session_id"])
        assert question["question"]["id"].startswith("bank:")
        await client.close()
    assert len(gemini.requests) == 3  # nothing more was sent to Gemini


async def test_when_transcription_is_down_the_candidate_is_told_and_may_type(
    deployment_env: dict[str, str],
) -> None:
    from tests.fakes import groq
    from tests.support.audio import encode, speech_16k

    async with groq.FakeGroq() as whisper:
        whisper.default = groq.Reply.error(503, "overloaded")
        settings = settings_from(deployment_env, GROQ_API_KEY=whisper.api_key,
                                 GROQ_BASE_URL=whisper.url)
        async with running_app(settings) as url:
            client = await Candidate(url, await register(url, "stt@example.com")).connect()
            sid = (await client.call("interview:start", {**START, "question_count": 1}))[
                "session_id"]
            await client.expect("interview:question", session_id=sid, index=0)
            recording = encode(speech_16k("The server sends a message."), "wav")
            ack = await client.call("answer:submit", {"session_id": sid, "index": 0,
                                                      "audio": recording})
            # Told by an `error` event after the ack, or, when the failure beat the
            # submission's own bookkeeping, in the ack itself.
            told = ack.get("error") or await client.expect("error", session_id=sid)
            assert told["code"] == "unavailable" and told["retryable"] is True, ack
            await client.expect("interview:state", session_id=sid, state="awaiting_answer")
            typed = await client.call("answer:submit", {"session_id": sid, "index": 0,
                                                        "text": ANSWER})
            assert typed["ok"], typed
            complete = await client.expect("interview:complete", session_id=sid)
            assert complete["answered"] == 1
            await client.close()
        assert len(whisper.requests) == 3  # the policy's attempts, then it gave up


async def test_when_speech_synthesis_is_down_questions_arrive_as_text(
    deployment_env: dict[str, str],
) -> None:
    from tests.fakes import elevenlabs

    async with elevenlabs.FakeElevenLabs() as voices:
        voices.default = elevenlabs.Reply.error(503, "overloaded")
        settings = settings_from(deployment_env, ELEVENLABS_API_KEY=voices.api_key,
                                 ELEVENLABS_BASE_URL=voices.url)
        async with running_app(settings) as url:
            client = await Candidate(url, await register(url, "tts@example.com")).connect()
            sid = (await client.call("interview:start", {**START, "question_count": 1}))[
                "session_id"]
            question = await client.expect("interview:question", session_id=sid, index=0)
            assert question["question"]["text"]
            error = await client.expect("error", session_id=sid)
            assert error["code"] == "unavailable" and error["retryable"] is True
            await client.expect("interview:state", session_id=sid, state="awaiting_answer")
            ack = await client.call("answer:submit", {"session_id": sid, "index": 0,
                                                      "text": ANSWER})
            assert ack["ok"], ack
            await client.expect("interview:complete", session_id=sid)
            assert client.pending("interview:audio") == []
            await client.close()
