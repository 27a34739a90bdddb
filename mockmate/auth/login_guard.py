"""Password guessing protection: after too many failed logins for one email, logins for it
are refused (`rate_limited`) for a while, on every server process (the count is in Redis).

Keyed by the email, not the client address: behind a proxy every client has the proxy's
address, while a guesser must aim at one account. A successful login clears the count.
"""

import hashlib

from redis.asyncio import Redis

from mockmate.errors import RateLimited
from mockmate.redis_keys import RedisKeys


class LoginGuard:
    def __init__(self, redis: Redis, *, prefix: str, max_failures: int, window_s: int):
        self._redis = redis
        self._keys = RedisKeys(prefix)
        self._max = max_failures
        self._window_s = window_s

    def _key(self, email: str) -> str:
        # Hashed: Redis need not hold email addresses.
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
        return self._keys.login_failures(digest)

    async def check(self, email: str) -> None:
        failures = int(await self._redis.get(self._key(email)) or 0)
        if failures >= self._max:
            raise RateLimited(
                "too many failed logins for this account; try again later",
                retry_after_s=int(await self._redis.ttl(self._key(email))),
            )

    async def failed(self, email: str) -> None:
        key = self._key(email)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, self._window_s, nx=True)
            await pipe.execute()

    async def succeeded(self, email: str) -> None:
        await self._redis.delete(self._key(email))
