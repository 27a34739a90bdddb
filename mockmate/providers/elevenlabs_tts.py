"""ElevenLabs text-to-speech: the interviewer's voice, streamed as it is synthesized.

Question audio must start playing quickly, so we use the official `elevenlabs` SDK's streaming
endpoint (`AsyncElevenLabs.text_to_speech.stream`) and ask for raw PCM (`pcm_24000`, s16le
mono): each network chunk becomes a `PcmAudio` piece at once, with no decoder in between, and
`AudioChunker` re-chunks it to the client's format. Network chunks may split a 2-byte sample;
an odd trailing byte is carried over to the next piece so no sample is lost or shifted.

Failure handling: establishing the stream (the request until its first bytes arrive) runs
under the provider's `ProviderGuard` — timeouts, retries with backoff on 429 (honouring
Retry-After) and 5xx, one circuit breaker for the provider; the SDK's own retries are off.
Once audio has flowed the caller has already sent it on, so a stream that breaks mid-way is
not retried: it raises `SpeechError(retryable=True)` and the interview falls back to text.
"""

from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from types import MappingProxyType
from typing import cast

import httpx
from elevenlabs.client import AsyncElevenLabs
from elevenlabs.core.api_error import ApiError
from elevenlabs.core.request_options import RequestOptions

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
from mockmate.speech.base import PcmAudio, SpeechError

__all__ = [
    "DEFAULT_CHUNK_BYTES",
    "DEFAULT_MODEL",
    "DEFAULT_POLICY",
    "DEFAULT_VOICES",
    "DEFAULT_VOICE_NAME",
    "ELEVENLABS",
    "OUTPUT_FORMAT",
    "PROVIDER",
    "SAMPLE_RATE",
    "ElevenLabsTextToSpeech",
    "classify_elevenlabs",
    "make_elevenlabs_tts",
]

PROVIDER = "elevenlabs"
DEFAULT_MODEL = "eleven_flash_v2_5"  # ElevenLabs' lowest-latency model
OUTPUT_FORMAT = "pcm_24000"
SAMPLE_RATE = 24_000
# The wait for the first audio bytes: a question that takes longer is better shown as text.
DEFAULT_POLICY = RetryPolicy(attempts=3, timeout_s=8.0, deadline_s=20.0)
# Gaps between chunks once audio flows (httpx read timeout of the SDK client).
DEFAULT_READ_TIMEOUT_S = 15.0

DEFAULT_VOICE_NAME = "professional_female"
# ElevenLabs premade voices (available on every account); override with `voices=`.
DEFAULT_VOICES: Mapping[str, str] = MappingProxyType({
    "professional_female": "21m00Tcm4TlvDq8ikWAM",  # Rachel: calm, clear
    "professional_male": "pNInz6obpgDQGcFmaJgB",  # Adam: deep, measured
    "stern": "2EiwWnXFnvU5JabPnv8n",  # Clyde: gravelly, authoritative
})

DEFAULT_CHUNK_BYTES = 1024  # ~21 ms of audio: the SDK hands bytes over in pieces this size
_Chunks = AsyncGenerator[bytes, None]


def classify_elevenlabs(exc: BaseException) -> Failure:
    """How a failed attempt to open a stream is treated: retry 429/5xx/timeouts/drops."""
    if isinstance(exc, ApiError):
        headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
        return classify_status(exc.status_code or 0, headers.get("retry-after"))
    if isinstance(exc, httpx.TimeoutException):
        return Failure(retryable=True, kind="timeout")
    if isinstance(exc, httpx.TransportError):
        return Failure(retryable=True, kind="connection")
    return classify_basic(exc)


# The guard from `make_guard(ELEVENLABS)`: one breaker for all its streams.
ELEVENLABS = Vendor(PROVIDER, classify_elevenlabs, DEFAULT_POLICY)


