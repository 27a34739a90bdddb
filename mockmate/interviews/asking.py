"""Who is asking a question right now, so that a question whose process crashed is finished.

Asking (the `interview:question` event, its audio, then `question_delivered`) runs as a task
in one process. While it runs, that process holds a lease on the session in a Redis sorted
set (score: the lease's deadline), renewed every third of its length. If the process dies,
the lease lapses and any process takes it over (`claim_lapsed`), reads from the session's
event log how far the asking got (`progress`), and finishes it from there: the question is
not sent twice and its audio continues at the next chunk.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from mockmate.state.event_log import Event

# KEYS: lease zset. ARGV: session id, now, new deadline. 1 if the lease had lapsed and is ours.
_CLAIM = """
local deadline = redis.call('ZSCORE', KEYS[1], ARGV[1])
if deadline and tonumber(deadline) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
  return 1
end
return 0
"""


@dataclass(frozen=True)
class Progress:
    """How far the current question's asking got: its event sent, audio chunks sent."""

    question_sent: bool = False
    chunks_sent: int = 0
    audio_final: bool = False


def progress(events: Sequence[Event], index: int) -> Progress:
    """From a session's logged events: the asking of question `index` since it was last asked.

    A repeat re-sends the question, so only what follows its latest `interview:question`
    counts; with none, the question itself was never sent."""
    start = None
    for position in range(len(events) - 1, -1, -1):
        event = events[position]
        if event.name == "interview:question" and event.data.get("index") == index:
            start = position
            break
    if start is None:
        return Progress()
    audio = [e.data for e in events[start + 1:]
             if e.name == "interview:audio" and e.data.get("index") == index]
    return Progress(True, len(audio), any(bool(a.get("final")) for a in audio))


class AskLeases:
    def __init__(
        self, redis: Redis, *, prefix: str, lease_s: float,
        clock: Callable[[], float] = time.time,
    ):
        self._redis = redis
        self._key = f"{prefix}:asking"
        self.lease_s = lease_s
        self._clock = clock
        self._claim = redis.register_script(_CLAIM)

    async def hold(self, session_id: str) -> None:
        """Take or renew the lease (the process asking after a state change owns it)."""
        await self._redis.zadd(self._key, {session_id: self._clock() + self.lease_s})

    async def release(self, session_id: str) -> None:
        await self._redis.zrem(self._key, session_id)

    async def lapsed(self, limit: int = 50) -> list[str]:
        raw: list[Any] = await self._redis.zrangebyscore(
            self._key, "-inf", self._clock(), start=0, num=limit
        )
        return [r.decode() if isinstance(r, bytes) else str(r) for r in raw]

    async def claim_lapsed(self, session_id: str) -> bool:
        now = self._clock()
        return bool(await self._claim(
            keys=[self._key], args=[session_id, now, now + self.lease_s]
        ))
