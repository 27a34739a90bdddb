"""Hands-free turns through the real server: with `turn_detection: "auto"` a streamed answer
ends by itself after `end_of_turn_silence_s` of silence, once; thinking pauses and silence
before speech never end it; "let me think" doubles the allowance; a manual submit racing the
automatic one still gives one answer.

Chunks go as fast as the acks come back; the detector counts time in received audio, so the
outcome does not depend on the clock. Detection runs before a chunk's ack, so when an ack
returns, the decision for that chunk is made."""

import asyncio
import functools
from collections.abc import AsyncIterator
from typing import Any

import pytest

from mockmate.interviews.turns import TurnState, advance, says_thinking
from mockmate.speech.base import PcmAudio
from tests.integration.test_voice import new_candidate
from tests.support.audio import speech_16k
from tests.support.client import Candidate
from tests.support.server import running_app, settings_from

CHUNK = 8000  # 250 ms of 16 kHz s16le
FIRST = "We moved the reports to a read replica."
SECOND = "Then the checkout page was fast again."
THINK = "Hmm, let me think."
pytestmark = pytest.mark.timeout(300)


@functools.cache
def piece(part: str | float) -> bytes:
    """One sentence (spoken by Piper, once per test session) or silence, as 16 kHz PCM."""
    return speech_16k(part).data


async def audio(*parts: str | float) -> PcmAudio:
    """`parts` joined, synthesised off the event loop (the server shares it)."""
    pieces = [await asyncio.to_thread(piece, part) for part in parts]
    return PcmAudio(b"".join(pieces), 16000)


@pytest.fixture
async def server(deployment_env: dict[str, str]) -> AsyncIterator[str]:
    settings = settings_from(deployment_env, MOCKMATE_RATE_LIMIT_PER_S="1000",
                             MOCKMATE_RATE_LIMIT_BURST="1000")
    async with running_app(settings) as url:
        yield url


async def hands_free(url: str, **options: Any) -> tuple[Candidate, str]:
    client = await new_candidate(url)
    start = {"role": "Backend Engineer", "interview_type": "behavioral", "difficulty": "mid",
             "speak": False, "adaptive": False, "turn_detection": "auto",
             "questions": [{"text": "Tell me about a time you made something faster?"},
                           {"text": "What did you learn?"}], **options}
    sid = (await client.call("interview:start", start))["session_id"]
    await client.expect("interview:question", session_id=sid, index=0)
    return client, sid


async def stream(client: Candidate, sid: str, pcm: PcmAudio, first_seq: int = 0) -> int:
    """Send `pcm` in 250 ms chunks until the server stops taking them (the turn ended);
    how many it took."""
    taken = 0
    for n, start in enumerate(range(0, len(pcm.data), CHUNK)):
        # A generous ack timeout: the chunk that ends a turn may wait for a transcription.
        ack = await client.call("answer:chunk", {"session_id": sid, "index": 0,
                                                 "seq": first_seq + n,
                                                 "data": pcm.data[start:start + CHUNK]},
                                timeout=120)
        if not ack["ok"]:
            assert ack["error"]["code"] in ("conflict", "invalid_state"), ack
            break
        taken += 1
    return taken


async def test_a_thinking_pause_never_ends_the_answer_but_the_final_silence_does(
    server: str,
) -> None:
    client, sid = await hands_free(server)
    pcm = await audio(FIRST, 2.0, SECOND, 4.0)
    speech_end = (await audio(FIRST, 2.0, SECOND)).duration_s
    taken = await stream(client, sid, pcm)
    ended = await client.expect("answer:turn_ended", session_id=sid, timeout=60)
    assert ended.pop("event_seq") > 0  # numbered, like every interview event
    assert ended == {"session_id": sid, "index": 0, "reason": "silence"}
    # It ended 2.5 s into the final silence (within a chunk and the detector's padding),
    # not at the 2 s pause.
    assert speech_end + 2.5 <= taken * 0.25 <= speech_end + 3.25
    transcript = await client.expect("answer:transcript", session_id=sid, index=0, timeout=120)
    assert "replica" in transcript["text"].lower() and "checkout" in transcript["text"].lower()
    await client.expect("interview:question", session_id=sid, index=1, timeout=60)
    assert client.pending("answer:turn_ended") == []  # once
    await client.close()


