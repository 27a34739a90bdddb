"""Diagnostics for integration tests: a test that is still running shortly before
pytest-timeout stops it prints where each of its asyncio tasks is waiting, since the
timeout's own report shows only threads (an idle event loop says nothing)."""

import asyncio
import sys
from collections.abc import AsyncIterator

import pytest

from mockmate.config import Settings
from tests.support.marketplace import Market, market_on

REPORT_AFTER_S = 100.0  # pytest-timeout (pyproject) stops a test at 120 s


def _print_tasks() -> None:
    print(f"\n=== still running after {REPORT_AFTER_S:.0f} s; asyncio tasks: ===",
          file=sys.stderr)
    for task in asyncio.all_tasks():
        print(f"--- {task.get_name()} ({task.get_coro()!r})", file=sys.stderr)
        task.print_stack(limit=12, file=sys.stderr)


@pytest.fixture(autouse=True)
async def report_stuck_tasks() -> AsyncIterator[None]:
    handle = asyncio.get_running_loop().call_later(REPORT_AFTER_S, _print_tasks)
    yield
    handle.cancel()


@pytest.fixture
async def market(server_url: str, settings: Settings) -> AsyncIterator[Market]:
    """Users of the in-process server's deployment (`tests.support.marketplace.Market`);
    a module sets the deployment's settings by overriding `settings`."""
    async with market_on(server_url, settings) as m:
        yield m
