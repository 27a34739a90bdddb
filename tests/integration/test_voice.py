"""Spoken interviews end to end: question audio, spoken answers in every container, whole or in
chunks, delivery analytics from the audio, barge-in, and bad audio."""

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from mockmate.config import Settings
from tests.support.audio import encode, speech_16k
from tests.support.client import Candidate, register
from tests.support.server import running_app, settings_from

SENTENCE = "The server sends a message to the customer."
KEY_WORDS = ("server", "message", "customer")
START = {"role": "Backend Engineer", "interview_type": "technical", "difficulty": "mid",
         "question_count": 2}


@pytest.fixture
async def voice_server(deployment_env: dict[str, str]) -> AsyncIterator[str]:
    # No pacing: question audio is sent as fast as it is synthesized.
    settings = settings_from(deployment_env, MOCKMATE_TTS_LEAD_S="3600",
                             MOCKMATE_MAX_ANSWER_BYTES="2000000",
                             MOCKMATE_MAX_ANSWER_SECONDS="60")
    async with running_app(settings) as url:
        yield url


async def new_candidate(url: str) -> Candidate:
    import uuid

    return await Candidate(url, await register(url, f"{uuid.uuid4().hex[:8]}@ex.com")).connect()


async def audio_of_question(client: Candidate, sid: str, index: int) -> list[dict[str, Any]]:
    chunks = []
    while True:
        chunk = await client.expect("interview:audio", session_id=sid, index=index, timeout=60)
        chunks.append(chunk)
        if chunk["final"]:
            return chunks


def assert_heard(text: str) -> None:
    assert any(word in text.lower() for word in KEY_WORDS), text


