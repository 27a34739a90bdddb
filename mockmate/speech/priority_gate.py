"""Turns at a shared speech engine, given to whoever a candidate is waiting on first.

Whisper runs in a few worker threads shared by every candidate on the process. While answers
stream in, those threads transcribe closed stretches of answers still being spoken and make
captions: work nobody waits on yet. Once a candidate submits, the rest of their answer is what
they wait for, and in a first-come queue it would wait behind other candidates' stretches
(measured: a 16 s answer's transcript 1.3-1.8 times later with segments than without, on a
busy machine). The gate lets at most `slots` calls run; a freed slot goes to the most urgent
waiter, urgency being asked at that moment (a stretch becomes urgent when its answer is
submitted while it waits), then to the longest waiting.
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
    granted: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future())


class PriorityGate:
    """At most `slots` holders at once; freed slots go to urgent waiters first, each group
    in arrival order. Pure asyncio: no threads, no I/O."""

    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError("a gate needs at least one slot")
        self._free = slots
        self._waiting: list[_Waiter] = []
        self._arrivals = itertools.count()

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    @asynccontextmanager
    async def slot(self, urgent: Callable[[], bool] = always) -> AsyncIterator[None]:
        if self._free > 0 and not self._waiting:
            self._free -= 1
        else:
            waiter = _Waiter(urgent, next(self._arrivals))
            self._waiting.append(waiter)
            try:
                await waiter.granted
            except asyncio.CancelledError:
                if waiter in self._waiting:
                    self._waiting.remove(waiter)
                elif waiter.granted.done() and not waiter.granted.cancelled():
                    self._release()  # granted as it was cancelled: pass the slot on
                raise
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        while self._waiting:
            # Urgency is asked now, not at arrival: it may have changed while waiting.
            chosen = min(self._waiting, key=lambda w: (not w.urgent(), w.arrival))
            self._waiting.remove(chosen)
            # A waiter whose task was cancelled in this turn of the loop has a cancelled
            # future but has not left the queue yet: skip it, or the slot is lost (and
            # granting it would raise in whoever frees the slot).
            if not chosen.granted.done():
                chosen.granted.set_result(None)
                return
        self._free += 1
