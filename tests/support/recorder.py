"""A Socket.IO client that keeps every server event in arrival order, as issue 12 compares
them: `(event, event_seq, payload)`. It awaits the first event matching a condition (with a
timeout), drops its connection cleanly or abruptly, and resumes on any server."""

import asyncio
from collections.abc import Callable
from typing import Any

import socketio

TIMEOUT_S = 60.0
DEBUG_LOG: bool = False

Seen = tuple[str, int | None, dict[str, Any]]


class Recorder:
    def __init__(self, url: str, token: str):
        self.url = url
        self.token = token
        self.seen: list[Seen] = []
        self._changed = asyncio.Condition()
        self.sio: socketio.AsyncClient | None = None

    @property
    def last_seq(self) -> int:
        return max((seq or 0 for _, seq, _ in self.seen), default=0)

    def numbered(self, session_id: str) -> list[Seen]:
        return [s for s in self.seen if s[2].get("session_id") == session_id and s[1]]

    async def connect(self, url: str | None = None) -> "Recorder":
        self.url = url or self.url
        self.sio = socketio.AsyncClient(reconnection=False, logger=DEBUG_LOG)
        self.sio.on("*", self._record)
        await self.sio.connect(self.url, auth={"token": self.token}, transports=["websocket"],
                               wait_timeout=TIMEOUT_S)
        return self

    async def _record(self, event: str, data: Any) -> None:
        payload = dict(data)
        seq = payload.pop("event_seq", None)
        async with self._changed:
            self.seen.append((event, seq, payload))
            self._changed.notify_all()

    async def call(self, event: str, data: Any) -> Any:
        assert self.sio is not None
        return await self.sio.call(event, data, timeout=TIMEOUT_S)

    async def wait_for(
        self, check: Callable[[Seen], bool], timeout: float = TIMEOUT_S, count: int = 1
    ) -> Seen:
        """The `count`-th recorded event for which `check` holds (already seen or to come)."""
        async with asyncio.timeout(timeout), self._changed:
            while True:
                hits = [s for s in self.seen if check(s)]
                if len(hits) >= count:
                    return hits[count - 1]
                await self._changed.wait()

    async def drop(self) -> None:
        """A clean drop: the client goes away (the server sees the socket close), having
        acknowledged what it recorded. python-socketio acks an event when the handler task
        that recorded it returns: let those tasks finish first (no timed wait)."""
        if self.sio is not None and self.sio.connected:
            for _ in range(5):
                await asyncio.sleep(0)
            await self.sio.disconnect()
        self.sio = None

    async def abandon(self) -> None:
        """The client's side of a crashed server: its dead socket is closed locally."""
        if self.sio is not None:
            await self.sio.eio.disconnect(abort=True)
        self.sio = None

    async def close(self) -> None:
        if self.sio is not None and self.sio.connected:
            await self.sio.disconnect()
        self.sio = None


def first_copies(seen: list[Seen]) -> list[Seen]:
    """`seen` without repeated `event_seq`s (kept at their first arrival), as a client that
    de-duplicates by `event_seq` applies them."""
    kept: set[int | None] = set()
    out = []
    for item in seen:
        if item[1] not in kept:
            kept.add(item[1])
            out.append(item)
    return out


def is_event(name: str, **match: Any) -> Callable[[Seen], bool]:
    def check(seen: Seen) -> bool:
        event, _, payload = seen
        return event == name and all(payload.get(k) == v for k, v in match.items())

    return check
