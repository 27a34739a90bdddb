"""`mockmate loadtest` retries a handshake the server refused as retryable (`unavailable`), as
the contract asks of clients, and reports any other refusal by its code.

python-socketio's ConnectionError says only "One or more namespaces failed to connect", so
the client reads the refusal's `{code, retryable}` from the `connect_error` event. Before,
it looked for "unavailable" in that message, never found it, and counted every refusal of
a busy server as a failed candidate."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import socketio
from aiohttp import web

from mockmate.loadtest.client import Failure, SocketClient
from mockmate.loadtest.stats import Results


@asynccontextmanager
async def refusing_server(refusals: list[dict[str, Any]]) -> AsyncIterator[str]:
    """A Socket.IO server that refuses the handshakes with `refusals` in turn, then lets
    them in."""
    sio = socketio.AsyncServer(async_mode="aiohttp")
    app = web.Application()
    sio.attach(app)

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Any) -> None:
        if refusals:
            data = refusals.pop(0)
            raise socketio.exceptions.ConnectionRefusedError(data["code"], data)

    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_a_handshake_refused_as_retryable_is_tried_again() -> None:
    busy = {"code": "unavailable", "retryable": True}
    res = Results()
    async with refusing_server([busy, busy]) as url:
        client = SocketClient(url, "token", res, timeout_s=10)
        await client.connect()
        assert client.sio.connected
        await client.close()
    assert res.retried["connect"] == 2
    assert len(res.setup["connect"]) == 1 and not res.errors


async def test_a_refusal_that_is_not_retryable_fails_with_its_code() -> None:
    res = Results()
    async with refusing_server([{"code": "unauthorized", "retryable": False}]) as url:
        client = SocketClient(url, "token", res, timeout_s=10)
        with pytest.raises(Failure) as failure:
            await client.connect()
    assert (failure.value.stage, failure.value.code) == ("connect", "unauthorized")
    assert not res.retried
