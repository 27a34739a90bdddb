"""Each session's server events, numbered and kept in Redis so that no client misses one.

One Lua script numbers an event (`INCR` of the session's counter), appends it to the
session's event log (a Redis Stream whose entry id is `<seq>-0`, capped at
`max_events`), publishes it to every other live process that holds a socket of the user,
and, when no process holds one, remembers its number as *missed* by the user. Doing all of
it in one script makes numbering, logging and fan-out atomic: every process agrees on the
numbers, and a crash can never leave an event numbered but unlogged, or logged but only
half announced. The log and its companions expire with the session (the session store
refreshes them together, and an append copies the session's remaining time to live).

Events are stored and published in one binary framing (`encode`/`decode`) so that audio
stays bytes end to end: never base64 inside JSON.
"""

import json
import struct
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

# KEYS: seq counter, log stream, missed zset, presence hash, session hash.
# ARGV: encoded event, max events, channel prefix, this process id, grace ms, now ms.
# Publishes "<seq>:<event>" to the channel of every other live process with a socket of
# the user; a process is live while its `<channel prefix>alive:<id>` key exists. Returns
# {seq, 1 if this process counts a socket of the user}.
_APPEND = """
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], seq .. '-0', 'm', ARGV[1])
local present = false
local mine = 0
local fields = redis.call('HGETALL', KEYS[4])
for i = 1, #fields, 2 do
  local proc, count = fields[i], tonumber(fields[i + 1])
  if count > 0 and redis.call('EXISTS', ARGV[3] .. 'alive:' .. proc) == 1 then
    present = true
    if proc == ARGV[4] then mine = 1 end
    if proc ~= ARGV[4] then
      redis.call('PUBLISH', ARGV[3] .. 'proc:' .. proc, seq .. ':' .. ARGV[1])
    end
  else
    -- A process that crashed (its heartbeat lapsed) or a count left at zero.
    redis.call('HDEL', KEYS[4], proc)
  end
end
if not present then
  redis.call('ZADD', KEYS[3], seq, seq)
end
local ttl = redis.call('PTTL', KEYS[5])
if ttl < 0 then ttl = tonumber(ARGV[5]) end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('PEXPIRE', KEYS[3], ttl) end
return {seq, mine}
"""

# KEYS: presence hash. ARGV: encoded message, channel prefix, this process id.
# The same fan-out for events that are not about a session (never numbered nor logged).
_PUBLISH = """
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local proc, count = fields[i], tonumber(fields[i + 1])
  if proc ~= ARGV[3] and count > 0
     and redis.call('EXISTS', ARGV[2] .. 'alive:' .. proc) == 1 then
    redis.call('PUBLISH', ARGV[2] .. 'proc:' .. proc, '0:' .. ARGV[1])
  end
end
return 1
"""


@dataclass(frozen=True)
class Event:
    """One server event: `seq` is 0 for events that are not numbered (not about a session)."""

    user_id: str
    session_id: str | None
    seq: int
    name: str
    data: dict[str, Any]


def encode(user_id: str, session_id: str | None, name: str, data: dict[str, Any]) -> bytes:
    """A JSON header, then each top-level bytes field of `data` as a raw attachment."""
    plain = {k: v for k, v in data.items() if not isinstance(v, bytes | bytearray)}
    binary = [(k, bytes(v)) for k, v in data.items() if isinstance(v, bytes | bytearray)]
    header = json.dumps(
        {"u": user_id, "s": session_id, "e": name, "d": plain, "b": [k for k, _ in binary]},
        separators=(",", ":"),
    ).encode()
    parts = [struct.pack(">I", len(header)), header]
    for _, blob in binary:
        parts += [struct.pack(">I", len(blob)), blob]
    return b"".join(parts)


def decode(seq: int, raw: bytes) -> Event:
    (size,) = struct.unpack_from(">I", raw, 0)
    header = json.loads(raw[4:4 + size])
    data = dict(header["d"])
    at = 4 + size
    for key in header["b"]:
        (length,) = struct.unpack_from(">I", raw, at)
        data[key] = raw[at + 4:at + 4 + length]
        at += 4 + length
    return Event(header["u"], header["s"], seq, header["e"], data)


def decode_published(message: bytes) -> Event:
    """A pub/sub message: `<seq>:<encoded event>`."""
    seq, _, raw = message.partition(b":")
    return decode(int(seq), raw)


@dataclass(frozen=True)
class Replay:
    """What the log holds after a given seq: `complete` is False when it was capped past it."""

    events: list[Event]
    complete: bool
    last_seq: int


