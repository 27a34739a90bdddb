"""Taking over the sessions whose process died in a transient state.

Every process runs `Takeover.sweep` every few seconds. A session whose lease lapsed
(`state.leases`) is taken over by exactly one process, which finishes the state's work:
`asking` asks the current question again; `transcribing` queues the answer's transcription
again, once per answer, and only when the queue no longer holds the answer's job (the job is
idempotent, and the queue itself hands a dead worker's job to another: a second copy only
covers a job that was lost; more copies would only pile up behind a backlog of jobs). While
the answer's own job is still queued, waiting its turn (nobody renews a lease for a job not
started) or running, the lease is kept for another term instead, and looked at again when it
lapses. Under load this is what keeps answers from being transcribed twice. (A count of
unread jobs was not enough: a job read a moment ago, whose worker has not yet renewed the
lease, is neither unread nor lost.) `receiving_answer` waits on
its candidate, whose chunks are safe in Redis, so the lease is dropped and the session stays
for the client to resume (or for its expiry).
"""

import logging

from redis.asyncio import Redis

from mockmate.errors import NotFound
from mockmate.interviews.flow import TRANSCRIBE_ANSWER, SessionFlow
from mockmate.jobs.queue import JobQueue
from mockmate.redis_keys import RedisKeys
from mockmate.state.machine import State

log = logging.getLogger(__name__)

# How long an answer is remembered as re-queued (longer than any transcription takes).
REQUEUED_TTL_S = 3600


class Takeover:
    def __init__(self, *, flow: SessionFlow, queue: JobQueue, redis: Redis, prefix: str):
        self._flow = flow
        self._queue = queue
        self._leases = flow.sessions.leases
        self._redis = redis
        self._keys = RedisKeys(prefix)

    async def sweep(self) -> int:
        """Take over every lapsed lease this process wins; returns how many."""
        taken = 0
        queued = _QueuedTranscriptions(self._queue)
        for session_id in await self._leases.lapsed():
            if await self._leases.take(session_id):
                taken += 1
                await self._take_over(session_id, queued)
        return taken

    async def _take_over(self, session_id: str, queued: "_QueuedTranscriptions") -> None:
        try:
            session = await self._flow.sessions.get(session_id)
        except NotFound:
            await self._leases.release(session_id)
            return
        log.info("taking over session %s, left %s", session_id, session.state.value)
        if session.state is State.ASKING:
            self._flow.ask_again(session)
        elif session.state is State.TRANSCRIBING and session.index in session.answers:
            answer_id = session.answers[session.index]
            if answer_id in await queued.answer_ids():
                return  # `take` set a new deadline: look again once it lapses
            first = await self._redis.set(
                self._keys.requeued(answer_id), 1, nx=True, ex=REQUEUED_TTL_S
            )
            if first:
                await self._queue.enqueue(TRANSCRIBE_ANSWER, {"answer_id": answer_id})
        else:
            await self._leases.release(session_id)


class _QueuedTranscriptions:
    """The answers whose transcription job the queue still holds, read once per sweep (a
    backlog can leave many sessions' leases lapsed at once)."""

    def __init__(self, queue: JobQueue):
        self._queue = queue
        self._ids: set[str] | None = None

    async def answer_ids(self) -> set[str]:
        if self._ids is None:
            jobs = await self._queue.unfinished(TRANSCRIBE_ANSWER)
            self._ids = {str(job.get("answer_id")) for job in jobs}
        return self._ids
