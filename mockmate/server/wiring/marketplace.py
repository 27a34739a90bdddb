"""The expert marketplace (`bookings.wiring.open_marketplace`) as a feature context."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

from aiohttp import web

from mockmate.bookings.wiring import Marketplace, open_marketplace
from mockmate.server.wiring.core import CORE

MARKETPLACE = web.AppKey("marketplace", Marketplace)


async def marketplace_context(app: web.Application) -> AsyncIterator[None]:
    core = app[CORE]
    async with AsyncExitStack() as stack:
        app[MARKETPLACE] = await open_marketplace(
            settings=core.settings, db=core.db, redis=core.redis, stack=stack, tasks=core.tasks,
            emitter=core.emitter, provider_metrics=core.provider_metrics,
        )
        yield
