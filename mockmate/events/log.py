"""The per-session event log in Redis, and who is connected where (presence).

Every server event about an interview is numbered and logged by one Lua script: it
increments the session's counter, appends the event to the session's Stream (entry id
`<seq>-0`, capped at `max_events`, expiring with the session) and publishes it to the other
live processes that hold a socket of the user, all in one step, so every process agrees on
the numbers and nothing is published that is not logged.

Presence is one hash per user, socket id -> process id; a process is live while its heartbeat
key exists, so the sockets of a crashed process stop counting after `presence_ttl_s`.
Positions are one hash per session, socket id -> the highest `event_seq` that socket has
acknowledged: a client that resumes without `last_event_seq` continues from the position of
the socket it replaces (the user's socket that left), so it gets what it missed while away.
"""

import asyncio
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from mockmate.events.codec import Event, decode, encode
from mockmate.redis_keys import RedisKeys
from mockmate.state.store import event_log_keys

# How long a user's presence hash outlives its last change (crashed processes leave entries).
PRESENCE_KEY_TTL_S = 24 * 3600

# KEYS: seq counter, log stream, the user's presence hash, session hash.
# ARGV: encoded event, max events, channel prefix, this process id.
# An event about a session that is gone (expired) is neither numbered (0) nor logged: no
# resume can ask for it, and its log went with it.
_APPEND = """
local seq = 0
local ttl = redis.call('PTTL', KEYS[4])
if ttl > 0 then
  seq = redis.call('INCR', KEYS[1])
  redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], seq .. '-0', 'm', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
end
local fields = redis.call('HGETALL', KEYS[3])
local alive = {}
for i = 1, #fields, 2 do
  local sid, proc = fields[i], fields[i + 1]
  if alive[proc] == nil then
    alive[proc] = redis.call('EXISTS', ARGV[3] .. 'alive:' .. proc) == 1
    if alive[proc] and proc ~= ARGV[4] then
      redis.call('PUBLISH', ARGV[3] .. 'proc:' .. proc, seq .. ':' .. ARGV[1])
    end
  end
  if not alive[proc] then redis.call('HDEL', KEYS[3], sid) end
end
return seq
"""

# KEYS: positions hash, session hash. ARGV: socket id, position. Nothing once it is gone.
_ADVANCE = """
local ttl = redis.call('PTTL', KEYS[2])
if ttl <= 0 then return 0 end
local old = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if tonumber(ARGV[2]) > old then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
"""

# KEYS: positions hash, the user's presence hash. ARGV: channel prefix, the resuming socket.
# The lowest position of the sockets that left (taken: each is continued once), whether a
# socket with a position is still present (it may be closing), and the lowest such position.
_TAKE = """
local present = redis.call('HGETALL', KEYS[2])
local live = {}
for i = 1, #present, 2 do
  if redis.call('EXISTS', ARGV[1] .. 'alive:' .. present[i + 1]) == 1 then
    live[present[i]] = true
  end
end
local positions = redis.call('HGETALL', KEYS[1])
local gone, waiting, lowest_live = -1, 0, -1
for i = 1, #positions, 2 do
  local sid, p = positions[i], tonumber(positions[i + 1])
  if sid ~= ARGV[2] then
    if live[sid] then
      waiting = 1
      if lowest_live < 0 or p < lowest_live then lowest_live = p end
    else
      if gone < 0 or p < gone then gone = p end
      redis.call('HDEL', KEYS[1], sid)
    end
  end
end
return {gone, waiting, lowest_live}
"""


@dataclass(frozen=True)
class Replay:
    """The logged events after a seq; `complete` is False when the log was capped past it.
    `last_seq` is the session's latest seq when read."""

    events: list[Event]
    complete: bool
    last_seq: int


