"""The password-hashing pool: bounded threads, bounded waiting, `unavailable` beyond."""

import asyncio
import threading

import pytest

from mockmate.auth.accounts import HashingPool
from mockmate.errors import ErrorCode, MockMateError


async def test_past_its_threads_and_queue_a_hash_is_refused_as_retryable() -> None:
    pool = HashingPool(threads=1, queue=1)
    gate = threading.Event()
    running = threading.Event()
    seen: list[str] = []

    def work(name: str) -> str:
        running.set()
        gate.wait(10)
        seen.append(threading.current_thread().name)
        return name

    try:
        first = asyncio.create_task(pool.run(lambda: work("first")))
        queued = asyncio.create_task(pool.run(lambda: work("queued")))
        await asyncio.wait_for(asyncio.to_thread(running.wait, 10), 10)
        with pytest.raises(MockMateError) as refused:
            await pool.run(lambda: work("third"))
        assert refused.value.code is ErrorCode.UNAVAILABLE
        assert refused.value.details == {"retryable": True, "retry_after_s": 1}
        gate.set()
        assert await asyncio.wait_for(asyncio.gather(first, queued), 10) == ["first", "queued"]
        assert all(name.startswith("argon2") for name in seen)  # its own threads, not the loop's
        assert await pool.run(lambda: "room again") == "room again"
    finally:
        gate.set()
        pool.close()
