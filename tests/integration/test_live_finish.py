"""A submit that meets a segment still being transcribed: the rest of the answer is
transcribed at the same time on another speech thread, not after that segment; and each
stretch is heard as following on from the words before it.

The speech engine here is a stand-in whose mid-answer work waits until the test lets it go,
so the overlap is observed, not timed; Redis, the answer's chunks (Piper speech) and the
voice activity detector are real. The real engine's path is `test_live_transcripts`."""

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from redis.asyncio import Redis

from mockmate.interviews.live import LiveTranscriber
from mockmate.interviews.live_rules import CaptionBudget
from mockmate.redis_keys import RedisKeys
from mockmate.speech.base import PcmAudio, Transcript
from mockmate.state.answer_buffer import AnswerBuffer
from tests.integration.test_live_transcripts import parts
from tests.support.audio import speech_16k

CHUNK = 8000  # 250 ms
PREFIX = "mm-live-finish"


class HeldSpeech:
    """Mid-answer stretches wait for `release`; the answers' rests are heard at once."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.stretch_started = asyncio.Event()
        self.rest_started = asyncio.Event()
        self.calls: list[tuple[str, bool]] = []  # (kind, was the stretch still held)

    async def transcribe(self, audio: PcmAudio, *, context: str = "") -> Transcript:
        self.calls.append(("rest", not self.release.is_set()))
        self.rest_started.set()
        return Transcript(text="and the rest", confidence=0.9, duration_s=audio.duration_s)

    async def transcribe_ahead(self, audio: PcmAudio, *, urgent: Callable[[], bool],
                               context: str = "") -> Transcript:
        self.calls.append(("stretch", not self.release.is_set()))
        self.stretch_started.set()
        await self.release.wait()
        return Transcript(text="the stretch", confidence=0.9, duration_s=audio.duration_s)


class TellingSpeech:
    """Hears stretch 1, 2, ... in turn and notes the words each was said to follow."""

    def __init__(self) -> None:
        self.contexts: list[str] = []

    async def transcribe(self, audio: PcmAudio, *, context: str = "") -> Transcript:
        return await self.transcribe_ahead(audio, urgent=lambda: True, context=context)

    async def transcribe_ahead(self, audio: PcmAudio, *, urgent: Callable[[], bool],
                               context: str = "") -> Transcript:
        self.contexts.append(context)
        return Transcript(text=f"stretch {len(self.contexts)}", confidence=0.9,
                          duration_s=audio.duration_s)


class NoEvents:
    async def to_session(self, user_id: str, session_id: str, event: str,
                         data: dict[str, Any], *, asks: int | None = None) -> None:
        raise AssertionError("no interview events here")

    async def to_user(self, user_id: str, event: str, data: dict[str, Any]) -> None:
        raise AssertionError("no captions here")


def transcriber(redis: Redis, speech: "HeldSpeech | TellingSpeech",
                tasks: list[asyncio.Task[None]]) -> LiveTranscriber:
    def spawn(work: Coroutine[Any, Any, None]) -> object:
        tasks.append(asyncio.get_running_loop().create_task(work))
        return tasks[-1]

    return LiveTranscriber(
        redis, prefix=PREFIX, ttl_s=600, stt=speech,
        buffer=AnswerBuffer(redis, prefix=PREFIX, ttl_s=600, max_bytes=50_000_000),
        emitter=NoEvents(), budget=CaptionBudget(0.5, 2.0, 1), caption_every_s=2.0,
        spawn=spawn)


async def test_each_stretch_is_heard_after_the_words_before_it(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    tasks: list[asyncio.Task[None]] = []
    speech = TellingSpeech()
    live = transcriber(redis, speech, tasks)
    # Two stretches closed while spoken (each ends in 2 s of silence), the third after.
    pause = speech_16k(2.0).data
    answer = parts()[0].data + pause + parts()[1].data + pause + parts()[2].data
    _, data_key = RedisKeys(PREFIX).answer_chunks("s2", 0)
    try:
        for at in range(0, len(answer), CHUNK):
            await redis.rpush(data_key, answer[at:at + CHUNK])
            live.heard("u1", "s2", 0, min(at + CHUNK, len(answer)), captions=False)
        await asyncio.wait_for(asyncio.gather(*tasks), 60)  # every stretch closed meanwhile
        transcript = await asyncio.wait_for(live.finish("s2", 0, PcmAudio(answer, 16000)), 60)
        assert transcript is not None
        heard = len(speech.contexts)
        assert heard >= 3  # at least one stretch per part
        assert transcript.text == " ".join(f"stretch {n}" for n in range(1, heard + 1))
        # Each is prompted with the words said before it (the prompt keeps the last 40).
        assert speech.contexts == [
            " ".join(f"stretch {n}" for n in range(1, k)) for k in range(1, heard + 1)]
    finally:
        await asyncio.gather(*tasks, return_exceptions=True)
        await redis.aclose()


async def test_words_before_a_long_silence_still_lead_into_the_next_stretch(
    redis_url: str,
) -> None:
    redis = Redis.from_url(redis_url)
    tasks: list[asyncio.Task[None]] = []
    speech = TellingSpeech()
    live = transcriber(redis, speech, tasks)
    # A first stretch, closed; then, in one look, 26 s of silence (cut at 25 s, nothing to
    # hear in it) and a second stretch: it still follows on from the first one's words.
    first = parts()[0].data + speech_16k(2.0).data
    answer = first + speech_16k(26.0).data + parts()[1].data + speech_16k(2.0).data
    _, data_key = RedisKeys(PREFIX).answer_chunks("s3", 0)
    try:
        for at in range(0, len(first), CHUNK):
            await redis.rpush(data_key, answer[at:at + CHUNK])
            live.heard("u1", "s3", 0, min(at + CHUNK, len(first)), captions=False)
        await asyncio.wait_for(asyncio.gather(*tasks), 60)
        assert speech.contexts == [""]
        await redis.rpush(data_key, *(answer[at:at + CHUNK]
                                      for at in range(len(first), len(answer), CHUNK)))
        live.heard("u1", "s3", 0, len(answer), captions=False)
        await asyncio.wait_for(asyncio.gather(*tasks), 60)
        assert speech.contexts == ["", "stretch 1"]
    finally:
        await asyncio.gather(*tasks, return_exceptions=True)
        await redis.aclose()


async def test_the_rest_is_transcribed_while_the_last_stretch_still_is(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    tasks: list[asyncio.Task[None]] = []
    speech = HeldSpeech()
    live = transcriber(redis, speech, tasks)
    # A first answer (over the 8 s a stretch needs), 2 s of silence, then a second one.
    first = parts()[0].data + speech_16k(2.0).data
    answer = first + parts()[1].data
    _, data_key = RedisKeys(PREFIX).answer_chunks("s1", 0)
    try:
        for at in range(0, len(first), CHUNK):
            await redis.rpush(data_key, answer[at:at + CHUNK])
            live.heard("u1", "s1", 0, min(at + CHUNK, len(first)), captions=False)
        await asyncio.wait_for(speech.stretch_started.wait(), 60)
        for at in range(len(first), len(answer), CHUNK):
            await redis.rpush(data_key, answer[at:at + CHUNK])
            live.heard("u1", "s1", 0, min(at + CHUNK, len(answer)), captions=False)

        finished = asyncio.create_task(live.finish("s1", 0, PcmAudio(answer, 16000)))
        # Under the 15 s the submit would wait for the segment before going on without it.
        await asyncio.wait_for(speech.rest_started.wait(), 12)
        speech.release.set()
        transcript = await asyncio.wait_for(finished, 60)
        assert transcript is not None
        assert transcript.text == "the stretch and the rest"
        assert speech.calls == [("stretch", True), ("rest", True)]
    finally:
        speech.release.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        await redis.aclose()
