"""Turns at a shared speech engine, given to whoever a candidate is waiting on first.

Whisper runs in a few worker threads shared by every candidate on the process. While answers
stream in, those threads transcribe closed stretches of answers still being spoken and make
captions: work nobody waits on yet. Once a candidate submits, the rest of their answer is what
they wait for, and in a first-come queue it would wait behind other candidates' stretches
(measured: a 16 s answer's transcript 1.3-1.8 times later with segments than without, on a
busy machine). The gate lets at most `slots` calls run; a freed slot goes to the most urgent
waiter, urgency being asked at that moment (a stretch becomes urgent when its answer is
submitted while it waits), then to the longest waiting.

Priority alone still leaves a submitted answer waiting for a running stretch to finish (a
Whisper call cannot be interrupted): 0.3-0.9 s at 20 spoken candidates. So `reserved` more
slots take urgent work only: it starts at once, and shares the CPU with the stretches for
the moment it runs.
"""

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


def always() -> bool:
    return True


def never() -> bool:
    return False


@dataclass
class _Waiter:
    urgent: Callable[[], bool]
    arrival: int
    # Set when the waiter is given a slot: True when it counts against the ordinary slots.
    granted: asyncio.Future[bool] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future())


class PriorityGate:
    """At most `slots` + `reserved` holders at once, of which at most `slots` hold work
    nobody waits on yet: the `reserved` slots are kept for urgent work, so a submitted answer
    starts at once even while mid-answer stretches fill the ordinary slots. Free slots go to
    urgent waiters first, each group in arrival order. Pure asyncio: no threads, no I/O."""

    def __init__(self, slots: int, reserved: int = 0) -> None:
        if slots < 1:
            raise ValueError("a gate needs at least one slot")
        if reserved < 0:
            raise ValueError("reserved slots cannot be negative")
        self._free = slots + reserved
        self._ordinary_free = slots
        self._waiting: list[_Waiter] = []
        self._arrivals = itertools.count()

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    @asynccontextmanager
    async def slot(self, urgent: Callable[[], bool] = always) -> AsyncIterator[None]:
        waiter = _Waiter(urgent, next(self._arrivals))
        self._waiting.append(waiter)
        self._grant()
        try:
            ordinary = await waiter.granted
        except asyncio.CancelledError:
            if waiter in self._waiting:
                self._waiting.remove(waiter)
            elif waiter.granted.done() and not waiter.granted.cancelled():
                self._release(waiter.granted.result())  # granted as it was cancelled
            raise
        try:
            yield
        finally:
            self._release(ordinary)

    def _release(self, ordinary: bool) -> None:
        self._free += 1
        if ordinary:
            self._ordinary_free += 1
        self._grant()

    def _grant(self) -> None:
        """Give free slots to waiters, most urgent first, while they may take one."""
        while self._waiting and self._free > 0:
            # Urgency is asked now, not at arrival: it may have changed while waiting.
            chosen = min(self._waiting, key=lambda w: (not w.urgent(), w.arrival))
            # A waiter whose task was cancelled in this turn of the loop has a cancelled
            # future but has not left the queue yet: skip it, or the slot is lost (and
            # granting it would raise in whoever frees the slot).
            if chosen.granted.done():
                self._waiting.remove(chosen)
                continue
            ordinary = self._ordinary_free > 0
            if not ordinary and not chosen.urgent():
                return  # only reserved slots are free, and nobody urgent waits
            self._waiting.remove(chosen)
            self._free -= 1
            if ordinary:
                self._ordinary_free -= 1
            chosen.granted.set_result(ordinary)
