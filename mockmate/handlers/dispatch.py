"""Turns a domain coroutine into a Socket.IO event handler with the contract's ack shape.

Every client event goes through here: authentication of the socket, the per-connection rate
limit, pydantic validation, error mapping to contract codes, and metrics. Nothing a client
sends can raise out of a handler, so a bad event never closes the connection.
"""

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import socketio
from pydantic import BaseModel, ValidationError

from mockmate.errors import (
    ErrorCode,
    Internal,
    InvalidPayload,
    MockMateError,
    RateLimited,
    Unauthorized,
    invalid_payload,
)
from mockmate.handlers.connections import Connection, ConnectionRegistry
from mockmate.metrics import Metrics
from mockmate.observability import bind, user_id
from mockmate.outages import OUTAGES, unavailable_from

log = logging.getLogger(__name__)

Ack = dict[str, Any]
M = TypeVar("M", bound=BaseModel)


def error_ack(error: MockMateError) -> Ack:
    return {"ok": False, "error": error.body()}


def parse(model: type[M], args: tuple[Any, ...]) -> M:
    if len(args) != 1 or not isinstance(args[0], dict):
        raise InvalidPayload("the payload must be one JSON object")
    try:
        return model.model_validate(args[0])
    except ValidationError as exc:
        raise invalid_payload(exc) from None


def _session_of(args: tuple[Any, ...]) -> str | None:
    """The `session_id` a client event names, for the logs (unvalidated, so bounded)."""
    value = args[0].get("session_id") if len(args) == 1 and isinstance(args[0], dict) else None
    return value[:64] if isinstance(value, str) else None


class Dispatcher:
    def __init__(
        self, sio: socketio.AsyncServer, connections: ConnectionRegistry, metrics: Metrics
    ):
        self._sio = sio
        self._connections = connections
        self._metrics = metrics

    def on(
        self, event: str, model: type[M], handler: Callable[[Connection, M], Awaitable[Ack]]
    ) -> None:
        async def handle(sid: str, *args: Any) -> Ack:
            bind(session=_session_of(args))
            return await self._run(event, sid, lambda conn: self._call(handler, model, conn, args))

        self._sio.on(event, handle)

    async def unknown(self, event: str, sid: str, *args: Any) -> Ack:
        async def reject(conn: Connection) -> Ack:
            raise InvalidPayload(f"unknown event '{event}'")

        bind()
        return await self._run("unknown", sid, reject)

    @staticmethod
    async def _call(
        handler: Callable[[Connection, M], Awaitable[Ack]], model: type[M],
        conn: Connection, args: tuple[Any, ...],
    ) -> Ack:
        return await handler(conn, parse(model, args))

    async def _run(
        self, event: str, sid: str, work: Callable[[Connection], Awaitable[Ack]]
    ) -> Ack:
        started = time.perf_counter()
        self._metrics.events.labels(event).inc()
        try:
            conn = self._connections.get(sid)
            if conn is None:
                raise Unauthorized("reconnect with a valid token")
            user_id.set(conn.user_id)
            if not conn.bucket.allow():
                raise RateLimited("too many events; slow down")
            return {"ok": True, **await work(conn)}
        except MockMateError as exc:
            self._metrics.errors.labels(event, exc.code.value).inc()
            # One line per refused event, for operators; a flood of rate-limited ones only
            # at DEBUG (the metric counts them).
            log.log(logging.DEBUG if exc.code is ErrorCode.RATE_LIMITED else logging.INFO,
                    "event %s refused: %s", event, exc.code.value)
            return error_ack(exc)
        except OUTAGES as exc:
            outage = unavailable_from(exc)
            assert outage is not None
            log.warning("event %s from %s: %s (%s)", event, sid, outage.message, exc)
            self._metrics.errors.labels(event, outage.code.value).inc()
            return error_ack(outage)
        except Exception:
            log.exception("event %s from %s failed", event, sid)
            self._metrics.errors.labels(event, ErrorCode.INTERNAL.value).inc()
            failure = Internal("something went wrong on our side")
            return error_ack(failure)
        finally:
            self._metrics.ack_seconds.labels(event).observe(time.perf_counter() - started)
