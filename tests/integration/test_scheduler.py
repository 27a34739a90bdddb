"""The scheduler on a real redis-server: due jobs are released into the job queue's stream
exactly once however many pollers race, jobs not yet due stay, a job can be moved, kept
(only-if-absent) or cancelled, and all of it outlives the scheduler object (a restart)."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from mockmate.jobs.queue import JobQueue
from mockmate.notifications.scheduler import Scheduler


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


def scheduler(redis: Redis, prefix: str, clock: Clock) -> tuple[Scheduler, JobQueue]:
    queue = JobQueue(redis, prefix=prefix, consumer_prefix="t", claim_idle_s=1,
                     max_attempts=2)
    return Scheduler(redis, prefix=prefix, queue=queue, clock=clock, batch=7), queue


async def test_racing_pollers_release_each_due_job_once(redis: Redis) -> None:
    prefix, clock = f"t:{uuid.uuid4().hex[:8]}", Clock(1_000.0)
    first, queue = scheduler(redis, prefix, clock)
    for n in range(200):
        await first.schedule(f"job:{n}", 900.0 + n % 50, "remind", {"n": n})
    await first.schedule("later", 5_000.0, "remind", {"n": -1})
    # Ten "processes" (fresh objects, as after a restart) poll at the same instant.
    pollers = [scheduler(redis, prefix, clock)[0] for _ in range(10)]
    released = await asyncio.gather(*(p.release_due() for p in pollers))
    assert sum(released) == 200
    entries = await redis.xrange(queue.stream)
    numbers = sorted(json.loads(fields[b"payload"])["n"] for _, fields in entries)
    assert numbers == list(range(200))
    assert {fields[b"kind"] for _, fields in entries} == {b"remind"}
    assert await first.due_at("later") == 5_000.0
    assert await first.release_due() == 0


async def test_jobs_are_moved_kept_or_cancelled(redis: Redis) -> None:
    prefix, clock = f"t:{uuid.uuid4().hex[:8]}", Clock(1_000.0)
    jobs, queue = scheduler(redis, prefix, clock)
    assert await jobs.schedule("streak:u", 2_000.0, "check", {"v": 1})
    assert not await jobs.schedule("streak:u", 1_500.0, "check", {"v": 2}, only_if_absent=True)
    assert await jobs.due_at("streak:u") == 2_000.0
    await jobs.schedule("streak:u", 3_000.0, "check", {"v": 3})  # moved to a later evening
    await jobs.schedule("reminder:b", 1_200.0, "remind", {})
    assert await jobs.cancel("reminder:b") and not await jobs.cancel("reminder:b")
    clock.now = 2_500.0
    assert await jobs.release_due() == 0
    clock.now = 3_000.0
    assert await jobs.release_due() == 1
    (_, fields), = await redis.xrange(queue.stream)
    assert json.loads(fields[b"payload"]) == {"v": 3}
