"""Spoken answers arriving in chunks, buffered in Redis so any process can finish them.

Chunks are appended by a Lua script that first checks the session is still at the version
the caller validated (so the chunk path can trust its per-connection check until the
session changes), then enforces the order: a repeated `seq` is acknowledged
again without being stored twice, a gap is refused with the expected `seq`, and the total
size is capped. The buffer lives as long as its session and is cleared when the answer is
submitted or the question skipped.
"""

import time
from dataclasses import dataclass

from redis.asyncio import Redis

from mockmate.errors import InvalidPayload, TooLarge
from mockmate.redis_keys import RedisKeys
from mockmate.state.script_pipeline import ScriptPipeline
from mockmate.state.store import SessionGuard

# KEYS: meta hash, data list, session hash, user's active zset, expiry zset, lease zset.
# ARGV: seq, chunk, max bytes, buffer ttl, expected session version, session ttl, now,
# session id, lease deadline.
# Returns {status, bytes held, next seq}; status 0 stored, 1 repeated, 2 gap, 3 too large,
# 4 the session changed since `version` was checked (or is gone): nothing was stored.
# One round trip per chunk: the version check, the append and the session's keep-alive
# (what `SessionStore.touch` does) happen together, atomically.
_APPEND = """
local v = redis.call('HGET', KEYS[3], 'v')
if v ~= ARGV[5] then return {4, 0, 0} end
redis.call('EXPIRE', KEYS[3], ARGV[6])
local deadline = tonumber(ARGV[7]) + tonumber(ARGV[6])
redis.call('ZADD', KEYS[4], 'XX', deadline, ARGV[8])
redis.call('ZADD', KEYS[5], 'XX', deadline, ARGV[8])
redis.call('ZADD', KEYS[6], 'XX', ARGV[9], ARGV[8])
local nxt = tonumber(redis.call('HGET', KEYS[1], 'next_seq') or '0')
local size = tonumber(redis.call('HGET', KEYS[1], 'bytes') or '0')
local seq = tonumber(ARGV[1])
if seq < nxt then return {1, size, nxt} end
if seq > nxt then return {2, size, nxt} end
if size + string.len(ARGV[2]) > tonumber(ARGV[3]) then return {3, size, nxt} end
redis.call('RPUSH', KEYS[2], ARGV[2])
size = redis.call('HINCRBY', KEYS[1], 'bytes', string.len(ARGV[2]))
nxt = redis.call('HINCRBY', KEYS[1], 'next_seq', 1)
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return {0, size, nxt}
"""


@dataclass(frozen=True)
class ChunkReceipt:
    received_bytes: int
    next_seq: int
    stored: bool  # False for a repeated seq



class AnswerBuffer:
    def __init__(self, redis: Redis, *, prefix: str, ttl_s: int, max_bytes: int):
        self._redis = redis
        self._keys_of = RedisKeys(prefix).answer_chunks
        self._ttl_s = ttl_s
        self._max_bytes = max_bytes
        # Pipelined across sockets: the streaming path's one Redis round trip (per batch).
        self._append = ScriptPipeline(redis, _APPEND)

    def _keys(self, session_id: str, index: int) -> tuple[str, str]:
        return self._keys_of(session_id, index)

    async def append(
        self, guard: SessionGuard, index: int, seq: int, chunk: bytes
    ) -> ChunkReceipt | None:
        """Store chunk `seq` of answer `index`; None when the session moved past `guard`.

        A stored chunk also renews the session's `receiving_answer` lease."""
        now = time.time()
        status, size, next_seq = await self._append(
            keys=[*self._keys(guard.session_id, index), *guard.keys],
            args=[seq, chunk, self._max_bytes, self._ttl_s, guard.version, guard.ttl_s,
                  now, guard.session_id, now + guard.lease_s],
        )
        if status == 4:
            return None
        if status == 2:
            raise InvalidPayload(
                f"chunk {seq} arrived out of order; send {next_seq}",
                expected_seq=int(next_seq), received_bytes=int(size),
            )
        if status == 3:
            raise TooLarge(
                f"an answer may hold at most {self._max_bytes} bytes",
                received_bytes=int(size), next_seq=int(next_seq),
            )
        return ChunkReceipt(int(size), int(next_seq), stored=status == 0)

    async def received_bytes(self, session_id: str, index: int) -> int:
        meta, _ = self._keys(session_id, index)
        value = await self._redis.hget(meta, "bytes")
        return int(value or 0)

    async def read(self, session_id: str, index: int) -> bytes:
        _, data = self._keys(session_id, index)
        chunks: list[bytes] = await self._redis.lrange(data, 0, -1)  # type: ignore[assignment]
        return b"".join(chunks)

    async def read_from(self, session_id: str, index: int, first: int) -> list[bytes]:
        """The chunks of the answer from the `first`-th on (as stored)."""
        _, data = self._keys(session_id, index)
        chunks: list[bytes] = await self._redis.lrange(data, first, -1)  # type: ignore[assignment]
        return chunks

    async def first_chunk(self, session_id: str, index: int) -> bytes | None:
        _, data = self._keys(session_id, index)
        chunk: bytes | None = await self._redis.lindex(data, 0)  # type: ignore[assignment]
        return chunk

    async def clear(self, session_id: str, index: int) -> None:
        await self._redis.delete(*self._keys(session_id, index))
