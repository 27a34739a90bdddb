"""A `mockmate serve` process SIGKILLed at any point of an interview leaves nothing stuck.

Two processes share Redis and MongoDB; the candidate has a socket on each. Process `a` is
killed at one point of the interview; the candidate goes on through `b` and must get
`interview:complete` within 20 s of the kill, with every answer stored once and evaluated.
Timings are shortened through settings (takeover after 2 s, job claims idle after 1 s,
hook leases of 1 s).
"""

import asyncio
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from tests.support.audio import encode, speech_16k
from tests.support.client import Candidate, register
from tests.support.server import ServerProcess

Spawn = Callable[..., ServerProcess]
QUICK = {"MOCKMATE_TAKEOVER_S": "2", "MOCKMATE_JOB_CLAIM_IDLE_S": "1",
         "MOCKMATE_HOOK_LEASE_S": "1"}
ANSWER = ("In my last role I owned our checkout service. I profiled the slow queries, added "
          "an index and a cache, and as a result the page loaded twice as fast in one month.")
SENTENCE = "The server sends a message to the customer."
RECOVERY_S = 20.0
POINTS = ["question_audio", "after_submit", "transcription", "evaluation", "completion"]


async def submit_text(client: Candidate, sid: str, index: int) -> dict[str, Any]:
    ack = await client.call("answer:submit", {"session_id": sid, "index": index, "text": ANSWER})
    assert ack["ok"], ack
    return dict(ack)


async def finish_on(client: Candidate, sid: str) -> dict[str, Any]:
    """Answer each question once it has been asked, driven by the state, until complete.

    Like a candidate who did not hear the question, it does not answer while the session is
    still `asking`: a question whose delivery died with its process must be asked again."""
    while True:
        snapshot = (await client.call("interview:resume", {"session_id": sid}))["snapshot"]
        state = snapshot["state"]
        if state == "completed":
            break
        if state in ("awaiting_answer", "receiving_answer") and not snapshot["current_answered"]:
            ack = await client.call("answer:submit", {"session_id": sid,
                                                      "index": snapshot["index"], "text": ANSWER})
            if ack["ok"] or ack["error"]["code"] in ("conflict", "invalid_state"):
                continue  # answered (here or by a twin); look again
            raise AssertionError(ack)
        await client.expect("interview:state", session_id=sid)  # something else must move
    return await client.expect("interview:complete", session_id=sid)


async def stored_answers(url: str, token: str, sid: str) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.get(
        f"{url}/api/interviews/{sid}"
    ) as response:
        assert response.status == 200
        return list((await response.json())["interview"]["answers"])


@pytest.mark.parametrize("point", POINTS)
async def test_a_killed_process_leaves_no_interview_stuck(spawn: Spawn, point: str) -> None:
    speak = point == "question_audio"
    # Paced question audio (several seconds of it) when the kill falls during it.
    pacing = {"MOCKMATE_TTS_LEAD_S": "0"} if speak else {}
    a, b = spawn("a", **QUICK, **pacing), spawn("b", **QUICK, **pacing)
    await a.ready()
    await b.ready()
    token = await register(a.url, f"{point}@example.com")
    on_a = await Candidate(a.url, token).connect()
    on_b = await Candidate(b.url, token).connect()
    start = {"role": "Backend Engineer", "interview_type": "behavioral", "difficulty": "mid",
             "question_count": 2, "speak": speak, "adaptive": False}
    sid = (await on_a.call("interview:start", start))["session_id"]
    await on_a.expect("interview:question", session_id=sid, index=0)

    if point == "question_audio":
        first = await on_a.expect("interview:audio", session_id=sid, index=0, timeout=60)
        assert not first["final"]
    elif point == "after_submit":
        await submit_text(on_a, sid, 0)
    elif point == "transcription":
        wav = encode(speech_16k(SENTENCE), "wav")
        ack = await on_a.call("answer:submit", {"session_id": sid, "index": 0, "audio": wav})
        assert ack["ok"], ack
    elif point == "evaluation":
        ack = await submit_text(on_a, sid, 0)
        await on_b.expect("answer:transcript", answer_id=ack["answer_id"])
    else:  # completion: the last answer is in; finalization runs
        await submit_text(on_a, sid, 0)
        await on_a.expect("interview:question", session_id=sid, index=1)
        ack = await submit_text(on_a, sid, 1)
        await on_b.expect("answer:transcript", answer_id=ack["answer_id"])
    a.kill()

    async with asyncio.timeout(RECOVERY_S):
        complete = await finish_on(on_b, sid)
    assert complete["answered"] == 2
    answers = await stored_answers(b.url, token, sid)
    assert sorted(a["index"] for a in answers) == [0, 1]  # each answer stored once
    assert all(a["evaluation"] is not None for a in answers), answers
    # The candidate got every evaluation: on `b`, or on `a` before it died (then `b`'s resume
    # continues after what `a` acknowledged, as the event log promises).
    evaluated = [e["answer_id"] for c in (on_a, on_b) for e in c.pending("answer:evaluation")]
    assert sorted(set(evaluated)) == sorted(a["answer_id"] for a in answers)
    await on_b.close()
    await on_a.close()