class EventLog:
    def __init__(self, redis: Redis, *, prefix: str, process_id: str, max_events: int):
        self._redis = redis
        self._keys = RedisKeys(prefix)
        self.process_id = process_id
        self._max_events = max_events
        self._append = redis.register_script(_APPEND)
        self._advance = redis.register_script(_ADVANCE)
        self._take = redis.register_script(_TAKE)

    @property
    def channel_prefix(self) -> str:
        return self._keys.events_prefix

    @property
    def channel(self) -> str:
        """This process's own pub/sub channel."""
        return f"{self.channel_prefix}proc:{self.process_id}"

    def _alive_key(self) -> str:
        return f"{self.channel_prefix}alive:{self.process_id}"

    def presence_key(self, user_id: str) -> str:
        return self._keys.user_presence(user_id)

    async def append(self, event: Event) -> int:
        """Number, log and publish (to other processes with a socket of the user) one event
        about a session; returns its `event_seq` (0: the session is gone, not logged)."""
        assert event.session_id is not None
        keys = event_log_keys(self._keys, event.session_id)
        seq = await self._append(
            keys=[keys.seq, keys.log, self.presence_key(event.user_id), keys.session],
            args=[encode(event), self._max_events, self.channel_prefix, self.process_id],
        )
        return int(seq)

    async def after(self, session_id: str, last_seq: int) -> Replay:
        """Every logged event with a seq above `last_seq`, in order (none if capped past it)."""
        keys = event_log_keys(self._keys, session_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.get(keys.seq)
            pipe.xrange(keys.log, "-", "+", count=1)
            pipe.xrange(keys.log, f"{last_seq + 1}-0", "+")
            current, first, entries = await pipe.execute()
        last = int(current or 0)
        oldest = _seq_of(first[0][0]) if first else last + 1
        complete = last_seq >= last or oldest <= last_seq + 1
        events = [decode(_seq_of(i), f[b"m"]) for i, f in entries] if complete else []
        return Replay(events, complete, last)

    async def between(self, session_id: str, first: int, last: int) -> list[Event]:
        """The logged events with `first <= seq <= last` (fewer if the log was capped)."""
        entries: Any = await self._redis.xrange(
            event_log_keys(self._keys, session_id).log, f"{first}-0", f"{last}-0"
        )
        return [decode(_seq_of(i), f[b"m"]) for i, f in entries]

    async def latest(self, session_id: str, count: int) -> list[Event]:
        """The newest `count` logged events, newest first."""
        entries: Any = await self._redis.xrevrange(
            event_log_keys(self._keys, session_id).log, "+", "-", count=count
        )
        return [decode(_seq_of(i), f[b"m"]) for i, f in entries]

    async def current(self, session_id: str) -> int:
        """The session's latest `event_seq` (0 before its first event)."""
        return int(await self._redis.get(event_log_keys(self._keys, session_id).seq) or 0)

    # --- positions -------------------------------------------------------------------

    async def advance(self, session_id: str, sid: str, position: int) -> None:
        keys = event_log_keys(self._keys, session_id)
        await self._advance(keys=[keys.positions, keys.session], args=[sid, position])

    async def position_to_continue(
        self, user_id: str, session_id: str, sid: str, *, wait_s: float
    ) -> int | None:
        """Where a socket resuming without `last_event_seq` continues: the position of the
        user's socket that left (waiting up to `wait_s` for one still closing), else the
        lowest of the user's present sockets; None when no socket followed the session."""
        keys = event_log_keys(self._keys, session_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        while True:
            gone, waiting, lowest_live = await self._take(
                keys=[keys.positions, self.presence_key(user_id)],
                args=[self.channel_prefix, sid],
            )
            if int(gone) >= 0:
                return int(gone)
            if not int(waiting):
                return None
            if loop.time() >= deadline:
                return int(lowest_live)
            # Polling Redis: the process closing the other socket sends no signal.
            await asyncio.sleep(0.02)

    # --- presence --------------------------------------------------------------------

    async def arrived(self, user_id: str, sid: str) -> None:
        key = self.presence_key(user_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, sid, self.process_id)
            pipe.expire(key, PRESENCE_KEY_TTL_S)
            await pipe.execute()

    async def left(self, user_id: str, sid: str) -> None:
        await self._redis.hdel(self.presence_key(user_id), sid)

    async def delete_user_keys(self, user_id: str) -> None:
        """Account erasure: forget where the user's sockets were (their presence hash)."""
        await self._redis.delete(self.presence_key(user_id))

    async def heartbeat(self, ttl_s: float) -> bool:
        """Keep this process live; False if it had lapsed (its presence may be forgotten)."""
        previous = await self._redis.set(self._alive_key(), b"1", px=int(ttl_s * 1000), get=True)
        return previous is not None

    async def retire(self) -> None:
        await self._redis.delete(self._alive_key())


def _seq_of(entry_id: bytes | str) -> int:
    raw = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return int(raw.split("-", 1)[0])
