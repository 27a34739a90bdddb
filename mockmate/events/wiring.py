"""Start-up of the event log and fan-out: one `open_events` context per server process."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import socketio
from redis.asyncio import Redis

from mockmate.config import Settings
from mockmate.events.fanout import Fanout, new_process_id
from mockmate.events.log import EventLog


@asynccontextmanager
async def open_events(
    settings: Settings, sio: socketio.AsyncServer, redis: Redis
) -> AsyncIterator[Fanout]:
    log = EventLog(
        redis, prefix=settings.redis_prefix, process_id=new_process_id(),
        max_events=settings.event_log_max_events,
    )
    fanout = Fanout(sio, redis, log, presence_ttl_s=settings.presence_ttl_s,
                    hold_s=settings.resume_hold_s)
    await fanout.start()
    try:
        yield fanout
    finally:
        await fanout.close()
