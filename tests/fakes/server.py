"""What every fake provider server shares: a loopback aiohttp server on a free port, a
script of replies answered in order (then a default), recorded requests, and pauses that
end early when the server closes (so a scripted slow reply never holds up a test)."""

import asyncio
import contextlib
from collections import deque
from types import TracebackType
from typing import Generic, Self, TypeVar

from aiohttp import web

ReplyT = TypeVar("ReplyT")
RequestT = TypeVar("RequestT")


class ScriptedServer(Generic[ReplyT, RequestT]):
    """Subclasses add their routes in `routes` and take replies with `next_reply`."""

    client_max_size = 1024 * 1024

    def __init__(self, api_key: str, default: ReplyT | None = None) -> None:
        self.api_key = api_key
        self.requests: list[RequestT] = []
        self.default: ReplyT | None = default  # answered when the script is empty
        self._script: deque[ReplyT] = deque()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    def script(self, *replies: ReplyT) -> None:
        """Queue replies, answered in order, one per request that reaches a reply."""
        self._script.extend(replies)

    def next_reply(self) -> ReplyT | None:
        return self._script.popleft() if self._script else self.default

    async def pause(self, seconds: float) -> None:
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), seconds)

    async def __aenter__(self) -> Self:
        app = web.Application(client_max_size=self.client_max_size)
        self.routes(app)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closing.set()  # release handlers still sleeping in a slow reply
        if self._runner is not None:
            await self._runner.cleanup()
