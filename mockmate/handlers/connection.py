"""The Socket.IO handshake: JWT check, per-user room, connection bookkeeping."""

import logging
from typing import Any

import socketio

from mockmate.auth.tokens import TokenIssuer
from mockmate.errors import MockMateError
from mockmate.handlers.connections import ConnectionRegistry, user_room
from mockmate.metrics import Metrics
from mockmate.server.fanout import Fanout
from mockmate.storage.users import UserRepository

log = logging.getLogger(__name__)


def register(
    sio: socketio.AsyncServer,
    *,
    tokens: TokenIssuer,
    users: UserRepository,
    connections: ConnectionRegistry,
    metrics: Metrics,
    fanout: Fanout,
) -> None:
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        try:
            claims = tokens.verify(token)
        except MockMateError:
            raise socketio.exceptions.ConnectionRefusedError("unauthorized") from None
        user = await users.by_id(claims.user_id)
        if user is None:
            raise socketio.exceptions.ConnectionRefusedError("unauthorized")
        connections.add(sid, user.id, user.roles)
        # The room serves events sent through the client manager (account deletion); the
        # interview events go through the fan-out, which counts the socket as present.
        await sio.enter_room(sid, user_room(user.id))
        await fanout.connected(sid, user.id)
        metrics.connections.inc()

    async def disconnect(sid: str, *args: Any) -> None:
        if connections.get(sid) is not None:
            connections.remove(sid)
            metrics.connections.dec()
        await fanout.disconnected(sid)

    sio.on("connect", connect)
    sio.on("disconnect", disconnect)
