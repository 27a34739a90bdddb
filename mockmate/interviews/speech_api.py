"""Speech outside interviews (`POST /api/speech/transcribe` and `/synthesize`), for apps that
practise a single answer or read feedback aloud: the same engines and delivery analysis as
interviews, behind a per-user limit shared by every process (a Redis counter per minute)."""

import asyncio
import time
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis

from mockmate.config import Settings
from mockmate.errors import InvalidPayload, RateLimited, TooLarge, Unavailable
from mockmate.interviews.transcription import transcribe_pcm
from mockmate.redis_keys import RedisKeys
from mockmate.speech.base import PcmAudio, SpeechError, SpeechToText, TextToSpeech
from mockmate.speech.codec import decode_to_pcm16k, sniff_format
from mockmate.speech.output import wav_bytes

WINDOW_S = 60
# A generic cell-rate limiter: `per_minute` calls at once, then one every 60/per_minute s.
# Returns 0 when the call may go, else the seconds until it could.
_GCRA = """
local now, interval, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
if tat < now then tat = now end
local after = tat + interval
if after - now > burst * interval then return tostring(after - now - burst * interval) end
redis.call('SET', KEYS[1], tostring(after), 'PX', math.ceil((after - now) * 1000) + 1000)
return '0'
"""


class SpeechApi:
    def __init__(
        self, *, settings: Settings, stt: SpeechToText, tts: TextToSpeech, redis: Redis,
        prefix: str, clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._stt = stt
        self._tts = tts
        self._redis = redis
        self._keys = RedisKeys(prefix)
        self._clock = clock

    async def _take(self, user_id: str) -> None:
        per_minute = self._settings.speech_api_per_minute
        retry_after = float(await self._redis.eval(
            _GCRA, 1, self._keys.speech_api_rate(user_id), repr(self._clock()),
            repr(WINDOW_S / per_minute), str(per_minute),
        ))
        if retry_after > 0:
            raise RateLimited(
                "too many speech requests; try again shortly",
                retry_after_s=round(retry_after, 1),
            )

    async def transcribe(self, user_id: str, audio: bytes, fmt: str | None) -> dict[str, Any]:
        """Transcript, words with their times, and delivery of one recording."""
        if not audio:
            raise InvalidPayload("send an audio file")
        if len(audio) > self._settings.max_answer_bytes:
            raise TooLarge(f"at most {self._settings.max_answer_bytes}"
                                " bytes of audio")
        await self._take(user_id)
        fmt = (fmt or sniff_format(audio) or "").lower() or None
        pcm = await asyncio.to_thread(
            decode_to_pcm16k, audio, fmt, max_seconds=self._settings.max_answer_seconds
        )
        try:
            transcript, result = await transcribe_pcm(
                self._stt, pcm, pause_s=self._settings.pause_s)
        except SpeechError as exc:
            raise Unavailable("transcription failed; try again",
                                retryable=True) from exc
        words = [{"word": w.text, "start_s": round(w.start_s, 2), "end_s": round(w.end_s, 2)}
                 for w in result.words]
        return {**transcript.wire(), "words": words}

    async def synthesize(self, user_id: str, text: str, voice: str | None) -> bytes:
        """`text` spoken (WAV, mono 16-bit)."""
        text = text.strip()
        if not text:
            raise InvalidPayload("the text is empty", field="text")
        if len(text) > self._settings.max_synthesis_chars:
            raise TooLarge(f"at most "
                                f"{self._settings.max_synthesis_chars} characters",
                                field="text")
        await self._take(user_id)
        pieces: list[PcmAudio] = []
        try:
            async for piece in self._tts.stream(text, voice):
                pieces.append(piece)
        except SpeechError as exc:
            raise Unavailable("speech synthesis failed; try again",
                                retryable=True) from exc
        if not pieces:
            raise Unavailable("nothing was synthesized",
                                retryable=True)
        rate = pieces[0].sample_rate
        return wav_bytes(b"".join(p.data for p in pieces), rate)
