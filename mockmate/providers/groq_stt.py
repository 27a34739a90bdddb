"""Cloud speech-to-text with Groq's Whisper (`whisper-large-v3-turbo`) through the `groq` SDK.

Why it is shaped like this: answers are scored on delivery (pace, pauses, filler words), so we
ask for `verbose_json` with word and segment timestamps, and send a prompt written with fillers
in it, because Whisper drops "um"/"like" unless its prompt shows them. The 16 kHz PCM we hold
is wrapped in a WAV header (stdlib `wave`) since the API takes files, not raw samples.

The SDK's own retries are off (`max_retries=0`): our `ProviderGuard` alone owns timeouts,
backoff, Retry-After and the circuit breaker. Whatever the guard finally gives up with
(including an open breaker) becomes a `SpeechError` whose `retryable` tells the client
whether resending the answer may help (a rejected API key will not).
"""

import io
import wave
from collections.abc import Mapping
from typing import Any

import groq
from groq import AsyncGroq
from groq.types.audio import Transcription

from mockmate.providers.resilience import (
    CircuitOpenError,
    Failure,
    ProviderGuard,
    ProviderMetrics,
    RetryPolicy,
    Vendor,
    classify_basic,
    classify_status,
    make_guard,
)
from mockmate.speech.base import PcmAudio, SpeechError, Transcript, Word
from mockmate.speech.transcripts import (
    FILLER_PROMPT,
    as_dicts,
    number,
    prompt_with,
    segment_confidence,
)

__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_POLICY",
    "FILLER_PROMPT",
    "GROQ",
    "PROVIDER",
    "GroqSpeechToText",
    "classify_groq",
    "make_groq_client",
    "make_groq_stt",
    "pcm_to_wav",
    "transcript_from_response",
]

PROVIDER = "groq"
DEFAULT_MODEL = "whisper-large-v3-turbo"
# Groq transcribes a minute of audio in well under a second; the deadline bounds all attempts
# and waits together so the candidate is told quickly that they may resend or type instead.
DEFAULT_POLICY = RetryPolicy(attempts=3, timeout_s=15.0, deadline_s=30.0)


def make_groq_client(api_key: str, base_url: str = "") -> AsyncGroq:
    """An `AsyncGroq` client (`base_url` empty: Groq's endpoint), with SDK retries disabled."""
    return AsyncGroq(api_key=api_key, base_url=base_url or None, max_retries=0)


def classify_groq(exc: BaseException) -> Failure:
    """How a failed Groq call is treated: retry 408/429/5xx, timeouts and dropped connections."""
    if isinstance(exc, groq.APIStatusError):
        return classify_status(exc.status_code, exc.response.headers.get("retry-after"))
    if isinstance(exc, groq.APITimeoutError):
        return Failure(retryable=True, kind="timeout")
    if isinstance(exc, groq.APIConnectionError):
        return Failure(retryable=True, kind="connection")
    return classify_basic(exc)


GROQ = Vendor(PROVIDER, classify_groq, DEFAULT_POLICY)


def pcm_to_wav(audio: PcmAudio) -> bytes:
    """A mono 16-bit WAV file holding `audio` at its own sample rate."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(audio.sample_rate)
        out.writeframes(audio.data)
    return buffer.getvalue()


class GroqSpeechToText:
    """`SpeechToText` backed by Groq Whisper; one instance serves the whole process."""

    def __init__(
        self,
        client: AsyncGroq,
        guard: ProviderGuard,
        *,
        model: str = DEFAULT_MODEL,
        prompt: str = FILLER_PROMPT,
        language: str | None = "en",
        policy: RetryPolicy | None = None,
    ) -> None:
        self._client = client
        self._guard = guard
        self._model = model
        self._prompt = prompt
        self._language = language
        self._policy = policy

    async def transcribe(self, audio: PcmAudio, *, context: str = "") -> Transcript:
        """Transcribe PCM audio; raises `SpeechError` (see `retryable`) when Groq fails."""
        if not audio.data:
            return Transcript(text="", confidence=0.0, duration_s=0.0)
        wav = pcm_to_wav(audio)

        async def request() -> Transcription:
            return await self._client.audio.transcriptions.create(
                file=("answer.wav", wav, "audio/wav"),
                model=self._model,
                response_format="verbose_json",
                timestamp_granularities=["word", "segment"],
                prompt=prompt_with(self._prompt, context) or self._prompt,
                temperature=0.0,
                language=self._language or groq.omit,
            )

        try:
            response = await self._guard.run("transcribe", request, policy=self._policy)
        except CircuitOpenError as exc:
            raise SpeechError(
                f"speech recognition is unavailable, retry in {exc.retry_in_s:.0f}s",
                retryable=True,
            ) from exc
        except Exception as exc:
            failure = self._guard.classify(exc)
            raise SpeechError(
                f"speech recognition failed ({failure.kind})", retryable=failure.retryable
            ) from exc
        return transcript_from_response(response, audio.duration_s)

    async def aclose(self) -> None:
        await self._client.close()


def make_groq_stt(
    api_key: str,
    base_url: str = "",
    metrics: ProviderMetrics | None = None,
    *,
    policy: RetryPolicy | None = None,
    model: str = DEFAULT_MODEL,
    prompt: str = FILLER_PROMPT,
    language: str | None = "en",
) -> GroqSpeechToText:
    """A ready `GroqSpeechToText` with its own client and guard (close it with `aclose`)."""
    guard = make_guard(GROQ, metrics, policy=policy)
    return GroqSpeechToText(
        make_groq_client(api_key, base_url), guard, model=model, prompt=prompt,
        language=language,
    )


def transcript_from_response(response: Transcription, duration_s: float) -> Transcript:
    """Our `Transcript` from a verbose_json answer; `words`/`segments` arrive as extra fields."""
    extra: Mapping[str, Any] = response.model_extra or {}
    words = tuple(_words(extra.get("words")))
    text = response.text.strip()
    confidence = segment_confidence(as_dicts(extra.get("segments"))) if text else 0.0
    return Transcript(text=text, confidence=confidence, duration_s=duration_s, words=words)


def _words(value: Any) -> list[Word]:
    words: list[Word] = []
    for item in as_dicts(value):
        text = str(item.get("word", "")).strip()
        start, end = number(item.get("start")), number(item.get("end"))
        if text and start is not None and end is not None:
            words.append(Word(text=text, start_s=start, end_s=max(start, end)))
    return words
