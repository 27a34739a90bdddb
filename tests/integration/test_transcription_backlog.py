"""Spoken answers queued behind a backlog are transcribed once (issue 10, item 4; found
under load, issue 15).

A `transcribing` session waits under a lease; nobody renews it while the answer's job still
waits unread in the queue. When it lapsed, the takeover used to queue the transcription
again: under load every answer that waited longer than `MOCKMATE_TAKEOVER_S` was
transcribed (or at least announced) twice. Here one job worker and a takeover delay of 1 s
make every answer but the first wait longer than its lease.
"""

import asyncio
from collections.abc import Callable

from redis.asyncio import Redis

from mockmate.config import Settings
from mockmate.interviews.flow import SPEECH_LANE
from mockmate.jobs.queue import JobQueue
from tests.support.audio import encode, speech_16k
from tests.support.client import Candidate, register
from tests.support.server import ServerProcess
from tests.support.waiting import eventually

CANDIDATES = 4
BACKLOG = {"MOCKMATE_TAKEOVER_S": "1", "MOCKMATE_WORKERS": "1", "MOCKMATE_STT_WORKERS": "1",
           "MOCKMATE_SPEECH_JOB_WORKERS": "1"}


async def test_each_answer_is_transcribed_once_behind_a_backlog(
    spawn: Callable[..., ServerProcess], settings: Settings
) -> None:
    server = await spawn("busy", **BACKLOG).ready()
    clients = [await Candidate(server.url, await register(server.url, f"q{n}@example.com"))
               .connect() for n in range(CANDIDATES)]
    wav = encode(speech_16k("The server sends a message to the customer about the order."),
                 "wav")
    redis: Redis = Redis.from_url(settings.redis_url)
    try:
        sessions = []
        for client in clients:
            ack = await client.call("interview:start", {
                "role": "Engineer", "interview_type": "behavioral", "difficulty": "mid",
                "question_count": 1, "speak": False, "adaptive": False})
            assert ack["ok"], ack
            await client.expect("interview:question", session_id=ack["session_id"], index=0)
            sessions.append(ack["session_id"])
        acks = await asyncio.gather(*(
            client.call("answer:submit", {"session_id": sid, "index": 0, "audio": wav})
            for client, sid in zip(clients, sessions, strict=True)))
        assert all(ack["ok"] for ack in acks), acks
        for client, sid in zip(clients, sessions, strict=True):
            await client.expect("interview:complete", session_id=sid, timeout=120)
        queue = JobQueue(redis, prefix=settings.redis_prefix, consumer_prefix="test",
                         claim_idle_s=1, max_attempts=1)

        async def drained() -> bool:  # nothing left to run, transcriptions included
            lanes = [queue.stream, queue.lane_stream(SPEECH_LANE)]
            return all([await redis.xlen(stream) == 0 for stream in lanes])

        await eventually(drained, timeout_s=60)
        for client, ack in zip(clients, acks, strict=True):
            transcripts = [t for t in client.pending("answer:transcript")
                           if t["answer_id"] == ack["answer_id"]]
            assert len(transcripts) == 1, transcripts
    finally:
        await redis.aclose()
        for client in clients:
            await client.close()
