"""The Socket.IO handshake: JWT check, per-user room, connection bookkeeping."""

import logging
from typing import Any

import socketio

from mockmate.auth.revocation import Authenticator
from mockmate.errors import MockMateError
from mockmate.events.fanout import Fanout
from mockmate.events.rooms import user_room
from mockmate.handlers.connections import ConnectionRegistry
from mockmate.metrics import Metrics
from mockmate.outages import OUTAGES

log = logging.getLogger(__name__)


def register(
    sio: socketio.AsyncServer,
    *,
    authenticator: Authenticator,
    connections: ConnectionRegistry,
    metrics: Metrics,
    fanout: Fanout,
) -> None:
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        try:
            claims = await authenticator.admit(token)
        except MockMateError:
            raise socketio.exceptions.ConnectionRefusedError("unauthorized") from None
        except OUTAGES as exc:
            # Redis or MongoDB cannot check the token right now (down, or its pool is busy
            # past its bounded wait): refused as retryable, so the client tries again.
            raise unavailable(exc) from None
        # The room serves events about no interview (sent through the client manager);
        # interview events go through the fan-out, which counts the socket as present.
        await sio.enter_room(sid, user_room(claims.user_id))
        try:
            await fanout.connected(sid, claims.user_id)
        except OUTAGES as exc:  # presence could not be recorded: nothing was registered
            await sio.leave_room(sid, user_room(claims.user_id))
            raise unavailable(exc) from None
        connections.add(sid, claims.user_id, claims.roles)
        metrics.connections.inc()

    def unavailable(exc: BaseException) -> Exception:
        log.warning("handshake refused: a backing service is unavailable (%s)", exc)
        metrics.errors.labels("connect", "unavailable").inc()
        refusal: Exception = socketio.exceptions.ConnectionRefusedError(
            "unavailable", {"code": "unavailable", "retryable": True})
        return refusal

    async def disconnect(sid: str, *args: Any) -> None:
        if connections.get(sid) is not None:
            connections.remove(sid)
            metrics.connections.dec()
        await fanout.disconnected(sid)

    sio.on("connect", connect)
    sio.on("disconnect", disconnect)
