"""Leases on the transient states of a session, so that no interview stays stuck in one.

`asking`, `receiving_answer` and `transcribing` each wait on some process: the one speaking
the question, the one taking the chunks, the worker transcribing. Whoever does that work holds
the session's lease, one entry of a sorted set scored by its deadline, and renews it while it
works. The store's update script takes a fresh lease whenever a session enters such a state,
so a process that dies at any point leaves a lease that lapses. Every process looks for lapsed
leases; the one that takes one over (`take`, atomic) finishes the state's work
(`interviews.takeover`).
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

from redis.asyncio import Redis

from mockmate.state.machine import State

log = logging.getLogger(__name__)

TRANSIENT_STATES = frozenset({State.ASKING, State.RECEIVING_ANSWER, State.TRANSCRIBING})

# KEYS: lease zset. ARGV: session id, now, new deadline.
# Takes a lapsed lease over: 1 for the one caller that did.
_TAKE = """
local deadline = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not deadline or tonumber(deadline) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
"""


class SessionLeases:
    def __init__(self, redis: Redis, *, key: str, ttl_s: float):
        self._redis = redis
        self.key = key
        self.ttl_s = ttl_s
        self._take = redis.register_script(_TAKE)

    def deadline(self, now: float) -> float:
        return now + self.ttl_s

    async def renew(self, session_id: str) -> None:
        """Extend a lease still held (one already released stays released)."""
        await self._redis.zadd(self.key, {session_id: self.deadline(time.time())}, xx=True)

    async def release(self, session_id: str) -> None:
        await self._redis.zrem(self.key, session_id)

    async def lapsed(self, limit: int = 100) -> list[str]:
        raw = await self._redis.zrangebyscore(self.key, "-inf", time.time(), start=0, num=limit)
        return [r.decode() if isinstance(r, bytes) else str(r) for r in raw]

    async def take(self, session_id: str) -> bool:
        """Take over a lapsed lease; True for the one caller that did."""
        now = time.time()
        return bool(await self._take(keys=[self.key], args=[session_id, now, self.deadline(now)]))

    async def held(self, session_id: str) -> float | None:
        score = await self._redis.zscore(self.key, session_id)
        return None if score is None else float(score)

    @contextlib.asynccontextmanager
    async def renewing(self, session_id: str) -> AsyncIterator[None]:
        """Keep the session's lease (if it is held) alive while the body runs, renewed as
        the body starts too: work that waited its turn (a job behind a backlog) may find
        the lease lapsed, and would otherwise be taken over while it runs."""

        async def renew_once() -> None:
            try:
                await self.renew(session_id)
            except Exception:  # the next renewal retries; the lease has slack
                log.warning("could not renew the lease of session %s", session_id)

        async def renew_forever() -> None:
            while True:
                await asyncio.sleep(self.ttl_s / 3)
                await renew_once()

        await renew_once()
        task = asyncio.create_task(renew_forever())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
