"""REDIS_URL naming a Redis Sentinel: two `mockmate serve` processes on a master watched by
Debian's `redis-sentinel`, failed over to the replica (SENTINEL FAILOVER) in the middle of an
interview, which completes with every answer evaluated."""

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from tests.support.client import Candidate, register
from tests.support.sentinel import SERVICE, sentinel_deployment
from tests.support.server import ServerProcess
from tests.support.waiting import eventually

Spawn = Callable[..., ServerProcess]
START = {"role": "Backend Engineer", "interview_type": "behavioral", "difficulty": "mid",
         "question_count": 3, "speak": False, "adaptive": False}
ANSWER = ("When our payments queue backed up I was asked to fix it. I measured the consumers, "
          "found one slow query, added an index and batching, and as a result the backlog "
          "cleared in an hour and never came back.")


async def answer(client: Candidate, sid: str, index: int) -> str:
    await client.expect("interview:question", session_id=sid, index=index, timeout=60)
    ack: dict[str, Any] = await client.call(
        "answer:submit", {"session_id": sid, "index": index, "text": ANSWER})
    assert ack["ok"], ack
    return str(ack["answer_id"])


@pytest.mark.timeout(300)
async def test_an_interview_completes_across_a_sentinel_failover(
    spawn: Spawn, tmp_path: Path
) -> None:
    with sentinel_deployment(tmp_path / "redis") as redis:
        sentinel = Redis(port=redis.sentinel, decode_responses=True)
        replica = Redis(port=redis.replica, decode_responses=True)
        try:
            # The sentinel knows a replica in sync, so it can fail over to it.
            async def replica_ready() -> bool:
                known = await sentinel.execute_command("SENTINEL", "REPLICAS", SERVICE)
                link = (await replica.info("replication")).get("master_link_status")
                return bool(known) and link == "up"

            await eventually(replica_ready, timeout_s=60)
            a = spawn("a", REDIS_URL=redis.url)
            b = spawn("b", REDIS_URL=redis.url)
            await a.ready()
            await b.ready()
            token = await register(a.url, f"{uuid.uuid4().hex[:8]}@example.com")
            client = await Candidate(a.url, token).connect()
            watcher = await Candidate(b.url, token).connect()  # events relayed across
            sid = (await client.call("interview:start", START))["session_id"]
            first = await answer(client, sid, 0)
            await client.expect("answer:evaluation", answer_id=first, timeout=60)

            assert await sentinel.execute_command("SENTINEL", "FAILOVER", SERVICE)

            async def promoted() -> bool:
                _, port = await sentinel.execute_command(
                    "SENTINEL", "GET-MASTER-ADDR-BY-NAME", SERVICE)
                role = (await replica.info("replication"))["role"]
                return int(port) == redis.replica and role == "master"

            await eventually(promoted, timeout_s=60)
            later = [await answer(client, sid, index) for index in (1, 2)]
            complete = await client.expect("interview:complete", session_id=sid, timeout=90)
            assert complete["answered"] == 3
            seen = {e["answer_id"] for e in client.pending("answer:evaluation")}
            assert set(later) <= seen
            # The other process's socket heard the end too, through the new master.
            await watcher.expect("interview:complete", session_id=sid, timeout=60)
            await client.close()
            await watcher.close()
            # Stopped while their Redis is still up (a stop without it waits out timeouts).
            for process in (a, b):
                assert process.terminate() == 0
        finally:
            await sentinel.aclose()
            await replica.aclose()


async def test_a_busy_sentinel_pool_waits_for_a_connection_instead_of_failing(
    tmp_path: Path,
) -> None:
    # Every connection of the pool is taken by a blocking read; the next command waits for
    # one to come back (bounded by the pool timeout), as with a plain REDIS_URL.
    import asyncio

    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    from mockmate.server.redis_url import BlockingSentinelConnectionPool, redis_from_url

    with sentinel_deployment(tmp_path / "redis") as redis:
        client = redis_from_url(redis.url, max_connections=2, timeout=10,
                                retry=Retry(NoBackoff(), 1))
        try:
            assert isinstance(client.connection_pool, BlockingSentinelConnectionPool)
            busy = [asyncio.create_task(client.blpop([f"nothing-{n}"], timeout=1))
                    for n in range(2)]
            await eventually(lambda: _all_in_use(client), timeout_s=10)
            assert await client.set("after", "waited")  # waited, did not raise
            assert await asyncio.gather(*busy) == [None, None]
            assert await client.get("after") == b"waited"
        finally:
            await client.aclose()


async def _all_in_use(client: Redis) -> bool:
    pool = client.connection_pool
    return len(pool._in_use_connections) == pool.max_connections
