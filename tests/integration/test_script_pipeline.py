"""The pipelined script runner behind `answer:chunk`, against a real redis-server: each caller
gets its own reply in arrival order, one caller's error stays its own, a flushed script cache
and a Redis that is down are handled as before."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError, ResponseError

from mockmate.state.script_pipeline import ScriptPipeline
from tests.support.services import free_port

# Appends ARGV[1] to the list and returns its length; 'bad' fails this call only.
PUSH = """
if ARGV[1] == 'bad' then return redis.error_reply('refused ' .. ARGV[1]) end
return redis.call('RPUSH', KEYS[1], ARGV[1])
"""


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_concurrent_callers_get_their_own_replies_in_arrival_order(redis: Redis) -> None:
    key = f"sp:{uuid.uuid4().hex}"
    push = ScriptPipeline(redis, PUSH, max_batch=32)
    lengths = await asyncio.gather(*(push(keys=[key], args=[f"c{n}"]) for n in range(300)))
    assert lengths == list(range(1, 301))
    assert await redis.lrange(key, 0, -1) == [f"c{n}".encode() for n in range(300)]


async def test_one_callers_error_is_its_own(redis: Redis) -> None:
    key = f"sp:{uuid.uuid4().hex}"
    push = ScriptPipeline(redis, PUSH)
    replies = await asyncio.gather(push(keys=[key], args=["a"]), push(keys=[key], args=["bad"]),
                                   push(keys=[key], args=["b"]), return_exceptions=True)
    assert replies[0] == 1 and replies[2] == 2
    assert isinstance(replies[1], ResponseError) and "refused bad" in str(replies[1])


async def test_a_flushed_script_cache_is_reloaded(redis: Redis) -> None:
    key = f"sp:{uuid.uuid4().hex}"
    push = ScriptPipeline(redis, PUSH)
    assert await push(keys=[key], args=["a"]) == 1
    await redis.script_flush()  # as after a Redis restart
    assert await asyncio.gather(*(push(keys=[key], args=[n]) for n in range(5))) == \
        [2, 3, 4, 5, 6]


async def test_a_cancelled_caller_leaves_the_others_served(redis: Redis) -> None:
    key = f"sp:{uuid.uuid4().hex}"
    push = ScriptPipeline(redis, PUSH)
    first = asyncio.ensure_future(push(keys=[key], args=["gone"]))
    others = [asyncio.ensure_future(push(keys=[key], args=[n])) for n in range(3)]
    first.cancel()
    assert await asyncio.gather(*others) == [1, 2, 3]


async def test_redis_down_fails_every_caller_of_each_batch() -> None:
    down = Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=1)
    try:
        push = ScriptPipeline(down, PUSH)
        for _ in range(2):  # the runner is not left stuck after a failed batch
            async with asyncio.timeout(10):
                failures = await asyncio.gather(*(push(keys=["k"], args=[n]) for n in range(4)),
                                                return_exceptions=True)
            assert all(isinstance(f, ConnectionError) for f in failures), failures
    finally:
        await down.aclose()
