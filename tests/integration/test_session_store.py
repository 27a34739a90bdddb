"""Sessions in a real Redis: atomic changes under concurrency, the active limit, expiry."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from mockmate.errors import ErrorCode, MockMateError
from mockmate.questions.models import Question
from mockmate.state import session as ops
from mockmate.state.session import InterviewSession
from mockmate.state.store import SessionStore, StreamAdd
from tests.support.waiting import eventually


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client: Redis = Redis.from_url(redis_url)
    yield client
    await client.aclose()


def store_for(redis: Redis, ttl_s: int = 60, max_active: int = 1) -> SessionStore:
    return SessionStore(redis, prefix=f"t:{uuid.uuid4().hex}", ttl_s=ttl_s, max_active=max_active)


def new_session(user_id: str = "u1", total: int = 50) -> InterviewSession:
    questions = [
        Question(id=f"q{i}", text=f"Q{i}?", category="technical", difficulty="mid")
        for i in range(total)
    ]
    now = time.time()
    return InterviewSession(
        id=uuid.uuid4().hex, user_id=user_id, questions=questions, created_at=now, updated_at=now
    )


async def test_concurrent_changes_never_interleave(redis: Redis) -> None:
    store = store_for(redis)
    session = new_session()
    await store.create(session)
    await store.mutate(session.id, ops.start)

    # 40 concurrent skips: each must see the result of the previous one.
    results = await asyncio.gather(*(store.mutate(session.id, ops.skip) for _ in range(40)))
    final = await store.get(session.id)
    assert final.index == 40
    assert sorted(final.skipped) == list(range(40))
    assert sorted(after.index for _, after in results) == list(range(1, 41))
    assert final.version == 41


async def test_a_refused_change_writes_nothing(redis: Redis) -> None:
    store = store_for(redis)
    session = new_session()
    await store.create(session)
    with pytest.raises(MockMateError) as refused:
        await store.mutate(session.id, ops.next_question)
    assert refused.value.code is ErrorCode.INVALID_STATE
    assert (await store.get(session.id)).version == 0


async def test_a_change_from_a_session_read_before_another_change_applies_to_the_newer(
    redis: Redis,
) -> None:
    """A caller may hand `mutate` the session it has just read, to save reading it again; if
    another change came in between, the version check refuses the stale copy and the change
    is applied to the newer session, never over it."""
    store = store_for(redis)
    session = new_session()
    await store.create(session)
    await store.mutate(session.id, ops.start)
    stale = await store.get(session.id)
    await store.mutate(session.id, ops.skip)  # another change meanwhile

    before, after = await store.mutate(session.id, ops.skip, current=stale)
    assert before.index == 1 and after.index == 2  # applied to the newer session
    final = await store.get(session.id)
    assert final.skipped == [0, 1] and final.version == 3

    # An up-to-date copy is used as it is.
    before, _ = await store.mutate(session.id, ops.pause, current=final)
    assert before == final
    assert (await store.get(session.id)).version == 4


async def test_jobs_are_queued_exactly_with_the_change_that_starts_them(redis: Redis) -> None:
    store = store_for(redis)
    session = new_session()
    await store.create(session)
    await store.mutate(session.id, ops.start)
    stream = f"t:{uuid.uuid4().hex}:jobs"

    def job(n: int) -> StreamAdd:
        return StreamAdd(stream, (("kind", "skipped", "payload", str(n)),))

    # 20 racing changes, each with its job: every retry after a lost race re-applies the
    # change, yet each change queues its job once.
    await asyncio.gather(*(store.mutate(session.id, ops.skip, add=job(n)) for n in range(20)))
    queued = await redis.xrange(stream)
    assert sorted(int(fields[b"payload"]) for _, fields in queued) == list(range(20))
    assert all(fields[b"kind"] == b"skipped" for _, fields in queued)

    # A refused change queues nothing.
    with pytest.raises(MockMateError):
        await store.mutate(session.id, lambda s: ops.submit_answer(s, 0, "late"), add=job(99))
    assert await redis.xlen(stream) == 20


async def test_active_limit_is_atomic(redis: Redis) -> None:
    store = store_for(redis, max_active=2)
    sessions = [new_session() for _ in range(10)]
    outcomes = await asyncio.gather(
        *(store.create(s) for s in sessions), return_exceptions=True
    )
    refused = [o for o in outcomes if isinstance(o, MockMateError)]
    assert len(refused) == 8
    assert all(e.code is ErrorCode.LIMIT_REACHED for e in refused)
    assert refused[0].details["session_id"] in {s.id for s in sessions}


async def test_finishing_frees_the_active_slot(redis: Redis) -> None:
    store = store_for(redis)
    first = new_session()
    await store.create(first)
    with pytest.raises(MockMateError):
        await store.create(new_session())
    await store.mutate(first.id, ops.end)
    await store.create(new_session())


async def test_expired_sessions_are_reported_once(redis: Redis) -> None:
    store = store_for(redis, ttl_s=1)
    session = new_session()
    await store.create(session)
    assert await store.expired_ids() == []
    await _expiry_of(redis, f"{store.expiry_key.rsplit(':', 2)[0]}:session:{session.id}")
    assert await store.expired_ids() == [session.id]
    claims = await asyncio.gather(*(store.forget_expired(session.id, "u1") for _ in range(5)))
    assert claims.count(True) == 1
    assert await store.expired_ids() == []
    await store.create(new_session())  # the active slot is free again


async def test_work_that_starts_after_its_lease_lapsed_renews_it_at_once(redis: Redis) -> None:
    # A transcription that waited behind a backlog starts with its lease lapsed: from its
    # first moment it holds the lease again, so no other process takes the session over.
    store = SessionStore(redis, prefix=f"t:{uuid.uuid4().hex}", ttl_s=60, max_active=1,
                         lease_s=1.0)
    session = new_session()
    await store.create(session)
    await store.mutate(session.id, ops.start)

    async def lapsed() -> bool:
        return session.id in await store.leases.lapsed()

    await eventually(lapsed, timeout_s=5)
    async with store.leases.renewing(session.id):
        assert not await lapsed()
        assert not await store.leases.take(session.id)


async def _expiry_of(redis: Redis, key: str) -> None:
    """Await Redis's own notification that `key` expired."""
    await redis.config_set("notify-keyspace-events", "Ex")
    async with redis.pubsub() as pubsub:
        await pubsub.subscribe("__keyevent@0__:expired")
        async with asyncio.timeout(15):
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=15)
                if message and message["data"] == key.encode():
                    return


