"""One socket's feed of numbered events: in order, without gaps or duplicates, replayable.

Every socket has a small actor (one task, one queue), so that live events, replays and the
gap fills they need are sent strictly one after the other. Per session it keeps a mark, the
highest `event_seq` this socket has been sent:
- a live event at or below the mark is dropped (already sent, by a replay or a fill);
- a live event above `mark + 1` first pulls the missing ones from the session's log (an
  event published by another process can overtake one this process is still sending);
- a resume replays the log after the client's `last_event_seq` and moves the mark to the
  session's latest seq, so what is produced during the replay follows it exactly once;
- a resume without `last_event_seq` on a socket that already follows the session goes on
  from its own mark (plus, from the position of a socket of the user that left, what came
  before this one began following), never from the session's latest seq: an event still
  on its way to this socket (from another process) is then sent, not skipped. A socket
  that does not follow it yet but holds some of its events goes on from the first of
  those when no socket that left says where to (its position may not be written yet).
A new socket holds its live events until it resumes or starts an interview (or for
`hold_s`), so that a resume's replay comes before anything newer.

Numbered events are sent with a Socket.IO ack request; the highest acknowledged seq per
session is the socket's position (`EventLog.advance`), written as acks arrive (batched over
`POSITION_BATCH_S`, at most one write in flight) and once more when the socket closes.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from mockmate.events.codec import Event
from mockmate.events.log import EventLog

log = logging.getLogger(__name__)

# Acks arriving within this long are written as one position (one Redis call, not one each).
POSITION_BATCH_S = 0.05

# (sid, event, data, on_ack) -> None; sends to the socket if it is still there.
Send = Callable[[str, str, dict[str, Any], Callable[..., None] | None], Awaitable[None]]


@dataclass(frozen=True)
class Resumed:
    """A replay's outcome: events sent, whether the log reached back, the latest seq."""

    replayed: int
    complete: bool
    last_seq: int


@dataclass(frozen=True)
class _Replay:
    session_id: str
    # What the client said it holds; None: it did not say.
    last_seq: int | None
    # Without last_seq: the position of the user's socket this one continues (if any).
    continued: int | None
    done: asyncio.Future[Resumed]


@dataclass(frozen=True)
class _Join:
    session_id: str | None


_CLOSE = object()


