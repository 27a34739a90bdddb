"""The Socket.IO handshake: JWT check, per-user room, connection bookkeeping."""

import logging
from typing import Any

import socketio

from mockmate.auth.revocation import Authenticator
from mockmate.errors import MockMateError
from mockmate.handlers.connections import ConnectionRegistry, user_room
from mockmate.metrics import Metrics

log = logging.getLogger(__name__)


def register(
    sio: socketio.AsyncServer,
    *,
    authenticator: Authenticator,
    connections: ConnectionRegistry,
    metrics: Metrics,
) -> None:
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        try:
            user = (await authenticator.authenticate(token)).user
        except MockMateError:
            raise socketio.exceptions.ConnectionRefusedError("unauthorized") from None
        connections.add(sid, user.id, user.roles)
        await sio.enter_room(sid, user_room(user.id))
        metrics.connections.inc()

    async def disconnect(sid: str, *args: Any) -> None:
        if connections.get(sid) is not None:
            connections.remove(sid)
            metrics.connections.dec()

    sio.on("connect", connect)
    sio.on("disconnect", disconnect)