class EventLog:
    """The per-session event logs, the per-user presence they consult, and the missed sets."""

    def __init__(
        self, redis: Redis, *, prefix: str, process_id: str, max_events: int, grace_s: int
    ):
        self._redis = redis
        self._prefix = prefix
        self.process_id = process_id
        self._max_events = max_events
        self._grace_ms = grace_s * 1000
        self._append = redis.register_script(_APPEND)
        self._publish = redis.register_script(_PUBLISH)

    @property
    def channel_prefix(self) -> str:
        return f"{self._prefix}:events:"

    @property
    def channel(self) -> str:
        """This process's own pub/sub channel."""
        return f"{self.channel_prefix}proc:{self.process_id}"

    def alive_key(self, process_id: str) -> str:
        return f"{self.channel_prefix}alive:{process_id}"

    def presence_key(self, user_id: str) -> str:
        return f"{self._prefix}:presence:{user_id}"

    async def append(
        self, user_id: str, session_id: str, name: str, data: dict[str, Any]
    ) -> tuple[int, bool]:
        """Number, log and fan out one event; returns its seq, and whether this process
        counted as holding a socket of the user (then it owes them the event)."""
        keys = session_keys(self._prefix, session_id)
        seq, mine = await self._append(
            keys=[keys.seq, keys.log, keys.missed, self.presence_key(user_id), keys.session],
            args=[encode(user_id, session_id, name, data), self._max_events,
                  self.channel_prefix, self.process_id, self._grace_ms],
        )
        return int(seq), bool(int(mine))

    async def publish(self, user_id: str, name: str, data: dict[str, Any]) -> None:
        """Fan an unnumbered event out to the user's sockets on other live processes."""
        await self._publish(
            keys=[self.presence_key(user_id)],
            args=[encode(user_id, None, name, data), self.channel_prefix, self.process_id],
        )

    async def after(self, session_id: str, last_seq: int) -> Replay:
        """Every logged event with a seq above `last_seq`, in order."""
        keys = session_keys(self._prefix, session_id)
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
            session_keys(self._prefix, session_id).log, f"{first}-0", f"{last}-0"
        )
        return [decode(_seq_of(i), f[b"m"]) for i, f in entries]

    async def take_missed(self, session_id: str) -> list[Event]:
        """The events nobody of the user was connected for, in order; each is taken once."""
        keys = session_keys(self._prefix, session_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zrange(keys.missed, 0, -1)
            pipe.delete(keys.missed)
            raw, _ = await pipe.execute()
        seqs = sorted(int(s) for s in raw)
        if not seqs:
            return []
        wanted = set(seqs)
        return [e for e in await self.between(session_id, seqs[0], seqs[-1]) if e.seq in wanted]

    async def mark_missed(self, session_id: str, seqs: list[int]) -> None:
        """Events a closing socket could not take: delivered on the user's next resume."""
        if not seqs:
            return
        keys = session_keys(self._prefix, session_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(keys.missed, {str(s): s for s in seqs})
            pipe.pttl(keys.log)
            _, ttl = await pipe.execute()
        await self._redis.pexpire(keys.missed, ttl if ttl > 0 else self._grace_ms)

    async def last_seq(self, session_id: str) -> int:
        value = await self._redis.get(session_keys(self._prefix, session_id).seq)
        return int(value or 0)

    # --- presence -------------------------------------------------------------------

    async def heartbeat(self, ttl_s: float) -> bool:
        """Keep this process live; False if it had lapsed (its presence may be forgotten)."""
        previous = await self._redis.set(
            self.alive_key(self.process_id), b"1", px=int(ttl_s * 1000), get=True
        )
        return previous is not None

    async def assert_presence(self, counts: dict[str, int]) -> None:
        """Restate this process's socket counts per user (after a lapsed heartbeat)."""
        for user_id, count in counts.items():
            await self._redis.hset(self.presence_key(user_id), self.process_id, count)

    async def retire(self) -> None:
        await self._redis.delete(self.alive_key(self.process_id))

    async def arrived(self, user_id: str) -> None:
        await self._redis.hincrby(self.presence_key(user_id), self.process_id, 1)

    async def present_elsewhere(self, user_id: str) -> bool:
        """Whether a live process other than this one counts a socket of the user."""
        raw: dict[Any, Any] = await self._redis.hgetall(self.presence_key(user_id))
        for proc, count in raw.items():
            other = proc.decode() if isinstance(proc, bytes) else str(proc)
            if other != self.process_id and int(count) > 0 and await self._redis.exists(
                self.alive_key(other)
            ):
                return True
        return False

    async def left(self, user_id: str) -> None:
        key = self.presence_key(user_id)
        if int(await self._redis.hincrby(key, self.process_id, -1)) <= 0:
            await self._redis.hdel(key, self.process_id)



@dataclass(frozen=True)
class SessionKeys:
    session: str
    seq: str
    log: str
    missed: str


def session_keys(prefix: str, session_id: str) -> SessionKeys:
    """The session's hash (owned by the session store) and its event-log companions."""
    base = f"{prefix}:session:{session_id}"
    return SessionKeys(session=base, seq=f"{base}:seq", log=f"{base}:events",
                       missed=f"{base}:missed")


def _seq_of(entry_id: bytes | str) -> int:
    raw = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return int(raw.split("-", 1)[0])