async def test_silence_alone_never_ends_the_turn(server: str) -> None:
    client, sid = await hands_free(server, end_of_turn_silence_s=1.0)
    taken = await stream(client, sid, await audio(6.0))
    assert taken == 24  # every chunk taken: still the candidate's turn
    snapshot = (await client.call("interview:resume", {"session_id": sid}))["snapshot"]
    assert snapshot["state"] == "receiving_answer" and snapshot["answers"] == []
    assert client.pending("answer:turn_ended") == []
    await client.close()


async def test_let_me_think_doubles_the_allowance(server: str) -> None:
    client, sid = await hands_free(server)
    taken = await stream(client, sid, await audio(THINK, 4.0, FIRST, 3.0))
    ended = await client.expect("answer:turn_ended", session_id=sid, timeout=60)
    assert ended["reason"] == "silence"
    before_last = (await audio(THINK, 4.0, FIRST)).duration_s
    assert taken * 0.25 > before_last  # the 4 s pause after "let me think" did not end it
    transcript = await client.expect("answer:transcript", session_id=sid, index=0, timeout=120)
    assert "replica" in transcript["text"].lower()
    await client.close()


async def test_a_manual_submit_racing_the_automatic_one_gives_one_answer(server: str) -> None:
    client, sid = await hands_free(server)
    pcm = await audio(FIRST, 2.25)
    chunks = [pcm.data[i:i + CHUNK] for i in range(0, len(pcm.data), CHUNK)]
    for seq, data in enumerate(chunks):
        ack = await client.call("answer:chunk", {"session_id": sid, "index": 0, "seq": seq,
                                                 "data": data})
        assert ack["ok"], ack
    last = {"session_id": sid, "index": 0, "seq": len(chunks), "data": bytes(CHUNK * 2)}
    chunk_ack, submit_ack = await asyncio.gather(
        client.call("answer:chunk", last, timeout=120),
        client.call("answer:submit", {"session_id": sid, "index": 0, "format": "pcm_16000"},
                    timeout=120),
    )
    transcript = await client.expect("answer:transcript", session_id=sid, index=0, timeout=120)
    if submit_ack["ok"]:
        assert submit_ack["answer_id"] == transcript["answer_id"]
    else:  # the automatic submit came first: the manual one is told which answer stands
        assert submit_ack["error"]["code"] == "conflict"
        assert submit_ack["error"]["answer_id"] == transcript["answer_id"]
    snapshot = (await client.call("interview:resume", {"session_id": sid}))["snapshot"]
    assert [a["answer_id"] for a in snapshot["answers"]] == [transcript["answer_id"]]
    assert chunk_ack is not None
    await client.close()


# The rule itself.

def test_the_turn_rule() -> None:
    state = TurnState()
    state, ended = advance(state, [], 5.0, 2.5)
    assert not ended and not state.started  # silence before speech
    state, ended = advance(state, [(5.0, 7.0)], 8.0, 2.5)
    assert not ended and state.last_speech_s == 7.0
    state, ended = advance(state, [], 9.4, 2.5)
    assert not ended  # a 2.4 s thinking pause
    state, ended = advance(state, [], 9.5, 2.5)
    assert ended
    doubled = TurnState(heard_s=9.5, started=True, last_speech_s=7.0, checked_pause_at=7.0,
                        doubled_pause_at=7.0)
    assert not advance(doubled, [], 11.9, 2.5)[1] and advance(doubled, [], 12.0, 2.5)[1]
    # While the "let me think" check of this pause runs, the turn waits as if doubled.
    checking = TurnState(heard_s=9.5, started=True, last_speech_s=7.0, checked_pause_at=7.0,
                         checking_pause_at=7.0)
    assert not advance(checking, [], 11.9, 2.5)[1]


@pytest.mark.parametrize(("text", "thinking"), [
    ("Hmm, let me think.", True), ("Give me a moment.", True), ("give me a second", True),
    ("We let the team think about it.", False), ("It took a moment to load.", False),
])
def test_thinking_phrases(text: str, thinking: bool) -> None:
    assert says_thinking(text) is thinking
