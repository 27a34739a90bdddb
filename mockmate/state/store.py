"""Sessions in Redis: one hash per session, changed only through a versioned compare-and-set.

Several server processes (and several events of one client) may act on the same session at
once. Every change reads the session, applies a pure operation from `state.session`, and
writes it back with a Lua script that succeeds only if the version is still the one read;
on a lost race the change is recomputed on the fresh session. A change into a transient state
also takes that state's lease (`state.leases`) in the same script, and a change that starts
background work adds its jobs to the job stream (`jobs.queue`) in that script too: the job
exists exactly when the change happened, so neither can outlive the other in a crash, and the
job never finds the session before the change. The scripts also keep, per
user, the set of active sessions (to enforce the active-interview limit atomically) and a
global expiry index that the sweeper uses to mark timed-out interviews abandoned.
"""

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from redis.asyncio import Redis

from mockmate.errors import Conflict, LimitReached, NotFound
from mockmate.redis_keys import RedisKeys
from mockmate.state.leases import TRANSIENT_STATES, SessionLeases
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

# KEYS: session hash, active zset, expiry zset, lease zset, job stream, then the session's
# event-log keys (`event_log_keys`: they expire with it). ARGV: expected version, data, ttl
# seconds, now, session id, terminal (0/1), lease deadline ('' when the new state is not
# transient: nobody need hold it), then the messages to add to the job stream, each as its
# number of fields and values followed by them.
# Returns 1 on success, 0 on a version mismatch, -1 when the session is gone.
_UPDATE = """
local v = redis.call('HGET', KEYS[1], 'v')
if not v then return -1 end
if v ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', tonumber(ARGV[1]) + 1, 'data', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
for i = 6, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[3]) end
if ARGV[6] == '1' then
  redis.call('ZREM', KEYS[2], ARGV[5])
  redis.call('ZREM', KEYS[3], ARGV[5])
else
  local deadline = tonumber(ARGV[4]) + tonumber(ARGV[3])
  redis.call('ZADD', KEYS[2], deadline, ARGV[5])
  redis.call('ZADD', KEYS[3], deadline, ARGV[5])
end
if ARGV[7] == '' then
  redis.call('ZREM', KEYS[4], ARGV[5])
else
  redis.call('ZADD', KEYS[4], ARGV[7], ARGV[5])
end
local i = 8
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  redis.call('XADD', KEYS[5], '*', unpack(ARGV, i + 1, i + n))
  i = i + n + 1
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


@dataclass(frozen=True)
class SessionGuard:
    """A session as checked at `version`: a script given it acts only while the session is
    still at that version (it changed otherwise), and keeps the session alive.

    `keys` are the session's hash, its user's active set, the expiry index and the leases
    (`SessionStore.guard`); `ttl_s` the session's time-to-live, `lease_s` its lease's.
    """

    session_id: str
    version: int
    keys: tuple[str, str, str, str]
    ttl_s: int
    lease_s: float


@dataclass(frozen=True)
class EventLogKeys:
    """A session's hash and its event-log companions (`mockmate.events.log`), which live
    exactly as long as it: every write to the session sets their expiry too."""

    session: str
    seq: str
    log: str
    positions: str

    @property
    def companions(self) -> list[str]:
        return [self.seq, self.log, self.positions]


def event_log_keys(keys: RedisKeys, session_id: str) -> EventLogKeys:
    return EventLogKeys(
        session=keys.session(session_id), seq=keys.session_event_seq(session_id),
        log=keys.session_events(session_id), positions=keys.session_event_positions(session_id),
    )


Mutation = Callable[[InterviewSession], InterviewSession]


@dataclass(frozen=True)
class StreamAdd:
    """Messages to add to a stream in the same step as a session change: each message its
    fields and values in turn (the layout `jobs.queue` reads)."""

    stream: str
    messages: tuple[tuple[str, ...], ...]

# How long a finished session stays readable (for a late `interview:resume`).
FINISHED_TTL_S = 600
MAX_CAS_ATTEMPTS = 50


class SessionStore:
    """Create, read and atomically change interview sessions in Redis."""

    def __init__(
        self, redis: Redis, *, prefix: str, ttl_s: int, max_active: int,
        lease_s: float = 7.5, finished_ttl_s: int = FINISHED_TTL_S,
    ):
        self._redis = redis
        self._keys = RedisKeys(prefix)
        self._ttl_s = ttl_s
        self._finished_ttl_s = finished_ttl_s
        self._max_active = max_active
        self.leases = SessionLeases(redis, key=self._keys.session_leases, ttl_s=lease_s)
        self._create = redis.register_script(_CREATE)
        self._update = redis.register_script(_UPDATE)
        self._touch = redis.register_script(_TOUCH)

    def _key(self, session_id: str) -> str:
        return self._keys.session(session_id)

    def _companions(self, session_id: str) -> list[str]:
        return event_log_keys(self._keys, session_id).companions

    def _active_key(self, user_id: str) -> str:
        return self._keys.user_active_session(user_id)

    async def delete_user_keys(self, user_id: str) -> None:
        """Forget which session is the user's active one (account erasure)."""
        await self._redis.delete(self._active_key(user_id))

    @property
    def expiry_key(self) -> str:
        return self._keys.session_expiry

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
            raise LimitReached(
                "finish or end your active interview first",
                session_id=active[0] if active else None,
                active_session_ids=active,
            )

    async def get(self, session_id: str) -> InterviewSession:
        raw = cast(dict[bytes, bytes], await self._redis.hgetall(self._key(session_id)))
        if not raw:
            raise NotFound("no such interview session")
        session = InterviewSession.model_validate_json(raw[b"data"])
        return session.model_copy(update={"version": int(raw[b"v"])})

    async def mutate(
        self, session_id: str, change: Mutation, *,
        add: StreamAdd | Callable[[InterviewSession, InterviewSession], StreamAdd | None]
        | None = None, current: InterviewSession | None = None,
    ) -> tuple[InterviewSession, InterviewSession]:
        """Apply `change` atomically; returns (before, after). Retries lost races.

        `add`: messages (jobs) added to a stream by the same script, only if the change is
        applied: none on a lost race until the retry that wins, none if the change fails.
        A function of (before, after) decides them for the change as it is applied.
        `current`: the session as the caller has just read it, tried first instead of
        reading it again (if it has moved on since, the version check fails and it is read)."""
        for attempt in range(MAX_CAS_ATTEMPTS):
            if attempt:
                # Lost a race: back off a little, with jitter, so contenders spread out.
                await asyncio.sleep(random.uniform(0, min(0.05, 0.002 * 2**attempt)))
            before = current if attempt == 0 and current is not None else (
                await self.get(session_id))
            after = change(before)
            after = after.model_copy(update={"updated_at": time.time()})
            adding = add(before, after) if callable(add) else add
            stream = adding.stream if adding is not None else self._keys.jobs
            messages = [
                str(part) for message in (adding.messages if adding is not None else ())
                for part in (len(message), *message)
            ]
            terminal = after.finished
            ttl = self._finished_ttl_s if terminal else self._ttl_s
            now = time.time()
            # Entering (or staying in) a transient state takes a fresh lease in the same
            # step, so a crash right after the change still leaves a lease to lapse.
            lease = self.leases.deadline(now) if after.state in TRANSIENT_STATES else ""
            result = await self._update(
                keys=[self._key(session_id), self._active_key(after.user_id), self.expiry_key,
                      self.leases.key, stream, *self._companions(session_id)],
                args=[
                    before.version,
                    after.model_dump_json(),
                    ttl,
                    now,
                    session_id,
                    1 if terminal else 0,
                    lease,
                    *messages,
                ],
            )
            if result == 1:
                return before, after.model_copy(update={"version": before.version + 1})
            if result == -1:
                raise NotFound("no such interview session")
        raise Conflict("the interview is busy; try again")

    def guard(self, session_id: str, user_id: str, version: int) -> SessionGuard:
        """What a script needs to act only while the session is at `version`."""
        keys = (self._key(session_id), self._active_key(user_id), self.expiry_key,
                self.leases.key)
        return SessionGuard(session_id, version, keys, self._ttl_s, self.leases.ttl_s)

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
        await self.leases.release(session_id)

    async def redis_was_emptied(self) -> bool:
        """True after Redis lost its data (a restart without persistence), and against a new
        Redis, until `mark_intact`: a marker key that only a wipe removes is missing."""
        return not await self._redis.exists(self._marker_key)

    async def mark_intact(self) -> None:
        """Set the marker once what a wipe lost has been dealt with (so a sweep interrupted
        half way, by the same outage say, is done again by the next one)."""
        await self._redis.set(self._marker_key, "1")

    @property
    def _marker_key(self) -> str:
        return self._keys.sessions_marker

    async def exists(self, session_id: str) -> bool:
        return bool(await self._redis.exists(self._key(session_id)))
