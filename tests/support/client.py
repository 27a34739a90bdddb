"""A real Socket.IO client over loopback that records server events and awaits them."""

import asyncio
from collections import defaultdict
from typing import Any

import aiohttp
import socketio

TIMEOUT_S = 30.0

SERVER_EVENTS = (
    "interview:question", "interview:audio", "answer:transcript", "answer:evaluation",
    "gamification:update", "interview:state", "interview:complete", "error",
    "interview:follow_up_planned", "account:deleted", "answer:turn_ended", "notification",
    "booking:update", "answer:hint", "answer:comparison", "answer:partial",
)


class Candidate:
    """One connected client. `events(name)` is a queue of that event's payloads."""

    def __init__(self, url: str, token: str, source: str | None = None):
        """`source`: the local address to connect from (e.g. 127.0.0.2, to look like another
        client to a balancer that hashes on it)."""
        self.url = url
        self.token = token
        self._http = (aiohttp.ClientSession(connector=aiohttp.TCPConnector(
            local_addr=(source, 0))) if source else None)
        self.sio = socketio.AsyncClient(reconnection=False, http_session=self._http)
        self._queues: dict[str, asyncio.Queue[Any]] = defaultdict(asyncio.Queue)
        for name in SERVER_EVENTS:
            self.sio.on(name, self._recorder(name))

    def _recorder(self, name: str):  # type: ignore[no-untyped-def]
        async def record(data: Any) -> None:
            self._queues[name].put_nowait(data)

        return record

    async def connect(self, transport: str = "websocket") -> "Candidate":
        await self.sio.connect(
            self.url, auth={"token": self.token}, transports=[transport], wait_timeout=TIMEOUT_S
        )
        return self

    async def call(self, event: str, data: Any = None, timeout: float = TIMEOUT_S) -> Any:
        if data is None:
            return await self.sio.call(event, timeout=timeout)
        return await self.sio.call(event, data, timeout=timeout)

    async def expect(
        self, event: str, timeout: float = TIMEOUT_S, **match: Any
    ) -> dict[str, Any]:
        """The next `event` whose fields equal `match` (earlier non-matching ones are dropped)."""
        async with asyncio.timeout(timeout):
            while True:
                data = await self._queues[event].get()
                if all(data.get(k) == v for k, v in match.items()):
                    return dict(data)

    def pending(self, event: str) -> list[Any]:
        queue = self._queues[event]
        items = []
        while not queue.empty():
            items.append(queue.get_nowait())
        return items

    async def close(self) -> None:
        try:
            if not self.sio.connected:
                return
            if self.sio.transport() == "polling":
                # python-engineio's client otherwise waits out its pending long-poll (~25 s).
                await self.sio.eio.disconnect(abort=True)
                return
            await self.sio.disconnect()
        finally:
            if self._http is not None:
                await self._http.close()


async def register(http_url: str, email: str, password: str = "correct horse battery") -> str:
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)
    async with aiohttp.ClientSession(timeout=timeout) as http, http.post(
        f"{http_url}/api/auth/register",
        json={"email": email, "password": password, "display_name": email.split("@")[0]},
    ) as response:
        body = await response.json()
        assert response.status == 201, body
        return str(body["token"])
