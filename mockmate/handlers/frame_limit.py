"""A WebSocket frame over the size limit closes the connection with a reason a client can show.

Engine.IO's aiohttp driver opens each WebSocket as an aiohttp `WebSocketResponse` sized by
`max_http_buffer_size`; aiohttp closes an oversized frame's connection with code 1009 (Message
Too Big) but an empty reason, so a client cannot tell the user why. The driver here is the same
one with a response that fills in the reason: the limit and the setting that sets it.
"""

from typing import Any

from aiohttp import WSCloseCode, web
from engineio.async_drivers import aiohttp as engineio_aiohttp

# RFC 6455: a close frame's reason is at most 123 bytes of UTF-8.
MAX_REASON_BYTES = 123


def too_big_reason(limit_bytes: int) -> bytes:
    reason = (f"frame too large: at most {limit_bytes} bytes (MOCKMATE_MAX_MESSAGE_BYTES); "
              "send audio as answer:chunk")
    return reason.encode()[:MAX_REASON_BYTES]


class ReasonedWebSocketResponse(web.WebSocketResponse):
    """aiohttp's response, closing an oversized frame's connection with a reason."""

    def __init__(self, *, max_msg_size: int, **kwargs: Any) -> None:
        super().__init__(max_msg_size=max_msg_size, **kwargs)
        self._frame_limit = max_msg_size

    async def close(self, *, code: int = WSCloseCode.OK, message: bytes = b"",
                    drain: bool = True) -> bool:
        if code == WSCloseCode.MESSAGE_TOO_BIG and not message:
            message = too_big_reason(self._frame_limit)
        return await super().close(code=code, message=message, drain=drain)


class ReasonedWebSocket(engineio_aiohttp.WebSocket):  # type: ignore[misc]
    """Engine.IO's aiohttp WebSocket wrapper, opening a `ReasonedWebSocketResponse`."""

    async def __call__(self, environ: dict[str, Any]) -> web.WebSocketResponse:
        request = environ["aiohttp.request"]
        self._sock = ReasonedWebSocketResponse(max_msg_size=self.server.max_http_buffer_size)
        await self._sock.prepare(request)
        self.environ = environ
        await self.handler(self)
        return self._sock


def use_reasoned_websockets(engineio_server: Any) -> None:
    """Make `engineio_server` (an aiohttp-mode `engineio.AsyncServer`) open its WebSockets
    through `ReasonedWebSocket`. Its driver table is per server (a copy is changed here)."""
    drivers = dict(engineio_server._async)
    if drivers.get("websocket") is not engineio_aiohttp.WebSocket:
        raise RuntimeError("Engine.IO's aiohttp driver changed: review handlers/frame_limit")
    drivers["websocket"] = ReasonedWebSocket
    engineio_server._async = drivers