@pytest.mark.parametrize(("fmt", "rate", "bytes_per_s"), [
    ("pcm_16000", 16000, 32000), ("pcm_24000", 24000, 48000), ("wav", None, None),
    ("mp3", None, None),
])
async def test_questions_are_spoken_in_the_format_asked(
    voice_server: str, fmt: str, rate: int | None, bytes_per_s: int | None
) -> None:
    client = await new_candidate(voice_server)
    sid = (await client.call("interview:start", {**START, "audio_format": fmt}))["session_id"]
    await client.expect("interview:question", session_id=sid, index=0)
    chunks = await audio_of_question(client, sid, 0)
    assert [c["seq"] for c in chunks] == list(range(len(chunks)))
    assert len(chunks) >= 4 and all(c["format"] == fmt for c in chunks)
    assert [c["final"] for c in chunks].count(True) == 1
    if bytes_per_s:
        assert all(c["sample_rate"] == rate for c in chunks)
        assert all(len(c["data"]) <= bytes_per_s // 4 for c in chunks)  # at most 250 ms
    if fmt == "wav":
        assert all(c["data"][:4] == b"RIFF" for c in chunks)

    # Repeating the question sends the same audio again (from the cache).
    await client.expect("interview:state", session_id=sid, state="awaiting_answer")
    assert (await client.call("interview:repeat", {"session_id": sid}))["ok"]
    again = await audio_of_question(client, sid, 0)
    assert [c["data"] for c in again] == [c["data"] for c in chunks]
    await client.close()


@pytest.mark.parametrize("fmt", ["wav", "webm", "ogg", "mp3", "m4a"])
async def test_whole_spoken_answers_are_transcribed_and_scored(
    voice_server: str, fmt: str
) -> None:
    client = await new_candidate(voice_server)
    sid = (await client.call("interview:start", START))["session_id"]
    await client.expect("interview:question", session_id=sid, index=0)
    recording = encode(speech_16k(SENTENCE, 0.5, SENTENCE), fmt)
    ack = await client.call("answer:submit", {"session_id": sid, "index": 0, "audio": recording})
    assert ack["ok"], ack
    transcript = await client.expect("answer:transcript", answer_id=ack["answer_id"], timeout=60)
    assert_heard(transcript["text"])
    assert 0 < transcript["confidence"] <= 1
    assert transcript["duration_s"] == pytest.approx(speech_16k(SENTENCE, 0.5, SENTENCE)
                                                     .duration_s, abs=0.25)
    assert transcript["delivery"]["words_per_minute"] > 0
    assert transcript["delivery"]["pace"] in ("slow", "ok", "good", "fast")
    evaluation = await client.expect("answer:evaluation", answer_id=ack["answer_id"], timeout=60)
    assert 1 <= evaluation["score"] <= 10
    await client.expect("interview:question", session_id=sid, index=1)
    await client.close()


async def test_delivery_is_measured_from_the_audio(voice_server: str) -> None:
    client = await new_candidate(voice_server)
    sid = (await client.call("interview:start", START))["session_id"]
    await client.expect("interview:question", session_id=sid, index=0)
    pcm = speech_16k(SENTENCE, 2.0, "Then we measured the latency.", 0.6, SENTENCE, 3.0,
                     "It was much faster.")
    ack = await client.call("answer:submit", {"session_id": sid, "index": 0,
                                              "audio": encode(pcm, "wav")})
    transcript = await client.expect("answer:transcript", answer_id=ack["answer_id"], timeout=60)
    delivery = transcript["delivery"]
    assert delivery["pause_count"] == 2
    assert delivery["longest_pause_s"] == pytest.approx(3.0, abs=0.2)
    await client.close()


async def test_chunked_answer_with_repeats_and_gaps(voice_server: str) -> None:
    client = await new_candidate(voice_server)
    sid = (await client.call("interview:start", START))["session_id"]
    await client.expect("interview:question", session_id=sid, index=0)
    pcm = speech_16k(SENTENCE, 0.3, SENTENCE).data
    pieces = [pcm[i:i + 8000] for i in range(0, len(pcm), 8000)]  # 250 ms each
    total = 0
    for seq, piece in enumerate(pieces):
        ack = await client.call("answer:chunk", {"session_id": sid, "index": 0, "seq": seq,
                                                 "data": piece})
        total += len(piece)
        assert ack == {"ok": True, "received_bytes": total, "next_seq": seq + 1}
        if seq == 2:
            await client.expect("interview:state", session_id=sid, state="receiving_answer")
            repeat = await client.call("answer:chunk", {"session_id": sid, "index": 0,
                                                        "seq": 1, "data": pieces[1]})
            assert repeat == {"ok": True, "received_bytes": total, "next_seq": 3}
            gap = await client.call("answer:chunk", {"session_id": sid, "index": 0,
                                                     "seq": 7, "data": b"\0\0"})
            assert gap["error"]["code"] == "invalid_payload"
            assert gap["error"]["expected_seq"] == 3
    snapshot = (await client.call("interview:resume", {"session_id": sid}))["snapshot"]
    assert snapshot["received_bytes"] == len(pcm)
    ack = await client.call("answer:submit", {"session_id": sid, "index": 0,
                                              "format": "pcm_16000"})
    assert ack["ok"], ack
    transcript = await client.expect("answer:transcript", answer_id=ack["answer_id"], timeout=60)
    assert_heard(transcript["text"])
    assert transcript["duration_s"] == pytest.approx(len(pcm) / 32000, abs=0.01)
    await client.close()


async def test_a_streaming_socket_notices_a_change_made_elsewhere(voice_server: str) -> None:
    """The chunk path trusts its first check only until the session changes."""
    client = await new_candidate(voice_server)
    sid = (await client.call("interview:start", START))["session_id"]
    await client.expect("interview:question", session_id=sid, index=0)
    chunk = {"session_id": sid, "index": 0, "data": b"\0" * 3200}
    assert (await client.call("answer:chunk", {**chunk, "seq": 0}))["next_seq"] == 1
    assert (await client.call("answer:chunk", {**chunk, "seq": 1}))["next_seq"] == 2
    # The same candidate pauses from a second tab: the first tab's next chunk is refused.
    other_tab = await Candidate(voice_server, client.token).connect()
    assert (await other_tab.call("interview:pause", {"session_id": sid}))["ok"]
    refused = await client.call("answer:chunk", {**chunk, "seq": 2})
    assert refused["ok"] is False and refused["error"]["code"] == "invalid_state"
    snapshot = (await client.call("interview:resume", {"session_id": sid}))["snapshot"]
    assert snapshot["received_bytes"] == 6400  # the refused chunk was not stored
    # Another user streaming into this session is refused and stores nothing either.
    stranger = await new_candidate(voice_server)
    foreign = await stranger.call("answer:chunk", {**chunk, "seq": 2})
    assert foreign["ok"] is False and foreign["error"]["code"] in ("forbidden", "not_found")
    snapshot = (await client.call("interview:resume", {"session_id": sid}))["snapshot"]
    assert snapshot["received_bytes"] == 6400
    for c in (client, other_tab, stranger):
        await c.close()


async def test_bad_audio_gets_its_code_and_the_interview_goes_on(voice_server: str) -> None:
    client = await new_candidate(voice_server)
    sid = (await client.call("interview:start", START))["session_id"]
    await client.expect("interview:question", session_id=sid, index=0)
    good = encode(speech_16k(SENTENCE), "wav")
    long_speech = encode(speech_16k(SENTENCE, 61.0), "mp3")
    cases = [
        ({"audio": b"\x00\x01garbage" * 100}, "unsupported_audio"),
        ({"audio": good[:60], "format": "wav"}, "unsupported_audio"),
        ({"audio": b"RIFF" + b"\xff" * 400}, "unsupported_audio"),
        ({"audio": good, "format": "flac"}, "unsupported_audio"),
        ({"audio": b"\x01\x02\x03", "format": "pcm_16000"}, "unsupported_audio"),
        ({"audio": b"\x00" * 2_000_001}, "too_large"),
        ({"audio": long_speech}, "too_large"),
    ]
    for extra, code in cases:
        ack = await client.call("answer:submit", {"session_id": sid, "index": 0, **extra})
        assert ack["ok"] is False and ack["error"]["code"] == code, (extra.get("format"), ack)
    too_much = await client.call("answer:chunk", {"session_id": sid, "index": 0, "seq": 0,
                                                  "data": b"\0" * 2_000_002})
    assert too_much["error"]["code"] == "too_large"
    # Nothing was stored, and the candidate can still answer.
    ack = await client.call("answer:submit", {"session_id": sid, "index": 0, "audio": good})
    assert ack["ok"], ack
    headers = {"Authorization": f"Bearer {client.token}"}
    await client.expect("answer:transcript", answer_id=ack["answer_id"], timeout=60)
    async with aiohttp.ClientSession(headers=headers) as http, http.get(
        f"{voice_server}/api/interviews/{sid}"
    ) as r:
        answers = (await r.json())["interview"]["answers"]
    assert [a["answer_id"] for a in answers] == [ack["answer_id"]]
    await client.close()


async def test_answering_while_the_question_plays_stops_its_audio(
    deployment_env: dict[str, str],
) -> None:
    settings: Settings = settings_from(deployment_env, MOCKMATE_TTS_LEAD_S="0")
    async with running_app(settings) as url:
        client = await new_candidate(url)
        sid = (await client.call("interview:start", START))["session_id"]
        first = await client.expect("interview:audio", session_id=sid, index=0, timeout=60)
        assert first["seq"] == 0 and not first["final"]
        pcm = speech_16k(SENTENCE).data
        ack = await client.call("answer:chunk", {"session_id": sid, "index": 0, "seq": 0,
                                                 "data": pcm[:8000]})
        assert ack["ok"]
        await client.expect("interview:state", session_id=sid, state="receiving_answer")
        ack = await client.call("answer:submit", {"session_id": sid, "index": 0,
                                                  "audio": encode(speech_16k(SENTENCE), "wav")})
        await client.expect("answer:transcript", answer_id=ack["answer_id"], timeout=60)
        streamed = [c for c in client.pending("interview:audio") if c["index"] == 0]
        assert not any(c["final"] for c in streamed), "the question kept playing"
        await client.close()
