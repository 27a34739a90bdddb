"""Issue 12 on one process: every interview event numbered from 1 without gaps, replayed
exactly after a reconnect, a capped log answering `replayed: false` with the snapshot, and
the log gone with its session. (Drops across two real processes: `test_event_replay.py`.)"""

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from redis.asyncio import Redis

from mockmate.config import Settings
from mockmate.redis_keys import RedisKeys
from mockmate.state.store import event_log_keys
from tests.support.client import register
from tests.support.recorder import Recorder, Seen, first_copies, is_event
from tests.support.server import running_app, settings_from
from tests.support.waiting import eventually

ANSWER = ("I led the move of our billing service to Python. I measured the slow paths, "
          "rewrote them, and the error rate fell by half in a month.")
QUESTIONS = [{"text": "Why Python?"}, {"text": "Tell me about a bug."},
             {"text": "What did you learn?"}]
START = {"role": "Backend Engineer", "interview_type": "behavioral", "difficulty": "mid",
         "questions": QUESTIONS, "speak": False, "adaptive": False}


@pytest.fixture
async def served(deployment_env: dict[str, str]) -> AsyncIterator[tuple[str, Settings]]:
    settings = settings_from(deployment_env)
    async with running_app(settings) as url:
        yield url, settings


def assert_same_events(got: list[Seen], reference: list[Seen], *, exact: bool) -> None:
    """With `last_event_seq`, exactly the reference. Without it the server goes by the
    acknowledged position of the socket that left, and an event whose ack was still in flight
    when it dropped may come again: nothing is lost, the order holds, and the repeats are
    of events the client had just before a drop (one each)."""
    if exact:
        assert got == reference
        return
    assert first_copies(got) == reference
    repeats = [s for _, s, _ in got]
    assert all(repeats.count(seq) <= 2 for seq in set(repeats))


def state_is(sid: str, name: str) -> Callable[[Seen], bool]:
    return is_event("interview:state", session_id=sid, state=name)


async def answer(client: Recorder, sid: str, index: int) -> None:
    await client.wait_for(state_is(sid, "awaiting_answer"), count=index + 1)
    ack = await client.call("answer:submit", {"session_id": sid, "index": index, "text": ANSWER})
    assert ack["ok"], ack


async def finish(client: Recorder, sid: str, first: int = 0) -> None:
    for index in range(first, len(QUESTIONS)):
        await answer(client, sid, index)
    await client.wait_for(is_event("interview:complete", session_id=sid))


async def test_every_interview_event_is_numbered_from_one_without_gaps(
    served: tuple[str, Settings],
) -> None:
    url, settings = served
    client = await Recorder(url, await register(url, "numbers@example.com")).connect()
    sid = (await client.call("interview:start", START))["session_id"]
    await finish(client, sid)
    names = {e for e, _, _ in client.seen}
    assert {"interview:question", "interview:state", "answer:transcript", "answer:evaluation",
            "interview:complete", "gamification:update"} <= names
    seqs = [seq for _, seq, payload in client.seen if payload.get("session_id") == sid]
    assert seqs == list(range(1, len(seqs) + 1)), "numbered 1.. in order, no gaps, none unnumbered"
    redis = Redis.from_url(settings.redis_url)
    try:
        log_key = event_log_keys(RedisKeys(settings.redis_prefix), sid).log
        assert await redis.xlen(log_key) == len(seqs)
    finally:
        await redis.aclose()
    await client.close()


