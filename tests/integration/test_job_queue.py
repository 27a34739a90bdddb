"""The durable job queue on a real Redis: delivery, crash recovery, retries, dead letters."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from redis.asyncio import Redis

from mockmate.jobs.queue import SCAN_PAGE, Job, JobQueue
from tests.support.waiting import eventually


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client: Redis = Redis.from_url(redis_url)
    yield client
    await client.aclose()


def queue_for(redis: Redis, prefix: str, name: str, **kw: Any) -> JobQueue:
    options: dict[str, Any] = {"claim_idle_s": 0.3, "max_attempts": 3, **kw}
    return JobQueue(redis, prefix=prefix, consumer_prefix=name, **options)


async def test_a_job_runs_once_on_some_worker(redis: Redis) -> None:
    prefix = f"t:{uuid.uuid4().hex}"
    seen: list[tuple[str, int]] = []
    done = asyncio.Event()
    queues = [queue_for(redis, prefix, f"p{i}") for i in range(3)]
    for i, q in enumerate(queues):
        async def handle(payload: dict[str, Any], worker: int = i) -> None:
            seen.append((f"w{worker}", payload["n"]))
            if len(seen) == 20:
                done.set()
        q.register("work", handle)
    await queues[0].ensure_group()
    for n in range(20):
        await queues[0].enqueue("work", {"n": n})
    workers = [asyncio.create_task(q.run(2)) for q in queues]
    try:
        await asyncio.wait_for(done.wait(), 10)
        assert sorted(n for _, n in seen) == list(range(20))
        assert await queues[0].pending_count() == 0
    finally:
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)


async def test_a_job_whose_worker_died_is_taken_over(redis: Redis) -> None:
    prefix = f"t:{uuid.uuid4().hex}"
    started = asyncio.Event()
    finished = asyncio.Event()

    async def hang(payload: dict[str, Any]) -> None:
        started.set()
        await asyncio.Event().wait()  # never returns: the process "dies" mid-job

    async def complete(payload: dict[str, Any]) -> None:
        finished.set()

    doomed = queue_for(redis, prefix, "doomed")
    doomed.register("work", hang)
    await doomed.ensure_group()
    await doomed.enqueue("work", {"n": 1})
    crashed = asyncio.create_task(doomed.run(1))
    await asyncio.wait_for(started.wait(), 10)
    crashed.cancel()
    await asyncio.gather(crashed, return_exceptions=True)
    assert await doomed.pending_count() == 1  # accepted, unfinished, not lost

    survivor = queue_for(redis, prefix, "survivor")
    survivor.register("work", complete)
    worker = asyncio.create_task(survivor.run(1))
    try:
        await asyncio.wait_for(finished.wait(), 10)
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
    assert await survivor.pending_count() == 0


async def test_failing_jobs_are_retried_then_dead_lettered(redis: Redis) -> None:
    prefix = f"t:{uuid.uuid4().hex}"
    attempts = 0

    async def flaky(payload: dict[str, Any]) -> None:
        nonlocal attempts
        attempts += 1
        raise RuntimeError("provider down")

    given_up: list[dict[str, Any]] = []

    async def tell(payload: dict[str, Any]) -> None:
        given_up.append(payload)

    async def broken_tell(payload: dict[str, Any]) -> None:
        raise RuntimeError("the candidate cannot be told either")

    q = queue_for(redis, prefix, "w", max_attempts=3)
    q.register("work", flaky, gave_up=tell)
    q.register("other", flaky, gave_up=broken_tell)
    await q.ensure_group()
    await q.enqueue("work", {"n": 1})
    await q.enqueue("other", {"n": 2})
    worker = asyncio.create_task(q.run(1))
    try:
        async def both_dead() -> bool:
            return len(await redis.xrange(q.dead_stream)) == 2

        await eventually(both_dead, timeout_s=15)
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
    assert attempts == 6
    assert given_up == [{"n": 1}]  # told once, with the job's payload
    assert await q.pending_count() == 0


async def test_a_long_job_is_not_taken_over_while_its_worker_lives(
    redis: Redis,
) -> None:
    prefix = f"t:{uuid.uuid4().hex}"
    runs = 0
    release = asyncio.Event()
    finished = asyncio.Event()

    async def slow(payload: dict[str, Any]) -> None:
        nonlocal runs
        runs += 1
        await release.wait()
        finished.set()

    # Two workers, a claim timeout of 0.3 s, and a job that runs far longer than that.
    queues = [queue_for(redis, prefix, name) for name in ("w1", "w2")]
    for q in queues:
        q.register("work", slow)
    await queues[0].ensure_group()
    await queues[0].enqueue("work", {})
    workers = [asyncio.create_task(q.run(1)) for q in queues]
    try:
        # Let several claim timeouts pass while the job runs (this waits for time, not for
        # an event: what is checked is that nothing happens): the other worker's XAUTOCLAIM
        # must keep finding the job renewed, so it is never delivered a second time.
        for _ in range(6):
            await asyncio.sleep(0.3)
            pending = await redis.xpending_range(queues[0].stream, "workers", "-", "+", 10)
            assert [p["times_delivered"] for p in pending] == [1]
        release.set()
        await asyncio.wait_for(finished.wait(), 10)
    finally:
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    assert runs == 1


async def test_the_queue_says_how_many_jobs_no_worker_has_read(redis: Redis) -> None:
    # The consumer group's lag: how many jobs wait for a free worker. (The takeover asks
    # `unfinished` instead: a job a worker has just read is not counted here.)
    prefix = f"t:{uuid.uuid4().hex}"
    queue = queue_for(redis, prefix, "p")
    release = asyncio.Event()
    ran: list[int] = []

    async def work(payload: dict[str, Any]) -> None:
        ran.append(payload["n"])
        if payload["n"] == 1:
            await release.wait()  # job 1 holds the one worker

    queue.register("work", work)
    assert await queue.undelivered() is None  # no stream yet (or Redis came back empty)
    await queue.ensure_group()
    assert await queue.undelivered() == 0
    for n in range(2):
        await queue.enqueue("work", {"n": n})
    worker = asyncio.create_task(queue.run(1))
    try:
        await eventually(lambda: _equals(ran, [0, 1]))
        # Job 0 is done and deleted from the stream; job 1 runs; three more wait unread.
        for n in range(2, 5):
            await queue.enqueue("work", {"n": n})
        assert await queue.undelivered() == 3
        release.set()
        await eventually(lambda: _equals(ran, [0, 1, 2, 3, 4]))
        assert await queue.undelivered() == 0
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)


async def test_the_queue_knows_which_jobs_it_still_holds(redis: Redis) -> None:
    # The takeover asks this before queuing a transcription again: a job read by a worker
    # is no longer unread, but it is not done either.
    prefix = f"t:{uuid.uuid4().hex}"
    queue = queue_for(redis, prefix, "p")
    release = asyncio.Event()
    ran: list[str] = []

    async def work(payload: dict[str, Any]) -> None:
        ran.append(payload["name"])
        if payload["name"] != "quick":
            await release.wait()

    queue.register("work", work)
    queue.register("transcribe", work, lane="speech")
    await queue.ensure_group()
    for name in ("slow", "quick", "blocking", "unread"):
        await queue.enqueue("work", {"name": name})
    await queue.enqueue("transcribe", {"name": "speech"})
    worker = asyncio.create_task(queue.run(2, {"speech": 1}))
    try:
        # Two consumers take slow and quick; quick is done and deleted, its consumer takes
        # blocking; unread waits behind them.
        await eventually(lambda: _equals(sorted(ran), ["blocking", "quick", "slow", "speech"]))
        assert {"name": "slow"} in await queue.unfinished("work")  # running
        assert {"name": "unread"} in await queue.unfinished("work")  # waiting its turn
        assert {"name": "speech"} in await queue.unfinished("transcribe")  # running, on its lane
        assert {"name": "quick"} not in await queue.unfinished("work")  # done
        assert {"name": "slow"} not in await queue.unfinished("transcribe")  # another kind
        assert {"name": "never queued"} not in await queue.unfinished("work")
        release.set()
        await eventually(_nothing_pending(queue))
        assert {"name": "unread"} not in await queue.unfinished("work")
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)


async def test_a_long_stream_is_searched_page_by_page(redis: Redis) -> None:
    queue = queue_for(redis, f"t:{uuid.uuid4().hex}", "p")
    await queue.ensure_group()
    for n in range(SCAN_PAGE * 2 + 5):
        await queue.enqueue("work", {"n": n})
    assert await queue.unfinished("work") == [{"n": n} for n in range(SCAN_PAGE * 2 + 5)]


async def _equals(seen: list[Any], expected: list[Any]) -> bool:
    return seen == expected


async def test_short_jobs_do_not_wait_behind_a_lane_of_long_ones(redis: Redis) -> None:
    # Transcriptions wait for a speech thread; an evaluation queued after them must not
    # wait unread until they are done.
    prefix = f"t:{uuid.uuid4().hex}"
    queue = queue_for(redis, prefix, "p")
    release = asyncio.Event()
    started: list[int] = []
    short_done = asyncio.Event()

    async def long_job(payload: dict[str, Any]) -> None:
        started.append(payload["n"])
        await release.wait()

    async def short_job(payload: dict[str, Any]) -> None:
        short_done.set()

    queue.register("transcribe", long_job, lane="speech")
    queue.register("evaluate", short_job)
    await queue.ensure_group()
    for n in range(4):
        await queue.enqueue("transcribe", {"n": n})
    await queue.enqueue("evaluate", {})
    worker = asyncio.create_task(queue.run(2, {"speech": 1}))
    try:
        await asyncio.wait_for(short_done.wait(), 10)
        # The lane's one consumer holds one long job; the other three wait unread for it.
        await eventually(lambda: _equals(started, [0]))
        assert await queue.undelivered() == 3
        release.set()
        await eventually(lambda: _equals(started, [0, 1, 2, 3]))
        await eventually(_nothing_pending(queue))
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)


async def test_a_lane_kind_queued_with_other_kinds_runs_on_the_main_stream(
    redis: Redis,
) -> None:
    # One script step can queue a transcription together with another kind (say, an
    # interview's finalization): they share the main stream, whose consumers run any kind.
    prefix = f"t:{uuid.uuid4().hex}"
    queue = queue_for(redis, prefix, "p")
    ran: list[str] = []

    async def record(payload: dict[str, Any]) -> None:
        ran.append(payload["kind"])

    queue.register("transcribe", record, lane="speech")
    queue.register("finalize", record)
    assert queue.stream_for(["transcribe"]) == queue.lane_stream("speech")
    mixed = queue.stream_for(["transcribe", "finalize"])
    assert mixed == queue.stream
    await queue.ensure_group()
    for kind in ("transcribe", "finalize"):
        fields = JobQueue.message(Job(kind, {"kind": kind}))
        await redis.xadd(mixed, dict(zip(fields[::2], fields[1::2], strict=True)))
    worker = asyncio.create_task(queue.run(1, {"speech": 1}))
    try:
        await eventually(lambda: _equals(sorted(ran), ["finalize", "transcribe"]))
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)


def _nothing_pending(queue: JobQueue) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return await queue.pending_count() == 0 and await queue.undelivered() == 0
    return check
