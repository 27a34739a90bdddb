"""The shared infrastructure every feature builds on: MongoDB, Redis, the job queue, the
background tasks and the metrics, opened first and closed last.

Why a feature of its own: it is the one place that chooses between the embedded defaults
(nx-27017 in-process, fakeredis) and configured services.
"""

import asyncio
import logging
import os
import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from mockmate.config import Settings
from mockmate.jobs.queue import JobQueue
from mockmate.metrics import Metrics
from mockmate.ports import Emitter
from mockmate.providers.resilience import PrometheusProviderMetrics
from mockmate.server.embedded import EmbeddedMongo, dev_jwt_secret
from mockmate.server.keys import EMITTER, METRICS, SETTINGS
from mockmate.server.redis_url import parse_sentinel, redis_from_url
from mockmate.storage.database import Document, connect, ensure_indexes, ping
from mockmate.storage.interviews import InterviewRepository
from mockmate.tasks import BackgroundTasks

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Core:
    settings: Settings
    redis: Redis
    db: AsyncDatabase[Document]
    queue: JobQueue
    tasks: BackgroundTasks
    emitter: Emitter
    metrics: Metrics
    provider_metrics: PrometheusProviderMetrics


CORE = web.AppKey("core", Core)


def open_redis(settings: Settings) -> Redis:
    if settings.redis_url:
        if parse_sentinel(settings.redis_url) is not None:
            # Through the Sentinels, following the master across failovers.
            return redis_from_url(settings.redis_url,
                                  socket_connect_timeout=settings.redis_connect_timeout_s)
        # A pool that waits (bounded) for a free connection instead of raising at once when
        # every connection is busy; past the wait the request answers `unavailable`.
        # One retry on a fresh connection: after a Redis restart every pooled connection is
        # dead, and a pool made this way retries nothing by default (redis-py 8).
        pool = BlockingConnectionPool.from_url(
            settings.redis_url, max_connections=settings.redis_max_connections,
            timeout=settings.redis_pool_timeout_s,
            socket_connect_timeout=settings.redis_connect_timeout_s,
            retry=Retry(NoBackoff(), 1),
        )
        return Redis(connection_pool=pool)
    import fakeredis  # embedded default only

    log.warning(
        "REDIS_URL is not set: using in-process fakeredis. This server must run as a "
        "SINGLE process; set REDIS_URL to run several."
    )
    redis: Redis = fakeredis.FakeAsyncRedis()
    return redis


async def open_mongo_url(settings: Settings, stack: AsyncExitStack) -> str:
    if settings.mongodb_url:
        return settings.mongodb_url
    embedded = EmbeddedMongo(settings.data_dir)
    url = await asyncio.to_thread(embedded.start)
    stack.callback(embedded.stop)
    return url


def jwt_secret(settings: Settings) -> str:
    if settings.jwt_secret:
        return settings.jwt_secret
    log.warning("MOCKMATE_JWT_SECRET is not set: using the development secret in %s",
                settings.data_dir)
    return dev_jwt_secret(settings.data_dir)


async def core_context(app: web.Application) -> AsyncIterator[None]:
    settings, metrics = app[SETTINGS], app[METRICS]
    async with AsyncExitStack() as stack:
        mongo_url = await open_mongo_url(settings, stack)
        mongo = connect(
            mongo_url, max_pool=settings.mongo_max_pool, wait_s=settings.mongo_pool_timeout_s,
            select_s=settings.mongo_select_timeout_s,
        )
        stack.push_async_callback(mongo.close)
        db = mongo[settings.mongodb_db]
        await ensure_indexes(db)

        redis = open_redis(settings)
        stack.push_async_callback(redis.aclose)
        if settings.embedded_redis:
            # In-process sessions died with the previous run: close their interviews.
            lost = await InterviewRepository(db).abandon_in_progress()
            if lost:
                log.info("marked %d interview(s) from the previous run abandoned", lost)
        queue = JobQueue(
            redis, prefix=settings.redis_prefix,
            consumer_prefix=f"{socket.gethostname()}-{os.getpid()}",
            claim_idle_s=settings.job_claim_idle_s, max_attempts=settings.job_max_attempts,
            blocking_reads=not settings.embedded_redis,
            observe=lambda kind, outcome: metrics.jobs.labels(kind, outcome).inc(),
        )
        await queue.ensure_group()
        tasks = BackgroundTasks()
        stack.push_async_callback(tasks.close)
        app[CORE] = Core(
            settings=settings, redis=redis, db=db, queue=queue, tasks=tasks,
            emitter=app[EMITTER], metrics=metrics,
            provider_metrics=PrometheusProviderMetrics(metrics.registry),
        )
        yield


async def health(core: Core) -> dict[str, Any]:
    try:
        redis_ok = bool(await core.redis.ping())
    except Exception:
        redis_ok = False
    return {"redis": redis_ok, "mongo": await ping(core.db),
            "jobs": not core.settings.workers or core.queue.consuming}
