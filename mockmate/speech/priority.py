"""Worker threads that run at a lower CPU priority than live work.

Start-up chores (checking a model's hash, filling the speech cache ahead of any asker) must
never slow a candidate who is already talking to the server. On Linux a thread has its own
nice value (`setpriority` on its native thread id), so a pool whose threads lower their own
priority when they start yields the cores to every normal thread of the process. Threads
started *from* such a thread inherit the lower priority, so nothing that later serves live
work (an engine's own thread pool) may be created in one.
"""

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

log = logging.getLogger(__name__)

_T = TypeVar("_T")
BACKGROUND_NICE = 10  # added to the thread's nice value: 0 -> 10


def lower_this_thread(increment: int = BACKGROUND_NICE) -> int | None:
    """Lower the calling thread's CPU priority by `increment`; its new nice value, or None
    where the platform cannot (then the thread simply runs at normal priority)."""
    try:
        tid = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, current + increment))
        return os.getpriority(os.PRIO_PROCESS, tid)
    except (AttributeError, OSError) as exc:
        log.debug("cannot lower a thread's priority here: %s", exc)
        return None


def thread_nice() -> int | None:
    """The calling thread's nice value (None where unknown), for tests and logs."""
    try:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    except (AttributeError, OSError):
        return None


def background_pool(max_workers: int = 1, *, name: str = "background") -> ThreadPoolExecutor:
    """A thread pool whose threads run at `BACKGROUND_NICE` below normal priority."""
    return ThreadPoolExecutor(
        max_workers, thread_name_prefix=name, initializer=lower_this_thread
    )


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


async def run_in_background(fn: Callable[..., _T], *args: object) -> _T:
    """Run `fn(*args)` on the process's shared low-priority thread (one, so background chores
    queue behind each other rather than take more than one core between them)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = background_pool(1, name="low-priority")
        pool = _pool
    return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)
