"""Speech: ElevenLabs and Groq when their keys are set, else the offline engines (Piper TTS
with its sentence cache, faster-whisper), verified at start and warmed in the background."""

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from aiohttp import web

from mockmate.config import Settings
from mockmate.follow_ups.rules import offline_texts
from mockmate.providers.elevenlabs_tts import make_elevenlabs_tts
from mockmate.providers.groq_stt import make_groq_stt
from mockmate.providers.resilience import PrometheusProviderMetrics
from mockmate.questions.bank import load_bank
from mockmate.server.wiring.core import CORE
from mockmate.speech.base import SpeechToText, TextToSpeech
from mockmate.speech.piper_tts import PiperTextToSpeech
from mockmate.speech.sentence_cache import SentenceCachedSpeech
from mockmate.speech.whisper_stt import WhisperSpeechToText
from mockmate.tasks import repeat_every

log = logging.getLogger(__name__)


class ClosableTextToSpeech(TextToSpeech, Protocol):
    async def aclose(self) -> None: ...


class ClosableSpeechToText(SpeechToText, Protocol):
    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class Speech:
    # What speaks the questions (the offline engine behind its sentence cache).
    tts: TextToSpeech
    stt: SpeechToText


SPEECH = web.AppKey("speech", Speech)


def open_speech(
    settings: Settings, provider_metrics: PrometheusProviderMetrics
) -> tuple[ClosableTextToSpeech, ClosableSpeechToText]:
    """ElevenLabs and Groq when their keys are set, else the offline engines."""
    tts: ClosableTextToSpeech
    stt: ClosableSpeechToText
    if settings.elevenlabs_api_key:
        tts = make_elevenlabs_tts(
            settings.elevenlabs_api_key, settings.elevenlabs_base_url, provider_metrics
        )
        log.info("ElevenLabs speaks the questions")
    else:
        tts = PiperTextToSpeech(max_concurrency=settings.speech_threads)
    if settings.groq_api_key:
        stt = make_groq_stt(settings.groq_api_key, settings.groq_base_url, provider_metrics)
        log.info("Groq Whisper transcribes the answers")
    else:
        stt = WhisperSpeechToText(
            settings.stt_model, sha256=settings.stt_model_sha256,
            max_concurrency=settings.stt_workers, cpu_threads=settings.stt_cpu_threads,
            window_pad_s=settings.stt_window_pad_s,
            reserved_workers=settings.stt_reserved_workers,
        )
    return tts, stt


async def speech_context(app: web.Application) -> AsyncIterator[None]:
    core = app[CORE]
    settings, tasks = core.settings, core.tasks
    tts, stt = open_speech(settings, core.provider_metrics)
    try:
        if isinstance(stt, WhisperSpeechToText):
            # Refuse to start with weights that are not the pinned ones (hashed once, on the
            # low-priority thread); the model itself loads in the background below.
            await stt.verify()
        speech: TextToSpeech = tts
        if isinstance(tts, PiperTextToSpeech):
            speech = sentences = SentenceCachedSpeech(
                tts, core.redis, prefix=settings.redis_prefix, ttl_s=settings.tts_cache_ttl_s,
                resolve_voice=tts.resolve_voice, background=tts.synthesize_in_background,
            )
            tasks.spawn(tts.warm_up(), name="tts-warm-up")
            if settings.tts_prewarm:
                tasks.spawn(_prewarm_forever(sentences, settings.tts_cache_ttl_s),
                            name="tts-prewarm")
        if isinstance(stt, WhisperSpeechToText):
            tasks.spawn(stt.warm_up(), name="stt-warm-up")
        app[SPEECH] = Speech(tts=speech, stt=stt)
        yield
    finally:
        # Background work that speaks or listens stops before its engines close.
        await tasks.close()
        await stt.aclose()
        await tts.aclose()


async def _prewarm_forever(speech: SentenceCachedSpeech, cache_ttl_s: int) -> None:
    """Keep the bank's questions, and the offline follow-ups to them, ready to be spoken:
    now, then twice per cache lifetime."""
    texts = offline_texts(load_bank())
    await speech.warm_all(texts)
    await repeat_every(cache_ttl_s / 2, lambda: speech.warm_all(texts), what="speech prewarm")
