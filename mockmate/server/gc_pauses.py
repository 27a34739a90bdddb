"""The garbage collector's pauses: measured on /metrics, and kept short.

CPython's full (generation-2) collection walks every object the collector tracks, and the
event loop, with every socket's acks, waits until it is done. A started server tracks about
250,000 objects that live as long as the process (modules, models, schemas, the question
bank). At 200 streaming candidates a full collection came every few seconds and stopped all
acks for 150-250 ms each time: the whole of the chunk path's p99 (docs/performance.md).
`gc.freeze()` once start-up is done moves those objects into a permanent generation that
collections skip, so a full collection walks only what the traffic itself holds.

Freezing is for a `mockmate serve` process (`MOCKMATE_GC_FREEZE`, on by default), not for
every app built in a process: frozen objects are never collected, so a process that builds
and drops many apps (the test suite) would keep every one of them.
"""

import gc
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web
from prometheus_client import Histogram

log = logging.getLogger(__name__)


class GcPauses:
    """A `gc.callbacks` entry: times each collection into `histogram{generation}`."""

    def __init__(self, histogram: Histogram, clock: Callable[[], float] = time.perf_counter):
        self._histogram = histogram
        self._clock = clock
        self._started: float | None = None

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = self._clock()
            return
        if self._started is not None:
            pause_s = self._clock() - self._started
            self._histogram.labels(str(info["generation"])).observe(pause_s)
            self._started = None


def timing_context(histogram: Histogram) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup context that times every collection while the app runs."""

    async def timed(_: web.Application) -> AsyncIterator[None]:
        pauses = GcPauses(histogram)
        gc.callbacks.append(pauses)
        try:
            yield
        finally:
            gc.callbacks.remove(pauses)

    return timed


async def freeze_startup_objects(_: web.Application) -> None:
    """An `on_startup` handler, appended after the features' contexts: what start-up built
    is collected once, then frozen."""
    gc.collect()
    gc.freeze()
    log.info("%d start-up objects frozen out of garbage collection", gc.get_freeze_count())
