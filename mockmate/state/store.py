"""Sessions in Redis: one hash per session, changed only through a versioned compare-and-set.

Several server processes (and several events of one client) may act on the same session at
once. Every change reads the session, applies a pure operation from `state.session`, and
writes it back with a Lua script that succeeds only if the version is still the one read;
on a lost race the change is recomputed on the fresh session. The scripts also keep, per
user, the set of active sessions (to enforce the active-interview limit atomically) and a
global expiry index that the sweeper uses to mark timed-out interviews abandoned.
"""

import asyncio
import random
import time
from collections.abc import Callable
from typing import Any, cast

from redis.asyncio import Redis

from mockmate.errors import ErrorCode, MockMateError
from mockmate.state.event_log import session_keys
from mockmate.state.session import InterviewSession

# KEYS: active zset, session hash, expiry zset.
# ARGV: session id, data, ttl seconds, now, limit.
_CREATE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[5]) then
  return redis.call('ZRANGE', KEYS[1], 0, -1)
end
local deadline = tonumber(ARGV[4]) + tonumber(ARGV[3])
redis.call('HSET', KEYS[2], 'v', 0, 'data', ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[1], deadline, ARGV[1])
redis.call('ZADD', KEYS[3], deadline, ARGV[1])
return 1
"""

# KEYS: session hash, active zset, expiry zset, then the session's event-log keys (they
# expire with it). ARGV: expected version, data, ttl seconds, now, session id, terminal (0/1).
# Returns 1 on success, 0 on a version mismatch, -1 when the session is gone.
_UPDATE = """
local v = redis.call('HGET', KEYS[1], 'v')
if not v then return -1 end
if v ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', tonumber(ARGV[1]) + 1, 'data', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
for i = 4, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[3]) end
if ARGV[6] == '1' then
  redis.call('ZREM', KEYS[2], ARGV[5])
  redis.call('ZREM', KEYS[3], ARGV[5])
else
  local deadline = tonumber(ARGV[4]) + tonumber(ARGV[3])
  redis.call('ZADD', KEYS[2], deadline, ARGV[5])
  redis.call('ZADD', KEYS[3], deadline, ARGV[5])
end
return 1
"""

# KEYS: session hash, active zset, expiry zset, event-log keys. ARGV: ttl, now, session id.
_TOUCH = """
if redis.call('EXPIRE', KEYS[1], ARGV[1]) == 0 then return 0 end
for i = 4, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[1]) end
local deadline = tonumber(ARGV[2]) + tonumber(ARGV[1])
redis.call('ZADD', KEYS[2], 'XX', deadline, ARGV[3])
redis.call('ZADD', KEYS[3], 'XX', deadline, ARGV[3])
return 1
"""

Mutation = Callable[[InterviewSession], InterviewSession]

# How long a finished session stays readable (for a late `interview:resume`).
FINISHED_TTL_S = 600
MAX_CAS_ATTEMPTS = 50


class SessionStore:
    """Create, read and atomically change interview sessions in Redis."""

    def __init__(
        self, redis: Redis, *, prefix: str, ttl_s: int, max_active: int,
        finished_ttl_s: int = FINISHED_TTL_S,
    ):
        self._redis = redis
        self._prefix = prefix
        self._ttl_s = ttl_s
        self._finished_ttl_s = finished_ttl_s
        self._max_active = max_active
        self._create = redis.register_script(_CREATE)
        self._update = redis.register_script(_UPDATE)
        self._touch = redis.register_script(_TOUCH)

    def _key(self, session_id: str) -> str:
        return session_keys(self._prefix, session_id).session

    def _companions(self, session_id: str) -> list[str]:
        keys = session_keys(self._prefix, session_id)
        return [keys.seq, keys.log, keys.missed]

    def _active_key(self, user_id: str) -> str:
        return f"{self._prefix}:user:{user_id}:active"

    @property
    def expiry_key(self) -> str:
        return f"{self._prefix}:sessions:expiry"

    async def create(self, session: InterviewSession) -> None:
        """Store a new session, or raise `limit_reached` naming the user's active one."""
        result = await self._create(
            keys=[self._active_key(session.user_id), self._key(session.id), self.expiry_key],
            args=[
                session.id,
                session.model_dump_json(),
                self._ttl_s,
                time.time(),
                self._max_active,
            ],
        )
        if result != 1:
            active = [s.decode() if isinstance(s, bytes) else str(s) for s in result]
            raise MockMateError(
                ErrorCode.LIMIT_REACHED,
                "finish or end your active interview first",
                session_id=active[0] if active else None,
                active_session_ids=active,
            )

    async def get(self, session_id: str) -> InterviewSession:
        raw = cast(dict[bytes, bytes], await self._redis.hgetall(self._key(session_id)))
        if not raw:
            raise MockMateError(ErrorCode.NOT_FOUND, "no such interview session")
        session = InterviewSession.model_validate_json(raw[b"data"])
        return session.model_copy(update={"version": int(raw[b"v"])})

    async def mutate(
        self, session_id: str, change: Mutation
    ) -> tuple[InterviewSession, InterviewSession]:
        """Apply `change` atomically; returns (before, after). Retries lost races."""
        for attempt in range(MAX_CAS_ATTEMPTS):
            if attempt:
                # Lost a race: back off a little, with jitter, so contenders spread out.
                await asyncio.sleep(random.uniform(0, min(0.05, 0.002 * 2**attempt)))
            before = await self.get(session_id)
            after = change(before)
            after = after.model_copy(update={"updated_at": time.time()})
            terminal = after.finished
            ttl = self._finished_ttl_s if terminal else self._ttl_s
            result = await self._update(
                keys=[self._key(session_id), self._active_key(after.user_id), self.expiry_key,
                      *self._companions(session_id)],
                args=[
                    before.version,
                    after.model_dump_json(),
                    ttl,
                    time.time(),
                    session_id,
                    1 if terminal else 0,
                ],
            )
            if result == 1:
                return before, after.model_copy(update={"version": before.version + 1})
            if result == -1:
                raise MockMateError(ErrorCode.NOT_FOUND, "no such interview session")
        raise MockMateError(ErrorCode.CONFLICT, "the interview is busy; try again")

    async def touch(self, session: InterviewSession) -> None:
        """Refresh the session's time-to-live on activity that changes nothing."""
        if session.finished:
            return
        await self._touch(
            keys=[self._key(session.id), self._active_key(session.user_id), self.expiry_key,
                  *self._companions(session.id)],
            args=[self._ttl_s, time.time(), session.id],
        )

    async def expired_ids(self, limit: int = 100) -> list[str]:
        """Sessions whose deadline has passed (their Redis key is gone or about to be)."""
        raw: list[Any] = await self._redis.zrangebyscore(
            self.expiry_key, "-inf", time.time(), start=0, num=limit
        )
        return [r.decode() if isinstance(r, bytes) else str(r) for r in raw]

    async def forget_expired(self, session_id: str, user_id: str | None) -> bool:
        """Drop an expired session from the indexes; True for the one caller that removed it."""
        removed = int(await self._redis.zrem(self.expiry_key, session_id))
        if user_id:
            await self._redis.zrem(self._active_key(user_id), session_id)
        return removed == 1

    async def discard(self, session_id: str, user_id: str) -> None:
        """Remove a session outright (its interview was deleted or never stored)."""
        await self._redis.delete(self._key(session_id), *self._companions(session_id))
        await self._redis.zrem(self._active_key(user_id), session_id)
        await self._redis.zrem(self.expiry_key, session_id)

    async def exists(self, session_id: str) -> bool:
        return bool(await self._redis.exists(self._key(session_id)))
