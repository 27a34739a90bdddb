"""Nothing a client misses (issue 12): a 3-question spoken interview dropped at every point,
reconnecting to the other of two `mockmate serve` processes, ends with exactly the events of
a client that never dropped: the session's event log, numbered 1..n without gaps."""

import uuid
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

import pytest
from redis.asyncio import Redis

from mockmate.state.event_log import EventLog
from tests.support.audio import encode, speech_16k
from tests.support.client import register
from tests.support.recorder import Recorder, Seen, is_event
from tests.support.server import ServerProcess

Spawn = Callable[..., ServerProcess]
QUESTIONS = [
    {"text": "Tell me about a server you built.", "category": "technical"},
    {"text": "How do you send a message to a customer?", "category": "behavioral"},
    {"text": "What did the server teach you?", "category": "technical"},
]
START = {"role": "Backend Engineer", "interview_type": "mixed", "difficulty": "mid",
         "questions": QUESTIONS, "adaptive": False, "audio_format": "pcm_16000"}
POINTS = ("before_question", "mid_audio", "before_transcript", "before_evaluation",
          "before_complete")
# Paced question audio, so that a drop can fall in the middle of it.
PACED = {"MOCKMATE_TTS_LEAD_S": "0.3", "MOCKMATE_MAX_ANSWER_BYTES": "2000000"}

Reconnect = Callable[[Recorder, str], Awaitable[None]]


@cache
def spoken_answer() -> bytes:
    return encode(speech_16k("The server sends a message to the customer."), "wav")


def final_audio(sid: str, index: int) -> Callable[[Seen], bool]:
    return lambda s: (s[0] == "interview:audio" and s[2]["session_id"] == sid
                      and s[2]["index"] == index and s[2]["final"])


async def take_interview(client: Recorder, drops: set[str], reconnect: Reconnect) -> str:
    """The whole interview as a spoken-answer client takes it, dropping at `drops`."""
    ack = await client.call("interview:start", START)
    assert ack["ok"], ack
    sid: str = ack["session_id"]
    if "before_question" in drops:
        await reconnect(client, sid)
    for index in range(3):
        if index == 0 and "mid_audio" in drops:
            await client.wait_for(is_event("interview:audio", session_id=sid, index=0))
            await reconnect(client, sid)
        await client.wait_for(final_audio(sid, index))
        ack = await client.call("answer:submit", {"session_id": sid, "index": index,
                                                  "audio": spoken_answer(), "format": "wav"})
        assert ack["ok"], ack
        if index == 1 and "before_transcript" in drops:
            await reconnect(client, sid)
        await client.wait_for(is_event("answer:transcript", session_id=sid, index=index))
        if index == 1 and "before_evaluation" in drops:
            await reconnect(client, sid)
    await client.wait_for(is_event("answer:evaluation", session_id=sid, index=2))
    if "before_complete" in drops:
        await reconnect(client, sid)
    await client.wait_for(is_event("interview:complete", session_id=sid))
    return sid


async def logged(env: dict[str, str], sid: str) -> list[Seen]:
    """The session's event log as (event, event_seq, payload), read straight from Redis."""
    redis = Redis.from_url(env["REDIS_URL"])
    try:
        events = EventLog(redis, prefix=env["MOCKMATE_REDIS_PREFIX"], process_id="test",
                          max_events=10, grace_s=1)
        replay = await events.after(sid, 0)
    finally:
        await redis.aclose()
    assert replay.complete
    return [(e.name, e.seq, e.data) for e in replay.events]


def assert_whole_interview(seen: list[Seen], log: list[Seen]) -> None:
    assert [seq for _, seq, _ in log] == list(range(1, len(log) + 1))  # numbered, no gaps
    assert [(n, q) for n, q, _ in seen] == [(n, q) for n, q, _ in log]
    assert seen == log
    audio = [p for name, _, p in seen if name == "interview:audio"]
    assert audio and all(isinstance(p["data"], bytes) for p in audio)  # binary, not base64
    for index in range(3):  # every question's audio complete, in order, exactly once
        chunks = [p["seq"] for p in audio if p["index"] == index]
        assert chunks == list(range(len(chunks))) and len(chunks) > 1
    names = {name for name, _, _ in seen}
    assert {"interview:question", "answer:transcript", "answer:evaluation", "interview:state",
            "gamification:update", "interview:complete"} <= names


def alternating(
    processes: list[ServerProcess], with_seq: bool, resumes: list[dict[str, Any]]
) -> Reconnect:
    """A clean drop, then a reconnect to the other process and `interview:resume`."""
    turn = [0]

    async def reconnect(client: Recorder, sid: str) -> None:
        await client.drop()
        turn[0] += 1
        await client.connect(processes[turn[0] % len(processes)].url)
        ref: dict[str, Any] = {"session_id": sid}
        if with_seq:
            ref["last_event_seq"] = client.last_seq
        ack = await client.call("interview:resume", ref)
        assert ack["ok"] and ack["replay_complete"] is True, ack
        resumes.append(ack)

    return reconnect


@pytest.mark.parametrize("with_seq", [True, False], ids=["last_event_seq", "presence"])
async def test_a_client_dropped_at_every_point_gets_every_event_once_in_order(
    spawn: Spawn, deployment_env: dict[str, str], with_seq: bool
) -> None:
    a, b = spawn("a", **PACED), spawn("b", **PACED)
    await a.ready()
    await b.ready()
    token = await register(a.url, f"{uuid.uuid4().hex[:8]}@example.com")
    observer = None
    if with_seq:
        # The same user on the other process, never dropped: what a steady client gets.
        # (Without last_event_seq it would keep the user present, so nothing is missed.)
        observer = await Recorder(b.url, token).connect()
    client = await Recorder(a.url, token).connect()
    resumes: list[dict[str, Any]] = []
    sid = await take_interview(client, set(POINTS), alternating([a, b], with_seq, resumes))
    if observer is not None:
        await observer.wait_for(is_event("interview:complete", session_id=sid))
    log = await logged(deployment_env, sid)
    assert_whole_interview(client.seen, log)
    if observer is not None:
        assert observer.seen == log
    assert len(resumes) == len(POINTS)
    assert sum(r["replayed"] for r in resumes) >= 1  # something did happen while away
    await client.drop()
    if observer is not None:
        await observer.drop()


@pytest.mark.parametrize("point", POINTS)
async def test_a_client_whose_process_is_killed_at_any_point_gets_every_event(
    spawn: Spawn, deployment_env: dict[str, str], point: str
) -> None:
    quick = {**PACED, "MOCKMATE_ASK_LEASE_S": "1", "MOCKMATE_PRESENCE_TTL_S": "1"}
    a, b = spawn("a", **quick), spawn("b", **quick)
    await a.ready()
    await b.ready()
    token = await register(a.url, f"{uuid.uuid4().hex[:8]}@example.com")
    observer = await Recorder(b.url, token).connect()
    client = await Recorder(a.url, token).connect()

    async def crash(client: Recorder, sid: str) -> None:
        a.kill()  # SIGKILL of the process serving the client, mid-work
        await client.abandon()
        await client.connect(b.url)
        ack = await client.call("interview:resume",
                                {"session_id": sid, "last_event_seq": client.last_seq})
        assert ack["ok"] and ack["replay_complete"] is True, ack

    sid = await take_interview(client, {point}, crash)
    await observer.wait_for(is_event("interview:complete", session_id=sid))
    log = await logged(deployment_env, sid)
    assert_whole_interview(client.seen, log)
    assert observer.seen == log
    await client.drop()
    await observer.drop()