class ElevenLabsTextToSpeech:
    """`TextToSpeech` on ElevenLabs' streaming endpoint, yielding 24 kHz PCM pieces."""

    def __init__(
        self,
        client: AsyncElevenLabs,
        guard: ProviderGuard,
        *,
        model_id: str = DEFAULT_MODEL,
        voices: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    ) -> None:
        """`http_client`: the SDK client's connection pool, closed by `aclose` (optional)."""
        self._client = client
        self._http = http_client
        # SDK retries off: `guard` alone decides on retries, waits and the breaker.
        self._options: RequestOptions = {"max_retries": 0, "chunk_size": chunk_bytes}
        self._guard = guard
        self.model_id = model_id
        self.voices: Mapping[str, str] = MappingProxyType({**DEFAULT_VOICES, **(voices or {})})

    def voice_id(self, voice: str | None) -> str:
        """The ElevenLabs voice id for an interviewer voice name (unknown: the default)."""
        if voice is not None and voice in self.voices:
            return self.voices[voice]
        return self.voices[DEFAULT_VOICE_NAME]

    async def stream(self, text: str, voice: str | None = None) -> AsyncIterator[PcmAudio]:
        voice_id = self.voice_id(voice)
        try:
            chunks, first = await self._guard.run(
                "tts", lambda: self._open(voice_id, text)
            )
        except CircuitOpenError as exc:
            raise SpeechError(f"elevenlabs unavailable: {exc}", retryable=True) from exc
        except Exception as exc:
            failure = classify_elevenlabs(exc)
            raise SpeechError(
                f"elevenlabs text-to-speech failed ({failure.kind}): {exc}",
                retryable=failure.retryable,
            ) from exc
        carry = b""
        try:
            data = first
            while True:
                data = carry + data
                whole = len(data) - len(data) % 2
                carry = data[whole:]
                if whole:
                    yield PcmAudio(data[:whole], SAMPLE_RATE)
                try:
                    data = await anext(chunks)
                except StopAsyncIteration:
                    break
                except (httpx.HTTPError, OSError, TimeoutError) as exc:
                    raise SpeechError(
                        f"elevenlabs stream broke mid-way: {exc!r}", retryable=True
                    ) from exc
        finally:
            await chunks.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connection pool, if this object owns it."""
        if self._http is not None:
            await self._http.aclose()

    async def _open(self, voice_id: str, text: str) -> tuple[_Chunks, bytes]:
        """Start the stream and wait for its first bytes: (the rest of the stream, them)."""
        # The SDK's `stream` is an async generator (annotated as an iterator): closing it
        # releases the HTTP connection.
        chunks = cast(_Chunks, self._client.text_to_speech.stream(
            voice_id, text=text, model_id=self.model_id, output_format=OUTPUT_FORMAT,
            request_options=self._options,
        ))
        try:
            first = await anext(chunks)
        except StopAsyncIteration:
            first = b""
        except BaseException:
            await chunks.aclose()
            raise
        return chunks, first


def make_elevenlabs_tts(
    api_key: str,
    base_url: str = "",
    metrics: ProviderMetrics | None = None,
    *,
    model_id: str = DEFAULT_MODEL,
    voices: Mapping[str, str] | None = None,
    guard: ProviderGuard | None = None,
    read_timeout_s: float = DEFAULT_READ_TIMEOUT_S,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
) -> ElevenLabsTextToSpeech:
    """An `ElevenLabsTextToSpeech` with its SDK client (`base_url` empty: ElevenLabs' API)."""
    http = httpx.AsyncClient(timeout=read_timeout_s)
    client = AsyncElevenLabs(
        api_key=api_key, base_url=base_url or None, timeout=read_timeout_s, httpx_client=http
    )
    return ElevenLabsTextToSpeech(
        client, guard or make_guard(ELEVENLABS, metrics), model_id=model_id, voices=voices,
        http_client=http, chunk_bytes=chunk_bytes,
    )
