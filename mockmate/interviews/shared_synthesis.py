"""One synthesis per question text at a time, however many candidates are asked it at once.

When a burst of candidates start interviews, many are asked the same bank question before
its audio is cached, and each would synthesize it again: TTS is the most expensive thing
the server does. A `SharedStreams` runs one producer per key and lets every asker follow
its chunks as they come (a late follower first gets what was already produced), so the
first chunk still leaves early and the work is done once per process.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class SharedStream(Generic[T]):
    """Items produced once, read in order by any number of followers."""

    def __init__(self) -> None:
        self.items: list[T] = []
        self.done = False
        self.error: BaseException | None = None
        self._changed = asyncio.Event()

    def push(self, item: T) -> None:
        self.items.append(item)
        self._wake()

    def finish(self, error: BaseException | None = None) -> None:
        self.done, self.error = True, error
        self._wake()

    def _wake(self) -> None:
        # Followers wait on the event they saw; a fresh one serves the next change.
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def follow(self) -> AsyncIterator[T]:
        seen = 0
        while True:
            changed = self._changed
            while seen < len(self.items):
                yield self.items[seen]
                seen += 1
            if self.done:
                if self.error is not None:
                    raise self.error
                return
            await changed.wait()


class SharedStreams(Generic[T]):
    """At most one running producer per key; `follow` joins it or starts it."""

    def __init__(self) -> None:
        self._running: dict[str, SharedStream[T]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def follow(
        self, key: str, produce: Callable[[], AsyncIterator[T]],
        on_complete: Callable[[list[T]], Awaitable[None]],
    ) -> AsyncIterator[T]:
        """Chunks of `produce()` for `key`; `on_complete` gets them all once, if it finishes."""
        stream = self._running.get(key)
        if stream is None:
            stream = SharedStream[T]()
            self._running[key] = stream
            task = asyncio.create_task(self._produce(key, stream, produce, on_complete),
                                       name=f"synthesize:{key[-12:]}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return stream.follow()

    async def _produce(
        self, key: str, stream: SharedStream[T], produce: Callable[[], AsyncIterator[T]],
        on_complete: Callable[[list[T]], Awaitable[None]],
    ) -> None:
        try:
            async for item in produce():
                stream.push(item)
        except BaseException as exc:  # cancelled too: followers must not wait forever
            self._running.pop(key, None)
            stream.finish(exc)
            if not isinstance(exc, Exception):
                raise
            return
        stream.finish()
        try:
            # Still listed meanwhile: a new follower replays these items instead of producing
            # them again before they are stored.
            await on_complete(stream.items)
        except Exception:
            log.exception("storing the finished stream %s failed", key)
        finally:
            self._running.pop(key, None)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
