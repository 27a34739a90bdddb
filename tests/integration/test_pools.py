"""The Redis pool the server opens waits, boundedly, for a free connection; past the wait
the failure is an outage the handlers answer `unavailable` (retryable), not a crash."""

import asyncio

from redis.asyncio import Redis

from mockmate.config import Settings
from mockmate.errors import ErrorCode
from mockmate.outages import unavailable_from
from mockmate.server.wiring.core import open_redis
from tests.support.server import settings_from
from tests.support.waiting import eventually


async def test_a_full_redis_pool_waits_then_answers_unavailable(
    deployment_env: dict[str, str],
) -> None:
    settings: Settings = settings_from(deployment_env, MOCKMATE_REDIS_MAX_CONNECTIONS="8",
                                       MOCKMATE_REDIS_POOL_TIMEOUT_S="0.3")
    redis, other = open_redis(settings), Redis.from_url(settings.redis_url)
    queue = f"{settings.redis_prefix}:empty"
    try:
        # Eight commands hold all eight connections (each blocks on an empty list)...
        holders = [asyncio.create_task(redis.blpop([queue], 10)) for _ in range(8)]

        async def all_blocked() -> bool:
            return int((await other.info("clients"))["blocked_clients"]) >= 8

        await eventually(all_blocked)
        # ...so a ninth waits its bounded time, then fails as an outage would.
        try:
            await redis.get(f"{settings.redis_prefix}:k")
        except Exception as exc:
            outage = unavailable_from(exc)
            assert outage is not None, repr(exc)
            assert outage.code is ErrorCode.UNAVAILABLE
            assert outage.body()["retryable"] is True
        else:
            raise AssertionError("a command got a connection from a full pool")
        # A command waiting while connections free up gets one: the pool waits, not raises.
        waiting = asyncio.create_task(redis.set(f"{settings.redis_prefix}:k", "v"))
        await other.rpush(queue, *["x"] * 8)
        assert [r for r in await asyncio.gather(*holders)] == [(queue.encode(), b"x")] * 8
        assert await asyncio.wait_for(waiting, 5)
        assert await redis.get(f"{settings.redis_prefix}:k") == b"v"
    finally:
        await redis.aclose()
        await other.aclose()
