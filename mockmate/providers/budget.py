"""Cost control shared by every process: a per-user daily budget of LLM calls in Redis, and a
Redis cache of finished evaluations (so identical answers are judged once, on any process).
"""

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from redis.asyncio import Redis

from mockmate.gamification.streaks import local_day
from mockmate.redis_keys import RedisKeys

DAY_S = 24 * 3600


class LlmBudget:
    """At most `daily_limit` LLM calls per user per day, or fewer where the user's plan says
    so (`plan_limit`), counted in the user's own days: in `time_zone(user)` (both set by the
    subscriptions wiring; UTC days without it)."""

    def __init__(self, redis: Redis, *, prefix: str, daily_limit: int,
                 clock: Callable[[], float] = time.time):
        self._redis = redis
        self._keys = RedisKeys(prefix)
        self._limit = daily_limit
        self._clock = clock
        self.plan_limit: Callable[[str], Awaitable[int | None]] | None = None
        self.time_zone: Callable[[str], Awaitable[str]] | None = None

    async def _key(self, user_id: str) -> str:
        tz = await self.time_zone(user_id) if self.time_zone is not None else None
        day = local_day(datetime.fromtimestamp(self._clock(), UTC), tz)
        return self._keys.user_llm_calls(user_id, day.isoformat())

    async def take(self, user_id: str, calls: int = 1) -> bool:
        """Spend `calls` from today's budget; False (and nothing spent) when it is exhausted."""
        limit = self._limit
        if self.plan_limit is not None:
            plan = await self.plan_limit(user_id)
            limit = limit if plan is None else min(limit, plan)
        key = await self._key(user_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incrby(key, calls)
            pipe.expire(key, 2 * DAY_S)
            used, _ = await pipe.execute()
        if int(used) > limit:
            await self._redis.decrby(key, calls)
            return False
        return True

    async def used(self, user_id: str) -> int:
        return int(await self._redis.get(await self._key(user_id)) or 0)

    async def delete_user_keys(self, user_id: str) -> None:
        """Forget the user's counts (account erasure)."""
        keys = [k async for k in self._redis.scan_iter(self._keys.user_llm_calls_pattern(user_id))]
        if keys:
            await self._redis.delete(*keys)


class RedisEvaluationCache:
    """`EvaluationCache` in Redis, kept for `ttl_s`."""

    def __init__(self, redis: Redis, *, prefix: str, ttl_s: int = 30 * DAY_S):
        self._redis = redis
        self._keys = RedisKeys(prefix)
        self._ttl_s = ttl_s

    async def get(self, key: str) -> str | None:
        value = await self._redis.get(self._keys.evaluation(key))
        return value.decode() if isinstance(value, bytes) else value

    async def set(self, key: str, value: str) -> None:
        await self._redis.set(self._keys.evaluation(key), value, ex=self._ttl_s)
