"""Durable scheduled jobs: a Redis sorted set of due times feeding the job queue's stream.

Why this shape: a scheduled job must survive the process that scheduled it and run once
however many processes watch the clock. Scheduling writes the job's body (a hash field) and
its due time (a sorted-set member) under one key in one script. Every process polls; one
Lua script moves each due job from the set into the queue's Redis Stream atomically (remove
and XADD in the same step), so exactly one poller releases it and a crash cannot lose or
double it. From there the queue's consumer group gives it to one worker, reclaims it if that
worker dies, and its handler is idempotent. Scheduling the same key again moves the job
(a streak check pushed to the next evening); cancelling a key removes it.
"""

import json
import time
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis

from mockmate.jobs.queue import JobQueue
from mockmate.redis_keys import RedisKeys

_SCHEDULE = """
if ARGV[4] == 'nx' and redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
"""

_CANCEL = """
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('ZREM', KEYS[1], ARGV[1])
"""

# Moves at most ARGV[2] jobs due by ARGV[1] into the stream KEYS[3]; returns how many.
_RELEASE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, key in ipairs(due) do
  local body = redis.call('HGET', KEYS[2], key)
  redis.call('ZREM', KEYS[1], key)
  redis.call('HDEL', KEYS[2], key)
  if body then
    local job = cjson.decode(body)
    redis.call('XADD', KEYS[3], '*', 'kind', job['kind'], 'payload', job['payload'])
  end
end
return #due
"""


class Scheduler:
    def __init__(self, redis: Redis, *, prefix: str, queue: JobQueue,
                 clock: Callable[[], float] = time.time, batch: int = 100) -> None:
        self._redis = redis
        self._queue = queue
        keys = RedisKeys(prefix)
        self._due, self._bodies = keys.scheduled_due, keys.scheduled_jobs
        self._clock = clock
        self._batch = batch
        self._schedule = redis.register_script(_SCHEDULE)
        self._cancel = redis.register_script(_CANCEL)
        self._release = redis.register_script(_RELEASE)

    async def schedule(self, key: str, at_ts: float, kind: str, payload: dict[str, Any], *,
                       only_if_absent: bool = False) -> bool:
        """Run job `kind` with `payload` at `at_ts` (replacing the job under `key`, unless
        `only_if_absent`); True when it was newly added."""
        body = json.dumps({"kind": kind, "payload": json.dumps(payload)})
        added = await self._schedule(
            keys=[self._due, self._bodies],
            args=[key, repr(float(at_ts)), body, "nx" if only_if_absent else "replace"],
        )
        return bool(added)

    async def cancel(self, key: str) -> bool:
        return bool(await self._cancel(keys=[self._due, self._bodies], args=[key]))

    async def due_at(self, key: str) -> float | None:
        score = await self._redis.zscore(self._due, key)
        return None if score is None else float(score)

    async def release_due(self) -> int:
        """Move every job due by now into the job queue (any process; each job once)."""
        released = 0
        while True:
            count = int(await self._release(
                keys=[self._due, self._bodies, self._queue.stream],
                args=[repr(self._clock()), self._batch],
            ))
            released += count
            if count < self._batch:
                break
        if released:
            self._queue.wake()
        return released
