"""Offline speech, cached sentence by sentence in Redis and shared by every process.

Why sentences: with questions spoken, Piper is what limits how many candidates a process
serves. Whole questions are cached too (`interviews.question_audio`), but a follow-up such as
`Let's go back to "<question>". What was the outcome, and how did you measure it?` is a new
text each time, made of sentences that are not: the quoted bank question and a handful of
prompts. Piper synthesizes each sentence on its own anyway, so joining cached sentences
sounds the same as synthesizing the text. `warm` fills the cache ahead of the first asker,
claiming each sentence in Redis so that processes starting together share the work.

Only for the offline engine: a cloud voice shapes a whole text at once, and its audio is not
ours to keep beyond the question cache.

Warming never competes with a candidate: it makes one sentence at a time through
`background` (the engine's low-priority path, `speech.priority`) when there is one, yields
between sentences, and waits while any live sentence is being synthesized in this process.
"""

import asyncio
import hashlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable

from redis.asyncio import Redis

from mockmate.redis_keys import RedisKeys
from mockmate.speech.base import PcmAudio, SpeechError, TextToSpeech
from mockmate.speech.piper_tts import split_sentences

log = logging.getLogger(__name__)
WARM_CLAIM_S = 300  # a process warming a sentence holds it this long at most (if it dies)


class SentenceCachedSpeech:
    """A `TextToSpeech` that speaks each sentence from the cache, or from `inner` (storing it).

    One sentence is made ahead while the previous one is consumed, as Piper does on its own.
    `resolve_voice` maps a requested voice to the one that will speak, so that aliases share
    entries. `background(sentence, voice)` makes a sentence for `warm` at low priority (None:
    `inner` makes it). `syntheses` counts sentences made (tests read it); `live` is how many
    sentences are being made for listeners right now.
    """

    def __init__(
        self, inner: TextToSpeech, redis: Redis, *, prefix: str, ttl_s: int,
        resolve_voice: Callable[[str | None], str] = lambda voice: voice or "",
        background: Callable[[str, str | None], Awaitable[list[PcmAudio]]] | None = None,
    ) -> None:
        self._inner = inner
        self._redis = redis
        self._keys = RedisKeys(prefix)
        self._ttl_s = ttl_s
        self._resolve = resolve_voice
        self._background = background
        self._idle = asyncio.Event()
        self._idle.set()
        self.live = 0
        self.syntheses = 0
        # Set the first time `warm` waited for live synthesis to finish (tests and logs).
        self.paused_for_live = asyncio.Event()

    def _key(self, voice: str | None, sentence: str) -> str:
        digest = hashlib.sha256(f"{self._resolve(voice)}\x00{sentence}".encode()).hexdigest()
        return self._keys.sentence_audio(digest)

    async def stream(self, text: str, voice: str | None = None) -> AsyncIterator[PcmAudio]:
        remaining = deque(split_sentences(text))
        ahead: deque[asyncio.Task[PcmAudio | None]] = deque()

        def refill() -> None:
            if remaining and not ahead:
                ahead.append(asyncio.create_task(self._sentence(remaining.popleft(), voice)))

        try:
            refill()
            while ahead:
                audio = await ahead.popleft()
                refill()
                if audio is not None:
                    yield audio
        finally:
            for task in ahead:  # the listener stopped early (a barge-in)
                task.cancel()
                task.add_done_callback(_retrieve)

    async def warm_all(self, texts: Iterable[str], voice: str | None = None) -> int:
        """`warm` every sentence of `texts`, stopping at the first speech failure (logged);
        how many this process synthesized."""
        warmed = 0
        sentences = dict.fromkeys(s for text in texts for s in split_sentences(text))
        for sentence in sentences:
            try:
                warmed += await self.warm(sentence, voice)
            except SpeechError as exc:
                log.warning("speech prewarm stopped after %d sentence(s): %s", warmed, exc)
                break
        if warmed:
            log.info("speech prewarmed: %d sentence(s) synthesized", warmed)
        return warmed

    async def warm(self, sentence: str, voice: str | None = None) -> bool:
        """Synthesize and cache `sentence` unless it is cached or another process is making
        it; True when this call synthesized it."""
        key = self._key(voice, sentence)
        claim = f"{key}:warming"
        await asyncio.sleep(0)  # yield between sentences
        if not self._idle.is_set():  # a candidate's sentence goes first
            self.paused_for_live.set()
            await self._idle.wait()
        if await self._redis.exists(key):
            return False
        if not await self._redis.set(claim, b"1", nx=True, ex=WARM_CLAIM_S):
            return False
        try:
            if self._background is None:
                await self._synthesize(key, sentence, voice)
            else:
                self.syntheses += 1
                await self._store(key, await self._background(sentence, voice))
        finally:
            await self._redis.delete(claim)
        return True

    async def _sentence(self, sentence: str, voice: str | None) -> PcmAudio | None:
        key = self._key(voice, sentence)
        cached = await self._redis.get(key)
        if isinstance(cached, bytes):
            return _decode(cached)
        self.live += 1
        self._idle.clear()
        try:
            return await self._synthesize(key, sentence, voice)
        finally:
            self.live -= 1
            if not self.live:
                self._idle.set()

    async def _synthesize(self, key: str, sentence: str, voice: str | None) -> PcmAudio | None:
        self.syntheses += 1
        pieces = [piece async for piece in self._inner.stream(sentence, voice)]
        return await self._store(key, pieces)

    async def _store(self, key: str, pieces: list[PcmAudio]) -> PcmAudio | None:
        if not pieces:
            return None
        # One voice speaks at one rate, so a sentence's pieces join into one.
        audio = PcmAudio(b"".join(p.data for p in pieces), pieces[0].sample_rate)
        await self._redis.set(key, _encode(audio), ex=self._ttl_s)
        return audio


def _retrieve(task: "asyncio.Task[PcmAudio | None]") -> None:
    if not task.cancelled():
        task.exception()  # retrieved, so asyncio does not log it as lost


def _encode(audio: PcmAudio) -> bytes:
    return f"{audio.sample_rate}:".encode() + audio.data


def _decode(entry: bytes) -> PcmAudio:
    rate, data = entry.split(b":", 1)
    return PcmAudio(data, int(rate))
