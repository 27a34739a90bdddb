"""A real SMTP server on loopback (aiosmtpd) whose received mails a test awaits."""

import asyncio
import email
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.services import free_port


class Inbox:
    """Mails the server received, handed to the test's event loop as they arrive."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self._loop = loop
        self._queue: asyncio.Queue[Message] = asyncio.Queue()
        self.url = ""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        # Runs on the controller's own thread and loop.
        message = email.message_from_bytes(envelope.content)
        self._loop.call_soon_threadsafe(self._queue.put_nowait, message)
        return "250 Message accepted for delivery"

    async def next(self, timeout: float = 30.0) -> Message:
        async with asyncio.timeout(timeout):
            return await self._queue.get()

    def empty(self) -> bool:
        return self._queue.empty()


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    inbox = Inbox(asyncio.get_running_loop())
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{port}"
    try:
        yield inbox
    finally:
        controller.stop()


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()
