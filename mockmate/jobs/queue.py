"""A durable job queue on a Redis Stream with one consumer group shared by every process.

A job is accepted once XADD returns, so it survives the crash of the process that made it.
Consumers in any process read new jobs with XREADGROUP and acknowledge them only after the
handler succeeds; a job whose consumer died (or failed) stays pending and is reclaimed with
XAUTOCLAIM once it has been idle for `claim_idle_s`. While a handler runs, its consumer
renews the claim (XCLAIM ... JUSTID resets the idle time), so a long job, such as
transcribing a five-minute answer, is not taken over while its worker is alive. A job that
keeps failing is moved to a dead-letter stream after `max_attempts` deliveries. Handlers
must therefore be idempotent.

Lanes: a kind registered with a `lane` is queued on a stream of its own, read by that lane's
own consumers. Long jobs that wait for a scarce resource (transcriptions wait for a speech
thread) would otherwise take every consumer, and every short job (an evaluation) would wait
unread behind them. Any consumer runs any kind it reads: work queued on the main stream
together with a lane's kind (one script step) still runs.
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, NamedTuple

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from mockmate.observability import bind
from mockmate.outages import OUTAGES
from mockmate.redis_keys import RedisKeys
from mockmate.tasks import raise_if_cancelling

log = logging.getLogger(__name__)

# Stream entries read per call when listing unfinished jobs (`JobQueue.unfinished`).
SCAN_PAGE = 200



class Job(NamedTuple):
    """A job to queue: its kind (which handler runs it) and its JSON payload."""

    kind: str
    payload: dict[str, Any]


JobHandler = Callable[[dict[str, Any]], Awaitable[None]]
# Told (kind, outcome) after every attempt: "ok", "failed", "dead" or "unknown".
JobObserver = Callable[[str, str], None]


class JobQueue:
    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str,
        consumer_prefix: str,
        claim_idle_s: float,
        max_attempts: int,
        blocking_reads: bool = True,
        stop_grace_s: float = 3.0,
        observe: JobObserver | None = None,
    ):
        self._redis = redis
        keys = RedisKeys(prefix)
        self.stream = keys.jobs
        self.dead_stream = keys.dead_jobs
        self._group = "workers"
        self._consumer_prefix = consumer_prefix
        self._claim_idle_ms = int(claim_idle_s * 1000)
        self._max_attempts = max_attempts
        # fakeredis cannot wake a blocked XREADGROUP, so there we poll and are woken locally.
        self._blocking = blocking_reads
        self._handlers: dict[str, JobHandler] = {}
        self._lanes: dict[str, str] = {}  # kind -> lane, for the kinds that have one
        self._gave_up: dict[str, JobHandler] = {}
        self._wake = asyncio.Event()
        self._stop_grace_s = stop_grace_s
        self._observe = observe or (lambda kind, outcome: None)
        self._stopping = False
        # False from a failed read until a read succeeds: `/health` reports it (degraded).
        self.consuming = True

    def register(
        self, kind: str, handler: JobHandler, *, lane: str | None = None,
        gave_up: JobHandler | None = None,
    ) -> None:
        """`handler` runs each job of `kind`; `gave_up`, if given, runs once with the payload
        of a job moved to the dead-letter stream (to tell whoever waits on it)."""
        self._handlers[kind] = handler
        if lane is not None:
            self._lanes[kind] = lane
        if gave_up is not None:
            self._gave_up[kind] = gave_up

    def lane_stream(self, lane: str) -> str:
        return f"{self.stream}:lane:{lane}"

    def stream_for(self, kinds: Iterable[str]) -> str:
        """The stream for jobs of these kinds queued together: their lane's, when they all
        have the same one; otherwise the main stream."""
        lanes = {self._lanes.get(kind) for kind in kinds}
        lane = lanes.pop() if len(lanes) == 1 else None
        return self.stream if lane is None else self.lane_stream(lane)

    def _lane_names(self) -> list[str]:
        return sorted(set(self._lanes.values()))

    def _streams(self) -> list[str]:
        return [self.stream, *(self.lane_stream(lane) for lane in self._lane_names())]

    async def ensure_group(self) -> None:
        for stream in self._streams():
            try:
                await self._redis.xgroup_create(stream, self._group, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    async def enqueue(self, kind: str, payload: dict[str, Any]) -> str:
        message_id = await self._redis.xadd(self.stream_for([kind]),
                                            dict(_pairs(Job(kind, payload))))
        self._wake.set()
        return message_id.decode() if isinstance(message_id, bytes) else str(message_id)

    @staticmethod
    def message(job: Job) -> tuple[str, ...]:
        """`job` as the stream message a script adds itself (field, value, field, value),
        for work queued in the same step as another change (`state.store`); `wake` after."""
        return tuple(part for pair in _pairs(job) for part in pair)

    def wake(self) -> None:
        """Jobs were added to the stream behind `enqueue`'s back (the scheduler's script, a
        session change's script)."""
        self._wake.set()

    async def run(self, workers: int, lane_workers: Mapping[str, int] | None = None) -> None:
        """Consume jobs with `workers` concurrent consumers, and each lane's jobs with
        `lane_workers[lane]` (default 1) of its own, until cancelled.

        On cancellation the consumers stop between jobs rather than being cancelled inside
        a Redis call (redis-py can lose a cancellation that lands in a blocking read and
        leave the connection waiting forever); a job still running after `stop_grace_s` is
        cancelled and, unacknowledged, is retried by another consumer.
        """
        await self.ensure_group()
        self._stopping = False
        consumers = [
            asyncio.create_task(self._consume(f"{self._consumer_prefix}-{n}", self.stream))
            for n in range(workers)
        ]
        for lane in self._lane_names():
            consumers += [
                asyncio.create_task(self._consume(f"{self._consumer_prefix}-{lane}-{n}",
                                                  self.lane_stream(lane)))
                for n in range(max(1, (lane_workers or {}).get(lane, 1)))
            ]
        try:
            await asyncio.wait(consumers, return_when=asyncio.FIRST_EXCEPTION)
        finally:
            self._stopping = True
            self._wake.set()
            try:
                await asyncio.wait(consumers, timeout=self._stop_grace_s)
            finally:  # also when cancelled again meanwhile: then stop at once
                for task in consumers:
                    task.cancel()
                await asyncio.gather(*consumers, return_exceptions=True)

    async def _consume(self, consumer: str, stream: str) -> None:
        claim_every = max(self._claim_idle_ms / 2000, 0.05)
        loop = asyncio.get_running_loop()
        next_claim = 0.0
        while not self._stopping:
            try:
                if loop.time() >= next_claim:
                    next_claim = loop.time() + claim_every
                    for message in await self._reclaim(consumer, stream):
                        await self._process(consumer, stream, *message)
                block_ms = int(min(claim_every, 1.0) * 1000)
                messages = await self._read(consumer, stream, block_ms)
                self.consuming = True
                for message in messages:
                    await self._process(consumer, stream, *message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                raise_if_cancelling()
                if self._stopping:
                    return  # a read interrupted by shutdown
                self.consuming = False
                if isinstance(exc, ResponseError) and "NOGROUP" in str(exc):
                    # Redis came back empty: rebuild the stream's group and go on.
                    log.warning("job queue: consumer group lost (Redis emptied); recreating")
                    with contextlib.suppress(Exception):
                        await self.ensure_group()
                    continue
                if isinstance(exc, OUTAGES):
                    log.warning("job consumer %s: Redis unavailable (%s); retrying",
                                consumer, exc)
                else:
                    log.exception("job consumer %s failed; retrying", consumer)
                await asyncio.sleep(1.0)

    async def _read(
        self, consumer: str, stream: str, block_ms: int
    ) -> list[tuple[str, dict[bytes, bytes]]]:
        response: Any = await self._redis.xreadgroup(
            self._group,
            consumer,
            {stream: ">"},
            count=1,
            block=block_ms if self._blocking else None,
        )
        messages = [(_id(mid), fields) for _, batch in response or [] for mid, fields in batch]
        if not messages and not self._blocking:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), block_ms / 1000)
            self._wake.clear()
        return messages

    async def _reclaim(self, consumer: str, stream: str) -> list[tuple[str, dict[bytes, bytes]]]:
        """Take over jobs another consumer left unacknowledged for too long."""
        result = await self._redis.xautoclaim(
            stream, self._group, consumer, min_idle_time=self._claim_idle_ms,
            start_id="0-0", count=10,
        )
        claimed = [(_id(mid), fields) for mid, fields in result[1] if fields]
        keep = []
        for message_id, fields in claimed:
            pending = await self._redis.xpending_range(
                stream, self._group, min=message_id, max=message_id, count=1
            )
            deliveries = int(pending[0]["times_delivered"]) if pending else 1
            if deliveries > self._max_attempts:
                log.error("job %s failed %d times; moved to %s", message_id, deliveries - 1,
                          self.dead_stream)
                kind = fields.get(b"kind", b"").decode()
                self._observe(kind, "dead")
                await self._redis.xadd(self.dead_stream, fields)
                await self._give_up(kind, fields)
                await self._done(stream, message_id)
            else:
                keep.append((message_id, fields))
        return keep

    async def _give_up(self, kind: str, fields: dict[bytes, bytes]) -> None:
        """Best effort: a `gave_up` that fails is logged; the job stays dead either way."""
        gave_up = self._gave_up.get(kind)
        if gave_up is None:
            return
        try:
            await gave_up(json.loads(fields.get(b"payload", b"{}")))
        except Exception:
            raise_if_cancelling()
            log.exception("giving up on a %s job failed", kind)

    async def _run_renewing(
        self, consumer: str, stream: str, message_id: str, handler: JobHandler,
        fields: dict[bytes, bytes],
    ) -> None:
        work = asyncio.ensure_future(handler(json.loads(fields.get(b"payload", b"{}"))))
        renew_every = self._claim_idle_ms / 3000
        try:
            while True:
                done, _ = await asyncio.wait({work}, timeout=renew_every)
                if done:
                    return work.result()
                await self._redis.xclaim(
                    stream, self._group, consumer, min_idle_time=0,
                    message_ids=[message_id], justid=True,
                )
        finally:
            if not work.done():
                work.cancel()
                await asyncio.gather(work, return_exceptions=True)

    async def _process(
        self, consumer: str, stream: str, message_id: str, fields: dict[bytes, bytes]
    ) -> None:
        bind(event=f"job-{message_id}")  # the ids on this job's log lines and error reports
        kind = fields.get(b"kind", b"").decode()
        handler = self._handlers.get(kind)
        if handler is None:
            log.error("job %s has unknown kind %r; dropped", message_id, kind)
            self._observe(kind, "unknown")
        else:
            try:
                await self._run_renewing(consumer, stream, message_id, handler, fields)
            except asyncio.CancelledError:
                raise
            except Exception:
                raise_if_cancelling()
                # Left pending: another attempt follows after the claim timeout.
                log.exception("job %s (%s) failed", message_id, kind)
                self._observe(kind, "failed")
                return
            self._observe(kind, "ok")
        await self._done(stream, message_id)

    async def _done(self, stream: str, message_id: str) -> None:
        """Acknowledge and delete a finished job: the same two commands as ever, sent in one
        round trip (a pipeline, not a transaction; either may fail alone, as before)."""
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.xack(stream, self._group, message_id)
            pipe.xdel(stream, message_id)
            await pipe.execute()

    async def undelivered(self) -> int | None:
        """Jobs no consumer has read yet (the groups' lag, over every lane), or None when
        Redis cannot tell for any stream (before 7.0, when entries the group has not read
        were deleted, or when the streams are gone with an emptied Redis)."""
        lags = [await self._lag(stream) for stream in self._streams()]
        known = [lag for lag in lags if lag is not None]
        return sum(known) if known else None

    async def _lag(self, stream: str) -> int | None:
        try:
            groups = await self._redis.xinfo_groups(stream)
        except ResponseError:  # no such stream: its group is recreated by the consumers
            return None
        for group in groups:
            name = group.get("name")
            if (name.decode() if isinstance(name, bytes) else name) == self._group:
                lag = group.get("lag")
                return None if lag is None else int(lag)
        return None

    async def unfinished(self, kind: str) -> list[dict[str, Any]]:
        """The payloads of every job of `kind` still on a stream: unread, or read and not
        finished (a dead worker's is handed on by the queue itself). Done jobs are deleted,
        so the streams hold only work still to do and the scan is short.

        `undelivered` cannot tell this: a job a worker has read is no longer unread, though
        not done, and Redis cannot always count the unread ones (the lag is unknown while the
        job read last is deleted and later ones wait)."""
        found: list[dict[str, Any]] = []
        for stream in self._streams():
            start = "-"
            while True:
                batch: Any = await self._redis.xrange(stream, min=start, max="+",
                                                      count=SCAN_PAGE)
                found += [json.loads(fields.get(b"payload", b"{}")) for _, fields in batch
                          if fields.get(b"kind", b"").decode() == kind]
                if len(batch) < SCAN_PAGE:
                    break
                start = f"({_id(batch[-1][0])}"
        return found

    async def pending_count(self) -> int:
        info = await self._redis.xpending(self.stream, self._group)
        total = int(info["pending"])
        for lane in self._lane_names():
            with contextlib.suppress(ResponseError):  # a lane nobody has consumed yet
                info = await self._redis.xpending(self.lane_stream(lane), self._group)
                total += int(info["pending"])
        return total


def _pairs(job: Job) -> list[tuple[str, str]]:
    return [("kind", job.kind), ("payload", json.dumps(job.payload))]


def _id(message_id: bytes | str) -> str:
    return message_id.decode() if isinstance(message_id, bytes) else message_id
