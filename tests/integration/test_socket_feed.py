"""One socket's feed against the real event log: what a resume without `last_event_seq`
sends to a socket that already follows the session.

The events of another process reach this one over pub/sub, a little after they are logged.
A resume that lands in between must send such an event, and only once, whichever comes
first (the resume or the event itself)."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from redis.asyncio import Redis

from mockmate.events.codec import Event
from mockmate.events.feed import SocketFeed
from mockmate.events.log import EventLog
from mockmate.redis_keys import RedisKeys

PREFIX = "feedtest"
USER = "u1"


class Socket:
    """What the feed sent, in order, as `(event, event_seq)`."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []
        self._changed = asyncio.Event()

    async def send(self, sid: str, name: str, data: dict[str, Any],
                   on_ack: Callable[..., None] | None) -> None:
        self.sent.append((name, int(data.get("event_seq", 0))))
        self._changed.set()

    async def until(self, count: int) -> list[tuple[str, int]]:
        async with asyncio.timeout(5):
            while len(self.sent) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.sent


@pytest.fixture
async def log(redis_url: str) -> AsyncIterator[EventLog]:
    redis = Redis.from_url(redis_url)
    yield EventLog(redis, prefix=PREFIX, process_id="here", max_events=100)
    await redis.aclose()


async def new_session(redis_url: str) -> str:
    session_id = uuid.uuid4().hex
    redis = Redis.from_url(redis_url)
    await redis.set(RedisKeys(PREFIX).session(session_id), b"{}", ex=60)  # a live session
    await redis.aclose()
    return session_id


async def logged(log: EventLog, session_id: str, name: str) -> Event:
    seq = await log.append(Event(USER, session_id, 0, name, {"session_id": session_id}))
    return Event(USER, session_id, seq, name, {"session_id": session_id})


async def following(log: EventLog, session_id: str, socket: Socket, count: int) -> SocketFeed:
    """A feed that has been sent the session's first `count` events live."""
    feed = SocketFeed("sid1", USER, send=socket.send, events=log, hold_s=0)
    feed.join(session_id)
    for i in range(count):
        feed.offer(await logged(log, session_id, f"e{i + 1}"))
    await socket.until(count)
    return feed


@pytest.mark.parametrize("late_event_first", [False, True])
async def test_an_event_still_on_its_way_is_sent_once_by_a_resume_without_seq(
    log: EventLog, redis_url: str, late_event_first: bool
) -> None:
    session_id = await new_session(redis_url)
    socket = Socket()
    feed = await following(log, session_id, socket, 3)
    late = await logged(log, session_id, "evaluation")  # logged elsewhere, not here yet

    if late_event_first:
        feed.offer(late)
    resumed = await feed.resume(session_id, None, continued=None)
    if not late_event_first:
        feed.offer(late)  # it arrives after the resume
    extra = await logged(log, session_id, "next")
    feed.offer(extra)

    sent = await socket.until(5)
    assert sent == [("e1", 1), ("e2", 2), ("e3", 3), ("evaluation", 4), ("next", 5)]
    assert resumed.complete and resumed.last_seq == 4
    assert resumed.replayed == (0 if late_event_first else 1)
    await feed.close()
    assert socket.sent == sent  # nothing more came


async def test_a_following_socket_also_gets_what_came_before_it_followed(
    log: EventLog, redis_url: str
) -> None:
    """A socket that began following at seq 3 continues one that left at position 1: it is
    sent 2 and 3 once (not again 4, which it had live)."""
    session_id = await new_session(redis_url)
    for name in ("e1", "e2", "e3"):
        await logged(log, session_id, name)
    socket = Socket()
    feed = SocketFeed("sid2", USER, send=socket.send, events=log, hold_s=0)
    feed.offer(await logged(log, session_id, "e4"))  # its first event is live: seq 4
    await socket.until(1)

    resumed = await feed.resume(session_id, None, continued=1)
    sent = await socket.until(3)
    assert sent == [("e4", 4), ("e2", 2), ("e3", 3)]
    assert resumed.replayed == 2 and resumed.complete
    again = await feed.resume(session_id, None, continued=None)
    assert again.replayed == 0
    await feed.close()
    assert socket.sent == sent


async def test_a_new_socket_holding_events_resumes_from_the_first_it_holds(
    log: EventLog, redis_url: str
) -> None:
    """A socket still in its hold, whose user's other socket died before its position was
    written: it is sent what it holds and what came after, not only the snapshot."""
    session_id = await new_session(redis_url)
    for name in ("e1", "e2"):
        await logged(log, session_id, name)  # before this socket connected
    socket = Socket()
    feed = SocketFeed("sid3", USER, send=socket.send, events=log, hold_s=60)
    feed.offer(await logged(log, session_id, "e3"))
    feed.offer(await logged(log, session_id, "e4"))
    await logged(log, session_id, "e5")  # still on its way

    resumed = await feed.resume(session_id, None, continued=None)
    assert resumed.replayed == 3 and resumed.complete
    assert await socket.until(3) == [("e3", 3), ("e4", 4), ("e5", 5)]
    await feed.close()
    assert len(socket.sent) == 3  # the held ones are not sent again


async def test_a_resume_given_up_by_its_caller_still_releases_the_held_events(
    log: EventLog, redis_url: str
) -> None:
    """The resume's caller is cancelled (its socket's handler gave up) before the feed gets
    to it: the replay is still made and the socket is sent every event from then on, rather
    than holding them for good."""
    session_id = await new_session(redis_url)
    socket = Socket()
    feed = SocketFeed("sid4", USER, send=socket.send, events=log, hold_s=60)
    feed.offer(await logged(log, session_id, "e1"))  # held: the socket has not resumed yet
    resuming = asyncio.create_task(feed.resume(session_id, 0))
    await asyncio.sleep(0)  # the resume is queued behind nothing but not yet made
    resuming.cancel()
    with pytest.raises(asyncio.CancelledError):
        await resuming
    feed.offer(await logged(log, session_id, "e2"))
    assert await socket.until(2) == [("e1", 1), ("e2", 2)]
    await feed.close()
