"""Average scores of every candidate in a Redis sorted set, for percentile ranks.

Counting the users below a score is O(log n) there, where MongoDB (and much more so the
stand-in) would scan every profile on each `GET /api/me/statistics`.
"""

from redis.asyncio import Redis

from mockmate.redis_keys import RedisKeys


class Leaderboard:
    def __init__(self, redis: Redis, *, prefix: str):
        self._redis = redis
        self._key = RedisKeys(prefix).leaderboard

    async def set(self, user_id: str, average_score: float) -> None:
        await self._redis.zadd(self._key, {user_id: average_score})

    async def rank(self, average_score: float) -> tuple[int, int]:
        """(users with a strictly lower average, users ranked)."""
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.zcount(self._key, "-inf", f"({average_score}")
            pipe.zcard(self._key)
            below, total = await pipe.execute()
        return int(below), int(total)

    async def remove(self, user_id: str) -> None:
        await self._redis.zrem(self._key, user_id)
