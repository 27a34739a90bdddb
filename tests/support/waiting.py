"""Waiting for a condition in another process (a sweeper, a job queue draining, a counter)
that sends no event to await: poll it, with an overall timeout."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(check: Callable[[], Awaitable[T]], timeout_s: float = 30.0) -> T:
    """The first truthy result of `check()`, polled every 50 ms; TimeoutError after
    `timeout_s`."""
    async with asyncio.timeout(timeout_s):
        while not (result := await check()):
            await asyncio.sleep(0.05)
        return result
