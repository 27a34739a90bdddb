"""A `mockmate serve` process freezes its start-up objects out of garbage collection and
reports every collection's pause on /metrics (mockmate.server.gc_pauses)."""

import re
from collections.abc import Callable

import aiohttp

from tests.support.server import ServerProcess


def sample(metrics: str, name: str) -> float:
    found = re.search(rf"^{re.escape(name)} (\S+)$", metrics, re.MULTILINE)
    assert found, f"{name} missing from /metrics"
    return float(found.group(1))


async def test_a_served_process_freezes_its_start_up_objects_and_times_collections(
    spawn: Callable[..., ServerProcess],
) -> None:
    server = await spawn("frozen").ready()
    async with aiohttp.ClientSession() as http, http.get(f"{server.url}/metrics") as response:
        metrics = await response.text()
    # Modules, schemas and the question bank: tens of thousands of objects a full collection
    # no longer walks.
    assert sample(metrics, "mockmate_gc_frozen_objects") > 10_000
    # The collection just before the freeze was timed, as every later one is.
    assert sample(metrics, 'mockmate_gc_pause_seconds_count{generation="2"}') >= 1


async def test_a_process_can_keep_its_start_up_objects_collectable(
    spawn: Callable[..., ServerProcess],
) -> None:
    server = await spawn("unfrozen", MOCKMATE_GC_FREEZE="false").ready()
    async with aiohttp.ClientSession() as http, http.get(f"{server.url}/metrics") as response:
        metrics = await response.text()
    assert sample(metrics, "mockmate_gc_frozen_objects") == 0
