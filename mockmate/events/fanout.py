"""Server events to a user's sockets, wherever they are: the process's `Emitter`.

An event about a session is numbered, logged and published to the other processes in one
Redis script (`events.log`); the user's sockets on this process are then fed directly,
never through Redis. A process subscribes only to its own channel and is published to only
when it holds a socket of the event's user (presence, per socket, in Redis, with a process
heartbeat so that a crashed process stops counting). Payloads go to Socket.IO as dicts
holding `bytes`, so audio leaves as a binary attachment. Events about no session
(`to_user`) are rare and go through the Socket.IO client manager, to the user's room.
"""

import asyncio
import logging
import os
import socket
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import socketio
from redis.asyncio import Redis

from mockmate.events.codec import Event, decode_published
from mockmate.events.feed import Resumed, SocketFeed
from mockmate.events.log import EventLog
from mockmate.events.rooms import user_room
from mockmate.tasks import raise_if_cancelling, repeat_every

log = logging.getLogger(__name__)


def new_process_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Fanout:
    def __init__(
        self, sio: socketio.AsyncServer, redis: Redis, events: EventLog, *,
        presence_ttl_s: float, hold_s: float,
    ):
        self._sio = sio
        self._redis = redis
        self.events = events
        self._presence_ttl_s = presence_ttl_s
        self._hold_s = hold_s
        self._feeds: dict[str, SocketFeed] = {}
        self._by_user: dict[str, set[str]] = defaultdict(set)
        self._tasks: list[asyncio.Task[None]] = []

    # --- the Emitter interface ---------------------------------------------------------

    async def to_session(
        self, user_id: str, session_id: str, event: str, data: dict[str, Any],
        *, asks: int | None = None,
    ) -> None:
        draft = Event(user_id, session_id, 0, event, data, asks)
        seq = await self.events.append(draft)
        self._deliver(Event(user_id, session_id, seq, event, data, asks))

    async def to_user(self, user_id: str, event: str, data: dict[str, Any]) -> None:
        await self._sio.emit(event, data, room=user_room(user_id))

    # --- sockets of this process -------------------------------------------------------

    async def connected(self, sid: str, user_id: str) -> None:
        self._feeds[sid] = SocketFeed(
            sid, user_id, send=self._send, events=self.events, hold_s=self._hold_s
        )
        self._by_user[user_id].add(sid)
        try:
            await self.events.arrived(user_id, sid)
        except BaseException:  # e.g. Redis down: the handshake is refused, nothing stays
            feed = self._forget(sid)
            if feed is not None:
                await feed.discard()
            raise

    def _forget(self, sid: str) -> SocketFeed | None:
        feed = self._feeds.pop(sid, None)
        if feed is not None:
            sids = self._by_user.get(feed.user_id)
            if sids is not None:
                sids.discard(sid)
                if not sids:
                    del self._by_user[feed.user_id]
        return feed

    async def disconnected(self, sid: str) -> None:
        feed = self._forget(sid)
        if feed is None:
            return
        # Its positions are written before it stops counting as present: a resume
        # elsewhere that waits for it to leave then finds where it got to.
        try:
            await feed.close()
        finally:
            await self.events.left(feed.user_id, sid)

    def joined(self, sid: str, session_id: str) -> None:
        """The socket started `session_id`: it follows it from its first event."""
        feed = self._feeds.get(sid)
        if feed is not None:
            feed.join(session_id)

    async def resume(self, sid: str, session_id: str, last_seq: int | None) -> Resumed:
        """Replay what the socket's client has not had, then follow the session live.
        Without `last_seq`: from where the socket got to if it follows the session, and from
        the position of the user's socket that left (`SocketFeed.resume`)."""
        feed = self._feeds.get(sid)
        if feed is None:
            return Resumed(0, False, 0)
        if last_seq is not None:
            return await feed.resume(session_id, last_seq)
        continued = await self.events.position_to_continue(
            feed.user_id, session_id, sid, wait_s=self._hold_s
        )
        return await feed.resume(session_id, None, continued=continued)

    def _deliver(self, event: Event) -> None:
        for sid in self._by_user.get(event.user_id, ()):
            self._feeds[sid].offer(event)

    async def _send(
        self, sid: str, event: str, data: dict[str, Any], on_ack: Callable[..., None] | None
    ) -> None:
        if sid not in self._feeds:
            return  # disconnected meanwhile
        # ignore_queue: the socket is here; the client manager would relay through Redis.
        await self._sio.emit(event, data, to=sid, ignore_queue=True, callback=on_ack)

    # --- running -----------------------------------------------------------------------

    async def start(self) -> None:
        await self._beat()
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(self.events.channel)
        self._tasks = [
            asyncio.create_task(self._listen(pubsub), name="fanout-listen"),
            asyncio.create_task(
                repeat_every(self._presence_ttl_s / 3, self._beat, what="presence heartbeat"),
                name="fanout-heartbeat",
            ),
        ]

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for sid in list(self._feeds):
            await self.disconnected(sid)
        try:
            await self.events.retire()
        except Exception:
            log.warning("could not retire process %s", self.events.process_id)

    async def _beat(self) -> None:
        if not await self.events.heartbeat(self._presence_ttl_s):
            # Our heartbeat had lapsed: other processes may have dropped our sockets.
            for sid, feed in self._feeds.items():
                await self.events.arrived(feed.user_id, sid)

    async def _listen(self, pubsub: Any) -> None:
        try:
            while True:
                try:
                    message = await pubsub.get_message(
                        ignore_subscribe_messages=True, timeout=1.0
                    )
                except Exception:
                    raise_if_cancelling()
                    log.warning("event channel lost; resubscribing", exc_info=True)
                    await asyncio.sleep(0.5)
                    try:
                        await pubsub.subscribe(self.events.channel)
                    except Exception:
                        raise_if_cancelling()
                    continue
                if message is not None and message.get("type") == "message":
                    self._deliver(decode_published(message["data"]))
        finally:
            await pubsub.aclose()
