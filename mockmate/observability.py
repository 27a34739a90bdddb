"""Operable logs and error reports: which user, session and event a line is about.

Context variables carry the ids of the work in hand: the Socket.IO dispatch sets them per
client event, the REST middleware per request, the job queue per job. Tasks spawned from
there inherit them (asyncio copies the context), so a log line written deep inside an
interview still names its user and session. With `MOCKMATE_LOG_FORMAT=json` every line is one
JSON object with those ids; errors go to Sentry, with the same ids, when `SENTRY_DSN` is set.
"""

import itertools
import json
import logging
import secrets
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from mockmate.config import Settings

user_id: ContextVar[str | None] = ContextVar("user_id", default=None)
session_id: ContextVar[str | None] = ContextVar("session_id", default=None)
event_id: ContextVar[str | None] = ContextVar("event_id", default=None)
IDS = {"user_id": user_id, "session_id": session_id, "event_id": event_id}

# Event ids: this process's random prefix and a counter, 16 hex digits like the uuid4 slice
# they replace. A fresh uuid4 per client event read the kernel's random source on every
# `answer:chunk` (3 % of the event loop under streaming load, docs/performance.md).
_ID_PREFIX = secrets.token_hex(4)
_id_counter = itertools.count(1)


def new_event_id() -> str:
    return f"{_ID_PREFIX}{next(_id_counter) & 0xFFFFFFFF:08x}"


def bind(*, event: str | None = None, user: str | None = None,
         session: str | None = None) -> str:
    """Starts a unit of work (a client event, a request, a job): sets all three ids, a fresh
    event id unless one is given; returns the event id."""
    eid = event or new_event_id()
    event_id.set(eid)
    user_id.set(user)
    session_id.set(session)
    return eid


def current_ids() -> dict[str, str]:
    return {name: value for name, var in IDS.items() if (value := var.get()) is not None}


class ContextFilter(logging.Filter):
    """Puts the ids on every record (`record.user_id`...), None when unknown."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in IDS.items():
            if not hasattr(record, name):
                setattr(record, name, var.get())
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, process, message, the ids, and the
    traceback (`exc`) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name,
            "process": record.process, "msg": record.getMessage(),
        }
        line.update({k: v for k in IDS if (v := getattr(record, k, None)) is not None})
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"


def configure_logging(settings: Settings) -> None:
    """The root logger for `mockmate serve`: text (default) or JSON lines on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ContextFilter())
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())


def init_sentry(settings: Settings) -> bool:
    """Reports errors (logged at ERROR, or escaping aiohttp) to Sentry when `SENTRY_DSN` is
    set, tagged with the ids of the work that failed. True when enabled."""
    if not settings.sentry_dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.aiohttp import AioHttpIntegration

    def tag(event: Any, hint: Any) -> Any:
        ids = current_ids()
        event.setdefault("tags", {}).update(ids)
        if "user_id" in ids:
            event.setdefault("user", {})["id"] = ids["user_id"]
        return event

    sentry_sdk.init(
        dsn=settings.sentry_dsn, environment=settings.sentry_environment or None,
        integrations=[AioHttpIntegration()], before_send=tag, send_default_pii=False,
        traces_sample_rate=0.0,
    )
    return True
