"""The app factory: one aiohttp application with Socket.IO attached and every route mounted."""

import logging
from collections.abc import AsyncIterator

import socketio
from aiohttp import web

from mockmate.config import Settings
from mockmate.handlers import connection as connection_handlers
from mockmate.handlers import interview as interview_handlers
from mockmate.handlers.connections import ConnectionRegistry
from mockmate.handlers.dispatch import Dispatcher
from mockmate.handlers.guarded_server import GuardedServer
from mockmate.metrics import Metrics
from mockmate.redis_keys import RedisKeys
from mockmate.server import (
    rest_auth,
    rest_auth_security,
    rest_health,
    rest_interviews,
    rest_job_descriptions,
    rest_loadtest,
    rest_marketplace,
    rest_me,
    rest_notifications,
    rest_payouts,
    rest_recordings,
    rest_resumes,
    rest_reviews,
    rest_share,
    rest_skills,
    rest_specs,
    rest_speech,
    rest_subscriptions,
    rest_two_factor,
)
from mockmate.server import (
    web as web_client,
)
from mockmate.server.cors import OriginPolicy, parse_origins
from mockmate.server.gc_pauses import timing_context
from mockmate.server.http import errors_middleware
from mockmate.server.keys import METRICS, SETTINGS, SIO
from mockmate.server.redis_url import socketio_url
from mockmate.server.runtime import install_features
from mockmate.server.wiring.accounts import ACCOUNTS
from mockmate.server.wiring.core import CORE
from mockmate.server.wiring.interviews import INTERVIEWS, VOICE

log = logging.getLogger(__name__)


def create_sio(settings: Settings, metrics: Metrics) -> socketio.AsyncServer:
    manager = None
    if settings.redis_url:
        manager = socketio.AsyncRedisManager(
            socketio_url(settings.redis_url),
            channel=RedisKeys(settings.redis_prefix).socketio_channel,
        )
    return GuardedServer(
        on_malformed=lambda kind: metrics.malformed_frames.labels(kind).inc(),
        async_mode="aiohttp",
        client_manager=manager,
        cors_allowed_origins=OriginPolicy(parse_origins(settings.cors_origins)).for_socketio(),
        max_http_buffer_size=settings.max_message_bytes,
        logger=False,
        engineio_logger=False,
    )


def create_app(settings: Settings) -> web.Application:
    cors = OriginPolicy(parse_origins(settings.cors_origins)).middleware()
    app = web.Application(middlewares=[cors, errors_middleware], client_max_size=1024 * 1024)
    metrics = Metrics()
    sio = create_sio(settings, metrics)
    sio.attach(app)
    app[SIO] = sio
    app[METRICS] = metrics
    app[SETTINGS] = settings
    connections = ConnectionRegistry(settings.rate_limit_per_s, settings.rate_limit_burst)
    dispatch = Dispatcher(sio, connections, metrics)
    sio.on("*", dispatch.unknown)

    async def sockets(app: web.Application) -> AsyncIterator[None]:
        """After every feature: the socket events, served by the features' services."""
        connection_handlers.register(
            sio, authenticator=app[ACCOUNTS].security.authenticator, connections=connections,
            metrics=metrics, fanout=app[CORE].fanout,
        )
        interviews = app[INTERVIEWS]
        interview_handlers.register(
            dispatch, interviews.service, interviews.answer_service, app[CORE].fanout,
            app[VOICE].corrections,
        )
        log.info("MockMate ready (redis: %s, mongo: %s)",
                 "embedded" if settings.embedded_redis else "configured",
                 "embedded" if settings.embedded_mongo else "configured")
        yield

    async def disconnect_sockets(app: web.Application) -> None:
        # Before aiohttp waits for open requests: clients reconnect elsewhere and resume.
        await sio.shutdown()

    app.on_shutdown.append(disconnect_sockets)
    app.cleanup_ctx.append(timing_context(metrics.gc_pause_seconds))
    install_features(app)
    app.cleanup_ctx.append(sockets)
    app.add_routes(rest_health.routes)
    app.add_routes(rest_auth.routes)
    app.add_routes(rest_auth_security.routes)
    app.add_routes(rest_recordings.routes)
    app.add_routes(rest_reviews.routes)
    app.add_routes(rest_subscriptions.routes)
    app.add_routes(rest_speech.routes)
    app.add_routes(rest_interviews.routes)
    app.add_routes(rest_marketplace.routes)
    app.add_routes(rest_me.routes)
    app.add_routes(rest_notifications.routes)
    app.add_routes(rest_payouts.routes)
    app.add_routes(rest_loadtest.routes)
    app.add_routes(rest_resumes.routes)
    app.add_routes(rest_job_descriptions.routes)
    app.add_routes(rest_share.routes)
    app.add_routes(rest_skills.routes)
    app.add_routes(rest_two_factor.routes)
    rest_specs.register(app)
    web_client.register(app)
    return app
