"""The session's event log: it goes when the session goes, and a capped one says so on resume
(`replayed: false`) while the snapshot tells the whole state."""

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from mockmate.state.event_log import session_keys
from tests.support.client import register
from tests.support.recorder import Recorder, is_event
from tests.support.server import running_app, settings_from
from tests.support.waiting import eventually

TEXT_START = {"role": "Backend Engineer", "interview_type": "technical", "difficulty": "mid",
              "speak": False, "adaptive": False,
              "questions": [{"text": "Tell me about a server you built."},
                            {"text": "How do you test it?"},
                            {"text": "What would you change?"}]}
ANSWER = ("I built a queue server in Go. I measured latency, fixed the slow path and as a "
          "result we served twice the traffic.")


@pytest.fixture
async def redis(deployment_env: dict[str, str]) -> AsyncIterator[Redis]:
    client = Redis.from_url(deployment_env["REDIS_URL"])
    yield client
    await client.aclose()


async def test_a_finished_interviews_event_log_is_gone_once_its_session_expires(
    deployment_env: dict[str, str], redis: Redis
) -> None:
    settings = settings_from(deployment_env, MOCKMATE_FINISHED_SESSION_TTL_S="3")
    async with running_app(settings) as url:
        client = await Recorder(url, await register(url, "expiry@example.com")).connect()
        start = {**TEXT_START, "questions": TEXT_START["questions"][:1]}
        sid = (await client.call("interview:start", start))["session_id"]
        await client.wait_for(is_event("interview:question", session_id=sid))
        await client.call("answer:submit", {"session_id": sid, "index": 0, "text": ANSWER})
        await client.wait_for(is_event("interview:complete", session_id=sid))
        keys = session_keys(settings.redis_prefix, sid)
        assert await redis.xlen(keys.log) == client.last_seq  # every event, logged
        # A late resume still replays from the log while the finished session is kept.
        ack = await client.call("interview:resume", {"session_id": sid, "last_event_seq": 0})
        assert ack["ok"] and ack["replayed"] == client.last_seq and ack["replay_complete"]

        async def session_gone() -> bool:
            return not await redis.exists(keys.session)

        await eventually(session_gone, timeout_s=30)
        assert not await redis.exists(keys.log, keys.seq, keys.missed)
        ack = await client.call("interview:resume", {"session_id": sid, "last_event_seq": 0})
        assert ack["error"]["code"] == "not_found"
        await client.drop()


async def test_a_capped_log_answers_replayed_false_and_the_snapshot_is_whole(
    deployment_env: dict[str, str], redis: Redis
) -> None:
    settings = settings_from(deployment_env, MOCKMATE_EVENT_LOG_MAX_EVENTS="10")
    async with running_app(settings) as url:
        token = await register(url, "capped@example.com")
        first = await Recorder(url, token).connect()
        sid = (await first.call("interview:start", TEXT_START))["session_id"]
        await first.wait_for(is_event("interview:question", session_id=sid, index=0))
        answer = await first.call("answer:submit", {"session_id": sid, "index": 0,
                                                    "text": ANSWER})
        await first.wait_for(is_event("answer:evaluation", session_id=sid, index=0))
        await first.wait_for(is_event("interview:question", session_id=sid, index=1))
        await first.drop()
        held = first.last_seq

        # The candidate goes on from another tab; the log keeps only the last 10 events.
        other = await Recorder(url, token).connect()
        await other.call("interview:resume", {"session_id": sid, "last_event_seq": held})
        answers = [answer["answer_id"]]
        for index in (1, 2):
            if index == 2:
                await other.wait_for(is_event("interview:question", session_id=sid, index=2))
            ack = await other.call("answer:submit", {"session_id": sid, "index": index,
                                                     "text": ANSWER})
            answers.append(ack["answer_id"])
        await other.wait_for(is_event("interview:complete", session_id=sid))
        assert other.last_seq > held + 10

        await first.connect(url)
        before = len(first.seen)
        ack = await first.call("interview:resume", {"session_id": sid, "last_event_seq": held})
        assert ack["ok"]
        assert ack["replayed"] is False and ack["replay_complete"] is False
        assert len(first.seen) == before  # nothing partial: the snapshot is authoritative
        snapshot = ack["snapshot"]
        assert snapshot["state"] == "completed"
        assert [a["answer_id"] for a in snapshot["answers"]] == answers
        assert all(a["evaluation"] is not None for a in snapshot["answers"])
        assert await redis.xlen(session_keys(settings.redis_prefix, sid).log) == 10
        await first.drop()
        await other.drop()
