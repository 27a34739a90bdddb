"""Server events to a user's sockets, wherever they are: the process's `Emitter`.

An event about a session is numbered, logged and published to the other processes in one
Redis script (`state.event_log`); the user's sockets on this process are then fed directly,
never through Redis. A process subscribes only to its own channel and is published to
only when it holds a socket of the event's user (presence, per user and process, in Redis,
with a heartbeat so that a crashed process stops counting). Payloads go to Socket.IO as
dicts holding `bytes`, so audio leaves as a binary attachment.
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

from mockmate.server.feed import Resumed, SocketFeed
from mockmate.state.event_log import Event, EventLog, decode_published
from mockmate.tasks import repeat_every

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
        self._closing: dict[str, int] = defaultdict(int)
        self._missed_tasks: set[asyncio.Task[None]] = set()
        self._tasks: list[asyncio.Task[None]] = []

    # --- the Emitter interface ---------------------------------------------------------

    async def to_session(
        self, user_id: str, session_id: str, event: str, data: dict[str, Any]
    ) -> None:
        seq, owed = await self.events.append(user_id, session_id, event, data)
        self._deliver(Event(user_id, session_id, seq, event, data), owed=owed)

    async def to_user(self, user_id: str, event: str, data: dict[str, Any]) -> None:
        await self.events.publish(user_id, event, data)
        self._deliver(Event(user_id, None, 0, event, data), owed=False)

    # --- sockets of this process -------------------------------------------------------

    async def connected(self, sid: str, user_id: str) -> None:
        self._feeds[sid] = SocketFeed(
            sid, user_id, send=self._send, events=self.events, hold_s=self._hold_s,
            others_open=lambda: any(
                other != sid and not self._feeds[other].closing
                for other in self._by_user.get(user_id, ())
            ),
            departures=lambda: self._departures(user_id),
        )
        self._by_user[user_id].add(sid)
        await self.events.arrived(user_id)

    async def disconnected(self, sid: str) -> None:
        feed = self._feeds.get(sid)
        if feed is None:
            return
        # What the socket missed is recorded before it stops counting as present, so a
        # resume elsewhere that waits for it to go finds all of it. Until its feed has
        # drained, events still reach it (and are recorded as missed with the rest).
        self._closing[feed.user_id] += 1
        try:
            await feed.close()
        finally:
            self._feeds.pop(sid, None)
            sids = self._by_user.get(feed.user_id)
            if sids is not None:
                sids.discard(sid)
                if not sids:
                    del self._by_user[feed.user_id]
            self._closing[feed.user_id] -= 1
            if not self._closing[feed.user_id]:
                del self._closing[feed.user_id]
            await self.events.left(feed.user_id)

    async def _departures(self, user_id: str) -> None:
        """Wait (at most `hold_s`) while another socket of the user may still be closing:
        one on this process, or one counted present on another (a legitimate other tab
        simply outlasts the wait)."""
        step_s = 0.02
        for _ in range(int(self._hold_s / step_s)):
            if not (self._closing.get(user_id) or await self.events.present_elsewhere(user_id)):
                return
            await asyncio.sleep(step_s)  # polling Redis: the other process sends no signal

    def joined(self, sid: str, session_id: str) -> None:
        """The socket started `session_id`: it follows it from its first event."""
        feed = self._feeds.get(sid)
        if feed is not None:
            feed.join(session_id)

    async def resume(self, sid: str, session_id: str, last_seq: int | None) -> Resumed:
        feed = self._feeds.get(sid)
        if feed is None:
            return Resumed(0, False)
        return await feed.resume(session_id, last_seq)

    def _deliver(self, event: Event, *, owed: bool) -> None:
        """Feed the event to the user's sockets here. `owed`: Redis counted a socket of the
        user on this process; if none is left to take it, it is missed."""
        taken = False
        for sid in self._by_user.get(event.user_id, ()):
            taken = self._feeds[sid].offer(event) or taken
        if owed and not taken and event.session_id is not None and event.seq:
            self._missed_tasks.add(asyncio.create_task(
                self.events.mark_missed(event.session_id, [event.seq])
            ))
            self._missed_tasks = {t for t in self._missed_tasks if not t.done()}

    async def _send(
        self, sid: str, event: str, data: dict[str, Any], on_ack: Callable[..., None] | None
    ) -> bool:
        feed = self._feeds.get(sid)
        if feed is None or feed.closing:
            return False  # disconnected meanwhile
        # ignore_queue: this socket is here; the client manager would relay through Redis.
        await self._sio.emit(event, data, to=sid, ignore_queue=True, callback=on_ack)
        return not feed.closing

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
        if not await self.events.heartbeat(self._presence_ttl_s) and self._by_user:
            # Our heartbeat lapsed: other processes may have forgotten our sockets.
            await self.events.assert_presence(
                {user: len(sids) for user, sids in self._by_user.items()}
            )

    async def _listen(self, pubsub: Any) -> None:
        try:
            while True:
                try:
                    message = await pubsub.get_message(
                        ignore_subscribe_messages=True, timeout=1.0
                    )
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.warning("event channel lost; resubscribing", exc_info=True)
                    await asyncio.sleep(0.5)
                    await pubsub.subscribe(self.events.channel)
                    continue
                if message is not None and message.get("type") == "message":
                    event = decode_published(message["data"])
                    # Published here because Redis counted a socket of the user here.
                    self._deliver(event, owed=bool(event.seq))
        finally:
            await pubsub.aclose()