class SocketFeed:
    def __init__(self, sid: str, user_id: str, *, send: Send, events: EventLog, hold_s: float):
        self.sid = sid
        self.user_id = user_id
        self._send = send
        self._log = events
        self._marks: dict[str, int] = {}
        # Per session, the seq after which this socket began following: it has been sent
        # every event in (start, mark] (or the snapshot covered them).
        self._starts: dict[str, int] = {}
        self._acked: dict[str, int] = {}
        self._written: dict[str, int] = {}
        self._writer: asyncio.Task[None] | None = None
        self._held: list[Event] | None = []
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._task = asyncio.create_task(self._run(), name=f"feed:{sid}")
        self._release = asyncio.get_running_loop().call_later(hold_s, self.join, None)

    def offer(self, event: Event) -> None:
        self._queue.put_nowait(event)

    def join(self, session_id: str | None) -> None:
        """Stop holding live events; with a session: this socket follows it from seq 1."""
        self._queue.put_nowait(_Join(session_id))

    async def resume(
        self, session_id: str, last_seq: int | None, *, continued: int | None = None
    ) -> Resumed:
        """Replay after `last_seq`; without it, from this socket's own mark if it follows
        the session, else from `continued`, else from the session's latest seq."""
        done: asyncio.Future[Resumed] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Replay(session_id, last_seq, continued, done))
        return await done

    async def discard(self) -> None:
        """The socket never became present (its handshake was refused): stop, record nothing."""
        self._release.cancel()
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    async def close(self) -> None:
        """The socket is gone: stop sending, and record how far it got."""
        self._release.cancel()
        self._queue.put_nowait(_CLOSE)
        await self._task
        if self._writer is not None:
            self._writer.cancel()  # the write below covers it (positions only go up)
            await asyncio.gather(self._writer, return_exceptions=True)
        await self._write_positions()

    async def _run(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                if item is _CLOSE:
                    break
                if isinstance(item, Event):
                    if self._held is not None:
                        self._held.append(item)
                    else:
                        await self._deliver(item)
                elif isinstance(item, _Join):
                    if item.session_id is not None:
                        self._follow(item.session_id, 0)
                    await self._flush()
                elif isinstance(item, _Replay):
                    try:
                        resumed = await self._resume(item)
                    except Exception as exc:
                        if not item.done.done():  # its caller may have given up meanwhile
                            item.done.set_exception(exc)
                    else:
                        if not item.done.done():
                            item.done.set_result(resumed)
                    await self._flush()
            except Exception:
                log.exception("the feed of socket %s failed to deliver", self.sid)
        while not self._queue.empty():
            left = self._queue.get_nowait()
            if isinstance(left, _Replay) and not left.done.done():
                left.done.set_result(Resumed(0, False, 0))

    def _follow(self, session_id: str, position: int) -> None:
        self._marks.setdefault(session_id, position)
        self._starts.setdefault(session_id, position)
        self._acked[session_id] = max(self._acked.get(session_id, -1), position)
        self._schedule_write()

    async def _flush(self) -> None:
        held, self._held = self._held, None
        for event in held or []:
            await self._deliver(event)

    async def _deliver(self, event: Event) -> None:
        session_id = event.session_id
        if session_id is None or not event.seq:
            await self._send(self.sid, event.name, event.wire(), None)
            return
        mark = self._marks.get(session_id)
        if mark is None:
            self._follow(session_id, event.seq - 1)  # live events from here on
        elif event.seq <= mark:
            return
        elif event.seq > mark + 1:
            for earlier in await self._log.between(session_id, mark + 1, event.seq - 1):
                await self._emit(earlier)
        await self._emit(event)

    async def _resume(self, item: _Replay) -> Resumed:
        session_id = item.session_id
        if item.last_seq is not None:
            return await self._replay(session_id, item.last_seq)
        start = self._starts.get(session_id)
        if start is None:
            # Not following: continue the socket that left, else from this socket's first
            # held event (it arrived in time for it), else the snapshot covers the past.
            after = item.continued
            if after is None:
                after = self._held_from(session_id)
            if after is None:
                after = await self._log.current(session_id)
            return await self._replay(session_id, after)
        return await self._go_on(session_id, start, item.continued)

    def _held_from(self, session_id: str) -> int | None:
        seqs = [e.seq for e in self._held or () if e.session_id == session_id and e.seq]
        return min(seqs) - 1 if seqs else None

    async def _go_on(self, session_id: str, start: int, continued: int | None) -> Resumed:
        """A following socket resumed without `last_event_seq`: send what it was not sent,
        i.e. the log after its mark, and before its start from `continued` on."""
        mark = self._marks[session_id]
        after = continued if continued is not None and continued < start else None
        replay = await self._log.after(session_id, mark if after is None else after)
        missed = [e for e in replay.events if not start < e.seq <= mark]
        for event in missed:
            await self._emit(event)
        self._marks[session_id] = max(replay.last_seq, self._marks[session_id])
        if after is not None:
            self._starts[session_id] = after if replay.complete else replay.last_seq
        return Resumed(len(missed), replay.complete, replay.last_seq)

    async def _replay(self, session_id: str, last_seq: int) -> Resumed:
        replay = await self._log.after(session_id, last_seq)
        for event in replay.events:
            await self._emit(event)
        # The client now holds everything up to the latest seq: from the replay or, when the
        # log no longer reached back, from the snapshot the resume's ack carries.
        self._marks[session_id] = max(replay.last_seq, self._marks.get(session_id, 0))
        self._follow(session_id, last_seq if replay.complete else replay.last_seq)
        return Resumed(len(replay.events), replay.complete, replay.last_seq)

    async def _emit(self, event: Event) -> None:
        assert event.session_id is not None
        session_id, seq = event.session_id, event.seq
        self._marks[session_id] = max(seq, self._marks.get(session_id, 0))
        await self._send(self.sid, event.name, event.wire(),
                         lambda *_: self._on_ack(session_id, seq))

    def _on_ack(self, session_id: str, seq: int) -> None:
        if seq > self._acked.get(session_id, -1):
            self._acked[session_id] = seq
            self._schedule_write()

    def _schedule_write(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_soon(), name=f"positions:{self.sid}")

    async def _write_soon(self) -> None:
        await asyncio.sleep(POSITION_BATCH_S)
        await self._write_positions()

    async def _write_positions(self) -> None:
        """Write acknowledged positions until every one is written (one writer at a time)."""
        while True:
            pending = {s: p for s, p in self._acked.items() if p > self._written.get(s, -1)}
            if not pending:
                return
            for session_id, position in pending.items():
                try:
                    await self._log.advance(session_id, self.sid, position)
                except Exception:
                    log.warning("could not record the position of socket %s", self.sid)
                    return
                self._written[session_id] = position
