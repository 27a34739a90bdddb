"""Credential endpoints throttled per client address and per account address, on every
server process (the counts are in Redis).

Each register, login or password request costs an argon2 hash (about a quarter of a CPU
second), so a flood from one address, or at one account, is refused with `rate_limited`
(with `retry_after_s`) before it costs anything. A window starts with the first request of a
key and lasts `window_s`; the counters need no clock of ours.
"""

import hashlib

from redis.asyncio import Redis

from mockmate.errors import RateLimited
from mockmate.redis_keys import RedisKeys


def _digest(value: str) -> str:
    # Hashed: Redis need not hold email or client addresses.
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


class CredentialThrottle:
    def __init__(
        self, redis: Redis, *, prefix: str, per_ip: int, per_address: int, window_s: int
    ) -> None:
        self._redis = redis
        self._keys = RedisKeys(prefix)
        self._per_ip = per_ip
        self._per_address = per_address
        self._window_s = window_s

    async def admit(self, client_ip: str, email: str | None) -> None:
        """Count one credential request; `rate_limited` once either limit is passed."""
        keys = [(self._keys.auth_rate_ip(_digest(client_ip)), self._per_ip, "address")]
        if email:
            keys.append(
                (self._keys.auth_rate_email(_digest(email)), self._per_address, "account")
            )
        async with self._redis.pipeline(transaction=False) as pipe:
            for key, _, _ in keys:
                pipe.incr(key)
                pipe.expire(key, self._window_s, nx=True)
                pipe.ttl(key)
            replies = await pipe.execute()
        for n, (_, limit, what) in enumerate(keys):
            count, ttl = int(replies[3 * n]), int(replies[3 * n + 2])
            if count > limit:
                raise RateLimited(
                    f"too many sign-in requests for this {what}; try again later",
                    retry_after_s=max(1, ttl),
                )
