"""The Socket.IO server, with the client's frames checked before python-socketio acts on them.

python-socketio hands a client EVENT named `connect` or `disconnect` to the handlers of the
real connection events (a client could de-register its own socket or inflate the connection
gauge) and one named `*` to the catch-all with shifted arguments; a frame it cannot decode
(bad JSON, an integer too long to convert) raises inside Engine.IO, which logs a traceback
and never acks. Here reserved names and malformed frames are refused with `invalid_payload`
(acked when the frame carried an ack id), counted in `mockmate_malformed_frames` and logged on
one line; nothing else changes.
"""

import logging
import re
from collections.abc import Callable
from typing import Any

import socketio
from socketio import packet

from mockmate.errors import InvalidPayload
from mockmate.handlers.frame_limit import use_reasoned_websockets

log = logging.getLogger(__name__)

# Names python-socketio or the Socket.IO protocol reserve; none is a client event.
RESERVED_EVENTS = frozenset({
    "connect", "disconnect", "connect_error", "disconnecting", "*", "__disconnect_final",
    "newListener", "removeListener",
})
# `2[/namespace,]<ack id>[...` : the ack id of an EVENT frame, read without decoding it.
_ACK_ID = re.compile(r"^[25](?:\d+-)?(?:(/[^,]*),)?(\d{1,15})")


class GuardedServer(socketio.AsyncServer):  # type: ignore[misc]
    def __init__(self, *, on_malformed: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_malformed = on_malformed
        use_reasoned_websockets(self.eio)  # an oversized frame's close says why

    async def _refuse(
        self, eio_sid: str, namespace: str | None, ack_id: int | None, kind: str, why: str
    ) -> None:
        self._on_malformed(kind)
        log.warning("refused a %s frame from %s: %s", kind, eio_sid, why)
        if ack_id is None:
            return
        error = InvalidPayload(why)
        await self._send_packet(eio_sid, self.packet_class(
            packet.ACK, namespace=namespace or "/", id=ack_id,
            data=[{"ok": False, "error": error.body()}],
        ))

    async def _handle_event(
        self, eio_sid: str, namespace: str | None, id: int | None, data: Any
    ) -> None:
        if not isinstance(data, list) or not data or not isinstance(data[0], str):
            await self._refuse(eio_sid, namespace, id, "malformed", "an event needs a name")
            return
        if data[0] in RESERVED_EVENTS:
            await self._refuse(eio_sid, namespace, id, "reserved",
                               f"'{data[0]}' is a reserved name, not an event")
            return
        await super()._handle_event(eio_sid, namespace, id, data)

    async def _handle_eio_message(self, eio_sid: str, data: Any) -> None:
        try:
            await super()._handle_eio_message(eio_sid, data)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            match = _ACK_ID.match(data) if isinstance(data, str) else None
            namespace = match.group(1) if match else None
            ack_id = int(match.group(2)) if match else None
            why = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            await self._refuse(eio_sid, namespace, ack_id, "malformed",
                               f"the frame could not be read ({why})")
