"""Speaking questions: TTS audio streamed as `interview:audio` chunks, cached, and stopped
when the candidate starts answering (barge-in).

Audio is synthesized sentence by sentence and re-chunked to at most 250 ms, so the first
chunk leaves before the whole question is synthesized. Chunks are sent at most
`lead_s` ahead of real time: a client that starts answering stops the rest. Finished
streams are cached in Redis by (text, voice, format), so a repeated question costs nothing,
and candidates asked the same question at once share one synthesis (`shared_synthesis`).
"""

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator

from redis.asyncio import Redis

from mockmate.interviews.shared_synthesis import SharedStreams
from mockmate.ports import Emitter
from mockmate.redis_keys import RedisKeys
from mockmate.speech.base import SpeechError, TextToSpeech
from mockmate.speech.output import AudioChunker, OutChunk
from mockmate.state.machine import State
from mockmate.state.session import InterviewSession
from mockmate.state.store import SessionStore

log = logging.getLogger(__name__)


class QuestionVoice:
    def __init__(
        self,
        *,
        tts: TextToSpeech,
        redis: Redis,
        sessions: SessionStore,
        emitter: Emitter,
        prefix: str,
        lead_s: float,
        cache_ttl_s: int,
    ):
        self._tts = tts
        self._redis = redis
        self._sessions = sessions
        self._emit = emitter
        self._keys = RedisKeys(prefix)
        self._lead_s = lead_s
        self._cache_ttl_s = cache_ttl_s
        self._inflight: SharedStreams[OutChunk] = SharedStreams()

    async def aclose(self) -> None:
        await self._inflight.close()

    def _cache_key(self, text: str, voice: str | None, fmt: str) -> str:
        digest = hashlib.sha256(f"{voice or ''}\x00{fmt}\x00{text}".encode()).hexdigest()
        return self._keys.question_audio(digest)

    async def speak(self, session: InterviewSession) -> None:
        question = session.current_question
        if question is None:
            return
        fmt = session.audio_format
        key = self._cache_key(question.text, session.voice, fmt)
        cached: list[bytes] = await self._redis.lrange(key, 0, -1)  # type: ignore[assignment]
        if cached:
            chunks = _from_cache(cached)
        else:
            # One synthesis per text at a time in this process, stored once it completes
            # (even if this candidate barges in: the next one asked gets it from the cache).
            text, voice = question.text, session.voice
            chunks = self._inflight.follow(
                key, lambda: self._synthesize(text, voice, fmt),
                lambda done: self._store(key, done),
            )
        sent: list[OutChunk] = []
        try:
            complete = await self._send(session, chunks, fmt, sent)
        except SpeechError as exc:
            log.warning("TTS failed for %s: %s", session.id, exc)
            await self._emit.to_user(session.user_id, "error", {
                "session_id": session.id, "code": "unavailable",
                "message": "question audio is unavailable; the question is shown as text",
                "retryable": exc.retryable,
            })
            return
        if not complete:
            log.debug("question audio for %s stopped by barge-in", session.id)

    async def _send(
        self, session: InterviewSession, chunks: AsyncIterator[OutChunk], fmt: str,
        sent: list[OutChunk],
    ) -> bool:
        """Send chunks in order, paced; False if the candidate barged in."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        played_s = 0.0
        pending: OutChunk | None = None
        async for chunk in chunks:
            if pending is not None:
                if not await self._still_asking(session):
                    return False
                await self._send_one(session, fmt, len(sent), pending, final=False)
                sent.append(pending)
                played_s += pending.duration_s
                ahead = started + played_s - self._lead_s - loop.time()
                if ahead > 0:
                    await asyncio.sleep(ahead)
            pending = chunk
        if pending is not None:
            if not await self._still_asking(session):
                return False
            await self._send_one(session, fmt, len(sent), pending, final=True)
            sent.append(pending)
        return True

    async def _send_one(
        self, session: InterviewSession, fmt: str, seq: int, chunk: OutChunk, *, final: bool
    ) -> None:
        await self._emit.to_user(session.user_id, "interview:audio", {
            "session_id": session.id, "index": session.index, "seq": seq, "format": fmt,
            "sample_rate": chunk.sample_rate, "data": chunk.data, "final": final,
        })

    async def _still_asking(self, session: InterviewSession) -> bool:
        try:
            current = await self._sessions.get(session.id)
        except Exception:
            return False
        return current.state is State.ASKING and current.asks == session.asks

    async def _synthesize(
        self, text: str, voice: str | None, fmt: str
    ) -> AsyncIterator[OutChunk]:
        chunker = AudioChunker(fmt)
        async for pcm in self._tts.stream(text, voice):
            for chunk in chunker.feed(pcm):
                yield chunk
        for chunk in chunker.flush():
            yield chunk

    async def _store(self, key: str, chunks: list[OutChunk]) -> None:
        if not chunks:
            return
        entries = [_encode(c) for c in chunks]
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.rpush(key, *entries)
            pipe.expire(key, self._cache_ttl_s)
            await pipe.execute()


def _encode(chunk: OutChunk) -> bytes:
    header = f"{chunk.sample_rate}:{chunk.duration_s:.6f}:".encode()
    return header + chunk.data


async def _from_cache(entries: list[bytes]) -> AsyncIterator[OutChunk]:
    for entry in entries:
        rate, duration, data = entry.split(b":", 2)
        yield OutChunk(data=data, sample_rate=int(rate), duration_s=float(duration))