@pytest.mark.parametrize("tracks_seq", [True, False], ids=["last_event_seq", "no_seq"])
async def test_a_client_that_drops_gets_exactly_the_events_it_missed(
    served: tuple[str, Settings], tracks_seq: bool,
) -> None:
    url, _ = served
    token = await register(url, f"drop-{tracks_seq}@example.com")
    steady = await Recorder(url, token).connect()  # never drops: the reference
    dropping = await Recorder(url, token).connect()
    sid = (await steady.call("interview:start", START))["session_id"]
    # What it holds (events may have reached it before it asked).
    await dropping.call("interview:resume",
                        {"session_id": sid, "last_event_seq": dropping.last_seq})
    await answer(steady, sid, 0)
    await dropping.wait_for(is_event("answer:transcript", session_id=sid, index=0))
    await dropping.drop()
    before = list(dropping.seen)
    # Produced while it is away: a whole question and its answer, and what follows.
    await answer(steady, sid, 1)
    await steady.wait_for(is_event("answer:transcript", session_id=sid, index=1))
    await dropping.connect()
    resume: dict[str, Any] = {"session_id": sid}
    if tracks_seq:
        resume["last_event_seq"] = dropping.last_seq
    ack = await dropping.call("interview:resume", resume)
    assert ack["ok"] and ack["replayed"] is True, ack
    # Sent before the ack: the replay (live events may follow it before the ack).
    replayed = [s for _, s, _ in dropping.seen[len(before):] if s and s <= ack["last_event_seq"]]
    assert ack["replayed_events"] == len(replayed) > 0
    await finish(steady, sid, first=2)
    await dropping.wait_for(is_event("interview:complete", session_id=sid))
    final = steady.last_seq
    await dropping.wait_for(lambda s: s[1] == final)
    assert_same_events(dropping.numbered(sid), steady.numbered(sid), exact=tracks_seq)
    await steady.close()
    await dropping.close()


async def test_a_capped_log_answers_replayed_false_with_a_correct_snapshot(
    deployment_env: dict[str, str],
) -> None:
    settings = settings_from(deployment_env, MOCKMATE_EVENT_LOG_MAX_EVENTS="10")
    async with running_app(settings) as url:
        token = await register(url, "capped@example.com")
        client = await Recorder(url, token).connect()
        sid = (await client.call("interview:start", START))["session_id"]
        await answer(client, sid, 0)
        await answer(client, sid, 1)
        await client.wait_for(state_is(sid, "awaiting_answer"), count=3)
        late = await Recorder(url, token).connect()
        # Evaluations may still be on their way: the ack covers at least what came before it.
        emitted_before = client.last_seq
        ack = await late.call("interview:resume", {"session_id": sid, "last_event_seq": 1})
        assert ack["replayed"] is False and ack["replayed_events"] == 0, ack
        assert not [s for _, s, _ in late.numbered(sid) if s <= ack["last_event_seq"]]
        snapshot = ack["snapshot"]
        assert snapshot["state"] == "awaiting_answer" and snapshot["index"] == 2
        assert snapshot["question"]["text"] == QUESTIONS[2]["text"]
        assert [(a["index"], a["text"]) for a in snapshot["answers"]] == [(0, ANSWER), (1, ANSWER)]
        assert ack["last_event_seq"] >= emitted_before > 10
        # A position the log still holds is replayed as usual.
        recent = ack["last_event_seq"] - 3
        before = len(late.seen)
        again = await late.call("interview:resume", {"session_id": sid, "last_event_seq": recent})
        last = again["last_event_seq"]
        assert again["replayed"] is True and again["replayed_events"] == last - recent >= 3
        replayed = [s for _, s, p in late.seen[before:] if p.get("session_id") == sid
                    and s and s <= last]
        # A live event (a late evaluation) may reach the socket, already in the room, just
        # before the replay starts; the replay itself is the whole range, in order.
        start = replayed.index(recent + 1)
        assert all(s > recent for s in replayed[:start]), replayed
        assert replayed[start:] == list(range(recent + 1, last + 1))
        await client.close()
        await late.close()


async def test_the_log_of_a_finished_interview_is_gone_once_its_session_expires(
    deployment_env: dict[str, str],
) -> None:
    settings = settings_from(deployment_env, MOCKMATE_FINISHED_SESSION_TTL_S="5")
    async with running_app(settings) as url:
        client = await Recorder(url, await register(url, "expiry@example.com")).connect()
        sid = (await client.call("interview:start", {**START, "questions": QUESTIONS[:1]}))[
            "session_id"]
        await answer(client, sid, 0)
        await client.wait_for(state_is(sid, "completed"))
        keys = event_log_keys(RedisKeys(settings.redis_prefix), sid)
        redis = Redis.from_url(settings.redis_url)
        try:
            for key in (keys.log, keys.seq):
                assert 0 < await redis.pttl(key) <= 5000  # as long as the finished session
            await eventually(lambda: _gone(redis, keys.session), timeout_s=15)
            # Later events (an evaluation finishing now) are no longer logged.
            await eventually(lambda: _gone(redis, keys.log, keys.seq, keys.positions),
                             timeout_s=1)
        finally:
            await redis.aclose()
        await client.close()


async def _gone(redis: Redis, *keys: str) -> bool:
    return await redis.exists(*keys) == 0
