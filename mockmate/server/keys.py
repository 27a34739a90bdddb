"""Typed keys for what the aiohttp application holds."""

from typing import TYPE_CHECKING

import socketio
from aiohttp import web

from mockmate.metrics import Metrics

if TYPE_CHECKING:
    from mockmate.server.runtime import Services

SERVICES: web.AppKey["Services"] = web.AppKey("services")
METRICS = web.AppKey("metrics", Metrics)
SIO = web.AppKey("sio", socketio.AsyncServer)
