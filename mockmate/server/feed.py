"""One socket's feed of server events: in order, without gaps or duplicates, replayable.

Every socket has a small actor (one task, one queue) so that live events, replays and the
gap fills they need are sent strictly one after the other. Per session it keeps a
high-water mark, the highest `event_seq` this socket has been sent:
- a live event at or below the mark is dropped (already sent, by a replay or a fill);
- a live event above `mark + 1` first pulls the missing ones from the session's log (an
  event from another process can overtake one this process is still sending);
- a resume replays the log after the client's `last_event_seq` (or, without one, the
  events the user missed while away) and raises the mark past them.
A new socket holds its live events until it resumes or starts an interview (or for
`hold_s`), so a resume's replay comes before anything newer.

Numbered events are sent with a Socket.IO ack request. When the socket closes, events it
was sent in its last `ack_grace_s` and did not acknowledge (they were likely in flight as
the client went away), and events it was never sent, are kept as missed for the user's next
resume: so a client that acks loses nothing even without tracking `event_seq`.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from mockmate.state.event_log import Event, EventLog

log = logging.getLogger(__name__)

# (sid, event, data, on_ack) -> whether the socket was still there to be sent it.
Send = Callable[[str, str, dict[str, Any], Callable[..., None] | None], Awaitable[bool]]


@dataclass(frozen=True)
class Resumed:
    """A replay's outcome: how many events were sent, and whether the log reached back."""

    replayed: int
    complete: bool


@dataclass(frozen=True)
class _Replay:
    session_id: str
    last_seq: int | None
    done: asyncio.Future[Resumed]


@dataclass(frozen=True)
class _Join:
    session_id: str | None


_CLOSE = object()


class SocketFeed:
    def __init__(
        self, sid: str, user_id: str, *, send: Send, events: EventLog, hold_s: float,
        others_open: Callable[[], bool], departures: Callable[[], Awaitable[None]],
        ack_grace_s: float = 2.0,
    ):
        self.sid = sid
        self.user_id = user_id
        self._send = send
        self._log = events
        self._others_open = others_open
        self._departures = departures
        self._marks: dict[str, int] = {}
        self._ack_grace_s = ack_grace_s
        # Sent, not yet acknowledged, by (session, seq): when it was sent.
        self._unacked: dict[tuple[str, int], float] = {}
        self._loop = asyncio.get_running_loop()
        self.closing = False
        self._drained = False
        self._held: list[Event] | None = []
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._task = asyncio.create_task(self._run(), name=f"feed:{sid}")
        self._release = asyncio.get_running_loop().call_later(hold_s, self.join, None)

    def offer(self, event: Event) -> bool:
        """Queue a live event; False once the closed feed no longer takes any."""
        if self._drained:
            return False
        self._queue.put_nowait(event)
        return True

    def join(self, session_id: str | None) -> None:
        """Stop holding live events; with a session: this socket follows it from seq 1."""
        self._queue.put_nowait(_Join(session_id))

    async def resume(self, session_id: str, last_seq: int | None) -> Resumed:
        done: asyncio.Future[Resumed] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Replay(session_id, last_seq, done))
        return await done

    async def close(self) -> None:
        """The socket is gone: whatever it could not be sent is kept as missed."""
        self.closing = True
        self._release.cancel()
        self._queue.put_nowait(_CLOSE)
        await self._task

    async def _run(self) -> None:
        unsent: dict[str, list[int]] = {}
        while True:
            item = await self._queue.get()
            try:
                if item is _CLOSE:
                    break
                if isinstance(item, Event):
                    if self._held is not None:
                        self._held.append(item)
                    else:
                        await self._deliver(item, unsent)
                elif isinstance(item, _Join):
                    if item.session_id is not None:
                        self._marks.setdefault(item.session_id, 0)
                    await self._flush(unsent)
                elif isinstance(item, _Replay):
                    try:
                        result = await self._replay(item.session_id, item.last_seq, unsent)
                    except Exception as exc:
                        item.done.set_exception(exc)
                    else:
                        item.done.set_result(result)
                    await self._flush(unsent)
            except Exception:
                log.exception("feed of %s failed to deliver", self.sid)
        # Whatever the socket never got: the user's next resume delivers it.
        recent = self._loop.time() - self._ack_grace_s
        for (session_id, seq), sent_at in self._unacked.items():
            if sent_at >= recent:
                unsent.setdefault(session_id, []).append(seq)
        for event in self._held or []:
            if event.session_id is not None and event.seq:
                unsent.setdefault(event.session_id, []).append(event.seq)
        while not self._queue.empty():
            left = self._queue.get_nowait()
            if isinstance(left, Event) and left.session_id is not None and left.seq:
                unsent.setdefault(left.session_id, []).append(left.seq)
            elif isinstance(left, _Replay):
                left.done.set_result(Resumed(0, False))
        self._drained = True  # from here on, the fan-out records late events as missed
        if not self._others_open():
            for session_id, seqs in unsent.items():
                await self._log.mark_missed(session_id, seqs)

    async def _flush(self, unsent: dict[str, list[int]]) -> None:
        held, self._held = self._held, None
        for event in held or []:
            await self._deliver(event, unsent)

    async def _deliver(self, event: Event, unsent: dict[str, list[int]]) -> None:
        session_id = event.session_id
        if session_id is None or not event.seq:
            await self._emit(event, unsent)
            return
        mark = self._marks.get(session_id)
        if mark is None:
            # First event of this session on this socket: what the user missed comes first.
            for missed in await self._log.take_missed(session_id):
                if missed.seq < event.seq:
                    await self._emit(missed, unsent)
        elif event.seq <= mark:
            return
        elif event.seq > mark + 1:
            for earlier in await self._log.between(session_id, mark + 1, event.seq - 1):
                await self._emit(earlier, unsent)
        await self._emit(event, unsent)
        self._marks[session_id] = event.seq

    async def _replay(
        self, session_id: str, last_seq: int | None, unsent: dict[str, list[int]]
    ) -> Resumed:
        mark = self._marks.get(session_id)
        if last_seq is None:
            # No position from the client: send what the user missed while away, once the
            # socket it replaces has finished recording what it did not get.
            await self._departures()
            events = [e for e in await self._log.take_missed(session_id)
                      if mark is None or e.seq > mark]
            for event in events:
                await self._emit(event, unsent)
            if events:
                self._marks[session_id] = max(mark or 0, events[-1].seq)
            return Resumed(len(events), True)
        replay = await self._log.after(session_id, last_seq)
        for event in replay.events:
            await self._emit(event, unsent)
        # The client holds everything up to here now (from the log or, if it was capped,
        # from the snapshot it is about to get).
        self._marks[session_id] = replay.last_seq
        return Resumed(len(replay.events), replay.complete)

    async def _emit(self, event: Event, unsent: dict[str, list[int]]) -> None:
        if event.session_id is None or not event.seq:
            await self._send(self.sid, event.name, event.data, None)
            return
        key = (event.session_id, event.seq)
        now = self._loop.time()
        if len(self._unacked) > 64:  # older ones are taken as received
            self._unacked = {k: t for k, t in self._unacked.items()
                             if t >= now - self._ack_grace_s}
        self._unacked[key] = now
        data = {**event.data, "event_seq": event.seq}
        if not await self._send(self.sid, event.name, data, lambda *_: self._acked(key)):
            self._unacked.pop(key, None)
            unsent.setdefault(event.session_id, []).append(event.seq)

    def _acked(self, key: tuple[str, int]) -> None:
        self._unacked.pop(key, None)