async def test_unknown_session_is_not_found(redis: Redis) -> None:
    with pytest.raises(MockMateError) as missing:
        await store_for(redis).get("nope")
    assert missing.value.code is ErrorCode.NOT_FOUND


async def test_transient_states_hold_a_lease_that_one_process_takes_over(redis: Redis) -> None:
    store = SessionStore(redis, prefix=f"t:{uuid.uuid4().hex}", ttl_s=60, max_active=1,
                         lease_s=0.2)
    session = new_session()
    await store.create(session)
    assert await store.leases.held(session.id) is None  # `created` waits on nobody
    await store.mutate(session.id, ops.start)  # asking: a lease, taken in the same step
    deadline = await store.leases.held(session.id)
    assert deadline is not None
    assert await store.leases.lapsed() == []
    assert not await store.leases.take(session.id)  # alive: nobody may take it
    # Its owner stops renewing: the lease lapses, and of many takers exactly one wins.
    async def lapsed() -> bool:
        return session.id in await store.leases.lapsed()

    await eventually(lapsed, timeout_s=5)
    won = await asyncio.gather(*(store.leases.take(session.id) for _ in range(10)))
    assert won.count(True) == 1
    # Leaving the transient state drops the lease.
    await store.mutate(session.id, lambda s: ops.question_delivered(s, s.asks))
    assert await store.leases.held(session.id) is None
