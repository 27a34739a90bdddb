"""Correcting a transcript through the real server: with `confirm_transcripts` a spoken
answer waits for `answer:confirm` (accepted or replaced) before it is evaluated; without it
`answer:correct` has the answer evaluated again (`revision: 2`), the statistics take the new
score, and no XP or badge is paid twice."""

import asyncio
import uuid
from typing import Any

import pytest

from tests.conftest import CandidateFactory
from tests.integration.test_multiprocess import Spawn
from tests.integration.test_progress import STRONG, rest
from tests.support.audio import speech_16k
from tests.support.client import Candidate, register

pytestmark = pytest.mark.timeout(240)
HEARD = "We moved the reports to a read replica."
CORRECTED = "We moved the monthly reports to a read replica, and checkout was fast again."


async def start(client: Candidate, **options: Any) -> str:
    payload = {"role": "Backend Engineer", "interview_type": "behavioral", "difficulty": "mid",
               "speak": False, "adaptive": False,
               "questions": [{"text": "Tell me about a time you made something faster."},
                             {"text": "What did you learn?"}], **options}
    ack = await client.call("interview:start", payload)
    assert ack["ok"], ack
    sid = str(ack["session_id"])
    await client.expect("interview:question", session_id=sid, index=0)
    return sid


async def answers_of(client: Candidate, sid: str) -> list[dict[str, Any]]:
    status, body = await rest(client, "GET", f"/api/interviews/{sid}")
    assert status == 200, body
    return list(body["interview"]["answers"])


async def test_a_transcript_counts_only_once_the_candidate_confirms_it(
    candidates: CandidateFactory,
) -> None:
    client, stranger = await candidates.new(), await candidates.new()
    sid = await start(client, confirm_transcripts=True)
    spoken = await asyncio.to_thread(speech_16k, HEARD)
    ack = await client.call("answer:submit", {"session_id": sid, "index": 0,
                                              "format": "pcm_16000", "audio": spoken.data})
    assert ack["ok"], ack
    transcript = await client.expect("answer:transcript", session_id=sid, index=0, timeout=120)
    assert "replica" in transcript["text"].lower()
    await client.expect("interview:state", session_id=sid, state="awaiting_confirmation")

    # Nothing is evaluated, and the interview does not move on, until it is confirmed.
    [stored] = await answers_of(client, sid)
    assert stored["evaluation"] is None and stored["transcript"]["text"] == transcript["text"]
    ref = {"session_id": sid, "index": 0}
    refused = [
        await client.call("answer:confirm", {**ref, "index": 1}),
        await stranger.call("answer:confirm", ref),
        await client.call("answer:correct", {**ref, "text": CORRECTED}),
        await client.call("interview:next", {"session_id": sid}),
        await client.call("answer:confirm", {**ref, "text": "   "}),
    ]
    assert [r["error"]["code"] for r in refused] == [
        "invalid_state", "not_found", "invalid_state", "invalid_state", "invalid_payload"]

    ack = await client.call("answer:confirm", {**ref, "text": CORRECTED})
    assert ack == {"ok": True, "answer_id": transcript["answer_id"], "text": CORRECTED,
                   "corrected": True}
    await client.expect("interview:question", session_id=sid, index=1)
    evaluation = await client.expect("answer:evaluation", session_id=sid, index=0)
    assert evaluation["answer_id"] == transcript["answer_id"] and evaluation["revision"] == 1
    again = await client.call("answer:confirm", ref)
    assert again["error"]["code"] == "invalid_state"

    # A typed answer is the candidate's own text: it needs no confirmation.
    ack = await client.call("answer:submit", {"session_id": sid, "index": 1, "text": STRONG})
    assert ack["ok"], ack
    await client.expect("interview:complete", session_id=sid)
    first, second = await answers_of(client, sid)
    assert first["transcript"]["text"] == CORRECTED
    assert first["transcript"]["machine_text"] == transcript["text"]
    assert first["evaluation"]["score"] == evaluation["score"]
    assert "machine_text" not in second["transcript"] and second["evaluation"] is not None


async def test_confirming_as_heard_and_ending_while_awaiting_count_the_machine_text(
    candidates: CandidateFactory,
) -> None:
    client = await candidates.new()
    sid = await start(client, confirm_transcripts=True)
    for index in (0, 1):
        if index:
            await client.expect("interview:question", session_id=sid, index=1)
        spoken = await asyncio.to_thread(speech_16k, HEARD)
        ack = await client.call("answer:submit", {"session_id": sid, "index": index,
                                                  "format": "pcm_16000", "audio": spoken.data})
        assert ack["ok"], ack
        await client.expect("answer:transcript", session_id=sid, index=index, timeout=120)
        await client.expect("interview:state", session_id=sid, state="awaiting_confirmation")
        if index == 0:
            ack = await client.call("answer:confirm", {"session_id": sid, "index": 0})
            assert ack["ok"] and ack["corrected"] is False, ack
        else:  # ending the interview accepts the transcript waiting for confirmation
            ack = await client.call("interview:end", {"session_id": sid})
            assert ack == {"ok": True, "state": "completed"}
    complete = await client.expect("interview:complete", session_id=sid)
    assert complete["answered"] == 2
    for answer in await answers_of(client, sid):
        assert "machine_text" not in answer["transcript"] and answer["evaluation"] is not None


