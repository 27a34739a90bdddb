"""Typed keys for what the aiohttp application holds before any feature opens: the settings,
the metrics, the Socket.IO server and the emitter built on it. Each feature publishes its own
services under its own key, declared next to it in `server/wiring/`."""

import socketio
from aiohttp import web

from mockmate.config import Settings
from mockmate.metrics import Metrics
from mockmate.ports import Emitter

SETTINGS = web.AppKey("settings", Settings)
METRICS = web.AppKey("metrics", Metrics)
SIO = web.AppKey("sio", socketio.AsyncServer)
EMITTER: web.AppKey[Emitter] = web.AppKey("emitter")
