"""A local stand-in for Groq's speech-to-text API that speaks its transcription wire format.

Tests drive the official `groq` SDK against it, so they exercise the real request (a multipart
`POST /openai/v1/audio/transcriptions` with `Authorization: Bearer <key>`), the verbose_json
answer with word and segment timestamps, and OpenAI-style error bodies, rather than a mock of
our own code. Each test scripts the replies it needs (transcripts, 429 with Retry-After, 5xx,
401, slow answers) and reads back the recorded requests: form fields and the uploaded file,
so it can check the model, the prompt and that the audio is a valid WAV of the right length.
"""

import io
import uuid
import wave
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.server import ScriptedServer

PATH = "/openai/v1/audio/transcriptions"

_ERROR_KINDS = {
    400: ("invalid_request_error", "invalid_request"),
    401: ("invalid_request_error", "invalid_api_key"),
    404: ("invalid_request_error", "unknown_url"),
    429: ("requests", "rate_limit_exceeded"),
    500: ("internal_server_error", "internal_server_error"),
    503: ("internal_server_error", "service_unavailable"),
}


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a transcript (status 200) or an error status and body."""

    status: int = 200
    text: str = ""
    words: tuple[tuple[str, float, float], ...] = ()
    segments: tuple[dict[str, Any], ...] | None = None  # None: one segment over the text
    avg_logprob: float = -0.2
    no_speech_prob: float = 0.01
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0

    @classmethod
    def transcript(
        cls, text: str, words: tuple[tuple[str, float, float], ...] = (), **kwargs: Any
    ) -> "Reply":
        """Whisper heard `text`; `words` are (word, start, end) in seconds."""
        return cls(text=text, words=words, **kwargs)

    @classmethod
    def error(
        cls, status: int, message: str = "scripted failure", *, retry_after: str | None = None
    ) -> "Reply":
        """An OpenAI-style error body; 429s may carry Retry-After."""
        kind, code = _ERROR_KINDS.get(status, ("api_error", "error"))
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        body = {"error": {"message": message, "type": kind, "code": code}}
        return cls(status=status, body=body, headers=headers)


@dataclass(frozen=True)
class RecordedRequest:
    """One transcription request as the fake received it (multipart fields parsed)."""

    headers: dict[str, str]
    fields: dict[str, list[str]]
    file_name: str | None
    file_type: str | None
    file_bytes: bytes

    @property
    def api_key(self) -> str | None:
        scheme, _, key = self.headers.get("Authorization", "").partition(" ")
        return key if scheme == "Bearer" else None

    def value(self, name: str) -> str | None:
        values = self.fields.get(name)
        return values[0] if values else None

    @property
    def granularities(self) -> list[str]:
        return self.fields.get("timestamp_granularities[]", [])

    def wav(self) -> tuple[int, int, int, float]:
        """(channels, sample width in bytes, sample rate, duration in s); raises if not WAV."""
        with wave.open(io.BytesIO(self.file_bytes), "rb") as audio:
            rate = audio.getframerate()
            return (audio.getnchannels(), audio.getsampwidth(), rate,
                    audio.getnframes() / rate)


class FakeGroq(ScriptedServer[Reply, RecordedRequest]):
    """The fake server; use `async with FakeGroq() as fake:` and point the SDK at fake.url."""

    client_max_size = 25 * 1024 * 1024

    def __init__(self, api_key: str = "test-groq-key") -> None:
        super().__init__(api_key, None)

    def routes(self, app: web.Application) -> None:
        app.router.add_post(PATH, self._handle)

    async def _handle(self, request: web.Request) -> web.Response:
        recorded = await _record(request)
        self.requests.append(recorded)
        if recorded.api_key != self.api_key:
            return _error(Reply.error(401, "Invalid API Key"))
        if recorded.value("model") is None or not recorded.file_bytes:
            return _error(Reply.error(400, "'file' and 'model' are required"))
        reply = self.next_reply()
        if reply is None:
            return _error(Reply.error(500, "FakeGroq: no reply scripted"))
        if reply.delay_s:
            await self.pause(reply.delay_s)
        if reply.status != 200:
            return _error(reply)
        try:
            duration = recorded.wav()[3]
        except (wave.Error, EOFError):
            return _error(Reply.error(400, "could not process file - is it a valid media file?"))
        return web.json_response(_verbose_json(reply, duration), headers=reply.headers)


async def _record(request: web.Request) -> RecordedRequest:
    fields: dict[str, list[str]] = {}
    file_name = file_type = None
    file_bytes = b""
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                file_name, file_type = value.filename, value.content_type
                file_bytes = value.file.read()
            else:
                fields.setdefault(name, []).append(str(value))
    return RecordedRequest(dict(request.headers), fields, file_name, file_type, file_bytes)


def _error(reply: Reply) -> web.Response:
    return web.json_response(reply.body, status=reply.status, headers=reply.headers)


def _verbose_json(reply: Reply, duration: float) -> dict[str, Any]:
    segments = reply.segments
    if segments is None:
        segments = ({
            "id": 0, "seek": 0, "start": 0.0, "end": round(duration, 2), "text": reply.text,
            "tokens": [50365, 400, 5], "temperature": 0.0, "avg_logprob": reply.avg_logprob,
            "compression_ratio": 1.1, "no_speech_prob": reply.no_speech_prob,
        },) if reply.text else ()
    return {
        "task": "transcribe",
        "language": "english",
        "duration": round(duration, 2),
        "text": reply.text,
        "segments": list(segments),
        "words": [{"word": w, "start": s, "end": e} for w, s, e in reply.words],
        "x_groq": {"id": f"req_{uuid.uuid4().hex[:26]}"},
    }