async def test_a_corrected_answer_is_scored_again_without_paying_twice(
    candidates: CandidateFactory,
) -> None:
    client, stranger = await candidates.new(), await candidates.new()
    sid = await start(client, questions=[{"text": "Tell me about a time you made something "
                                                  "faster."}])
    ack = await client.call("answer:submit", {"session_id": sid, "index": 0,
                                              "text": "I fixed it."})
    assert ack["ok"], ack
    answer_id = ack["answer_id"]
    first = await client.expect("answer:evaluation", session_id=sid, index=0)
    assert first["revision"] == 1
    await client.expect("interview:complete", session_id=sid)
    paid = [await client.expect("gamification:update") for _ in range(2)]  # answer, interview
    _, before = await rest(client, "GET", "/api/me/gamification")
    assert before["xp"] == max(u["total_xp"] for u in paid)

    ref = {"session_id": sid, "index": 0}
    assert (await stranger.call("answer:correct", {**ref, "text": STRONG}))["error"][
        "code"] == "not_found"
    assert (await client.call("answer:correct", {**ref, "index": 1, "text": STRONG}))[
        "error"]["code"] == "not_found"
    ack = await client.call("answer:correct", {**ref, "text": STRONG})
    assert ack == {"ok": True, "answer_id": answer_id, "revision": 2}
    second = await client.expect("answer:evaluation", session_id=sid, index=0, revision=2)
    assert second["answer_id"] == answer_id and second["score"] > first["score"]
    # Numbered in the interview's event log: a client that was away gets it on resume.
    assert second["event_seq"] > first["event_seq"]
    away = await candidates.connect(client.token)
    resumed = await away.call("interview:resume", {
        "session_id": sid, "last_event_seq": second["event_seq"] - 1})
    assert resumed["ok"] and resumed["replayed"] and resumed["replayed_events"] == 1, resumed
    replayed = await away.expect("answer:evaluation", session_id=sid, revision=2)
    assert replayed == second
    # Hooks run before it is sent: a second payment would have arrived first.
    assert client.pending("gamification:update") == []
    again = await client.call("answer:correct", {**ref, "text": STRONG + " Again."})
    assert again["error"]["code"] == "conflict"

    _, after = await rest(client, "GET", "/api/me/gamification")
    assert after["xp"] == before["xp"]
    assert [b["slug"] for b in after["badges"]] == [b["slug"] for b in before["badges"]]
    _, stats = await rest(client, "GET", "/api/me/statistics")
    assert stats["statistics"]["questions_answered"] == 1
    assert stats["statistics"]["average_score"] == pytest.approx(second["score"], abs=0.05)
    [answer] = await answers_of(client, sid)
    assert answer["transcript"]["text"] == STRONG
    assert answer["transcript"]["machine_text"] == "I fixed it."
    assert answer["evaluation"]["score"] == second["score"]
    _, body = await rest(client, "GET", f"/api/interviews/{sid}")
    assert body["interview"]["overall_score"] == pytest.approx(second["score"], abs=0.05)


async def test_confirmation_and_correction_work_on_another_process(spawn: Spawn) -> None:
    a, b = spawn("a"), spawn("b")
    await a.ready()
    await b.ready()
    token = await register(a.url, f"{uuid.uuid4().hex[:8]}@example.com")
    on_a, on_b = await Candidate(a.url, token).connect(), await Candidate(b.url, token).connect()
    try:
        sid = await start(on_a, confirm_transcripts=True)
        spoken = await asyncio.to_thread(speech_16k, HEARD)
        ack = await on_a.call("answer:submit", {"session_id": sid, "index": 0,
                                                "format": "pcm_16000", "audio": spoken.data})
        assert ack["ok"], ack
        await on_b.expect("interview:state", session_id=sid, state="awaiting_confirmation",
                          timeout=120)
        confirmed = await on_b.call("answer:confirm",
                                    {"session_id": sid, "index": 0, "text": CORRECTED})
        assert confirmed["ok"] and confirmed["corrected"], confirmed
        await on_a.expect("interview:question", session_id=sid, index=1)
        first = await on_a.expect("answer:evaluation", session_id=sid, index=0)

        # Answered on a, corrected on b: the new evaluation reaches both.
        typed = await on_a.call("answer:submit", {"session_id": sid, "index": 1,
                                                  "text": "I fixed it."})
        assert typed["ok"], typed
        await on_b.expect("answer:evaluation", session_id=sid, index=1)
        fixed = await on_b.call("answer:correct",
                                {"session_id": sid, "index": 1, "text": STRONG})
        assert fixed == {"ok": True, "answer_id": typed["answer_id"], "revision": 2}
        second = await on_a.expect("answer:evaluation", session_id=sid, index=1, revision=2)
        assert second["answer_id"] == typed["answer_id"] and first["revision"] == 1
    finally:
        await on_a.close()
        await on_b.close()
