"""Candidates asked the same question at once share one synthesis and all hear all of it."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from mockmate.interviews.shared_synthesis import SharedStreams


class Producer:
    """Yields 0..n-1, each released by the test, and counts how often it was started."""

    def __init__(self, n: int, fail_at: int | None = None) -> None:
        self.n, self.fail_at, self.started = n, fail_at, 0
        self.release = asyncio.Semaphore(0)
        self.running = asyncio.Event()

    async def __call__(self) -> AsyncIterator[int]:
        self.started += 1
        self.running.set()
        for i in range(self.n):
            await self.release.acquire()
            if i == self.fail_at:
                raise RuntimeError("tts down")
            yield i


async def collect(stream: AsyncIterator[int]) -> list[int]:
    return [item async for item in stream]


async def test_followers_share_one_producer_and_late_ones_replay_the_start() -> None:
    streams: SharedStreams[int] = SharedStreams()
    produce, stored = Producer(4), []

    async def store(items: list[int]) -> None:
        stored.append(list(items))

    first_stream = streams.follow("q", produce, store)
    produce.release.release()
    produce.release.release()
    heard = [await anext(first_stream), await anext(first_stream)]
    # Two chunks are out; the next candidate asked joins and hears them too.
    second = asyncio.create_task(collect(streams.follow("q", produce, store)))
    for _ in range(2):
        produce.release.release()
    assert heard + await asyncio.wait_for(collect(first_stream), 5) == [0, 1, 2, 3]
    assert await asyncio.wait_for(second, 5) == [0, 1, 2, 3]
    assert produce.started == 1 and stored == [[0, 1, 2, 3]]
    # Finished and stored: the next asker starts afresh (it would read the cache first).
    again = asyncio.create_task(collect(streams.follow("q", produce, store)))
    for _ in range(4):
        produce.release.release()
    assert await asyncio.wait_for(again, 5) == [0, 1, 2, 3] and produce.started == 2


async def test_a_failure_reaches_every_follower_and_nothing_is_stored() -> None:
    streams: SharedStreams[int] = SharedStreams()
    produce, stored = Producer(3, fail_at=1), []

    async def store(items: list[int]) -> None:
        stored.append(items)

    followers = [asyncio.create_task(collect(streams.follow("q", produce, store)))
                 for _ in range(3)]
    for _ in range(2):
        produce.release.release()
    for follower in followers:
        with pytest.raises(RuntimeError, match="tts down"):
            await asyncio.wait_for(follower, 5)
    assert produce.started == 1 and stored == []


async def test_different_texts_are_produced_separately_and_close_stops_them() -> None:
    streams: SharedStreams[int] = SharedStreams()
    one, two = Producer(2), Producer(2)

    async def store(items: list[int]) -> None:
        return None

    a = asyncio.create_task(collect(streams.follow("a", one, store)))
    b = asyncio.create_task(collect(streams.follow("b", two, store)))
    await asyncio.wait_for(asyncio.gather(one.running.wait(), two.running.wait()), 5)
    assert (one.started, two.started) == (1, 1)
    await streams.close()
    for follower in (a, b):  # followers are released, not left waiting
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(follower, 5)
