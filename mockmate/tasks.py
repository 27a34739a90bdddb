"""Fire-and-forget work that must still be owned: logged when it fails, cancelled on shutdown.

Cancellation needs care here. redis-py and PyMongo may turn a cancellation that lands inside a
network call into an ordinary connection error. A loop that logs and carries on after
`except Exception` then swallows its own cancellation and never stops, and a shutdown waiting
on it hangs. `raise_if_cancelling` restores the cancellation, and `BackgroundTasks.close`
cancels again any task still running after a while, within a bounded grace period.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from mockmate.outages import OUTAGES

log = logging.getLogger(__name__)

RECANCEL_EVERY_S = 0.5


def raise_if_cancelling() -> None:
    """Call from `except Exception`: re-raise a cancellation a library turned into an error."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def repeat_every(interval_s: float, step: Callable[[], Awaitable[object]], *,
                       what: str, first_s: float | None = None,
                       step_timeout_s: float | None = None) -> None:
    """Run `step` every `interval_s` (the first time after `first_s`, if given) until
    cancelled; a failed step is logged and run again.

    A step may not end the loop by any other way than the task's own cancellation: a stray
    `CancelledError` (one a library raised from a timeout of its own, while nobody cancelled
    this task) is logged and the loop goes on, and a step that hangs on a dead connection is
    cut after `step_timeout_s` (default: 10 intervals, at least 10 s) and logged with where
    it hung. Otherwise one bad moment would silently stop a sweep for the life of the process.
    """
    limit_s = step_timeout_s if step_timeout_s is not None else max(10.0, 10 * interval_s)
    wait_s = interval_s if first_s is None else first_s
    while True:
        await asyncio.sleep(wait_s)
        wait_s = interval_s
        deadline = asyncio.timeout(limit_s)
        try:
            async with deadline:
                await step()
        except OUTAGES as exc:
            raise_if_cancelling()
            log.warning("%s skipped: a backing service is unavailable (%s)", what, exc)
        except TimeoutError:
            raise_if_cancelling()
            if deadline.expired():
                log.error("%s took longer than %.0f s and was cut short", what, limit_s,
                          exc_info=True)
            else:
                log.exception("%s failed", what)
        except asyncio.CancelledError:
            raise_if_cancelling()
            log.error("%s was interrupted by a stray cancellation; going on", what,
                      exc_info=True)
        except Exception:
            raise_if_cancelling()
            log.exception("%s failed", what)


class BackgroundTasks:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = False

    def spawn(self, work: Coroutine[Any, Any, Any], *, name: str = "") -> asyncio.Task[Any]:
        task = asyncio.create_task(work, name=name or None)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            if not self._closing:  # nobody asked it to stop: say so, it will not run again
                log.error("background task %s stopped: cancelled unexpectedly", task.get_name())
        elif task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    async def close(self, *, patience_s: float = 5.0, grace_s: float = 10.0) -> None:
        """Cancel every task and wait for it. A task may take `patience_s` to wind down (the
        job queue lets running jobs finish); one still running then is taken to have lost its
        cancellation and is cancelled again, until `grace_s` has passed."""
        self._closing = True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace_s
        running = list(self._tasks)
        for task in running:
            task.cancel()
        if running:
            await asyncio.wait(running, timeout=min(patience_s, grace_s))
        while self._tasks:
            running = list(self._tasks)
            if loop.time() >= deadline:
                log.error("background task(s) %s did not stop within %.0f s; left running",
                          sorted(task.get_name() for task in running), grace_s)
                return
            for task in running:
                task.cancel()
            await asyncio.wait(running, timeout=RECANCEL_EVERY_S)
