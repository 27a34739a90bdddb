"""A local stand-in for the ElevenLabs API that speaks its streaming text-to-speech wire format.

Tests drive the official `elevenlabs` SDK against it, so they exercise the real request path
(`POST /v1/text-to-speech/{voice_id}/stream?output_format=pcm_24000`), the `xi-api-key`
header, the chunked raw-PCM response and ElevenLabs' error bodies
(`{"detail": {"status": ..., "message": ...}}`), rather than a mock of our own code. Audio is a
sine tone whose length grows with the text, sent in odd-sized pieces with small pauses so that
streaming and sample re-alignment are observable. Each test scripts the replies it needs (429
with Retry-After, 5xx, 401, a slow first byte, a stream that breaks mid-way) and reads back the
recorded requests and the bytes each one was sent.
"""

import asyncio
import math
import struct
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.server import ScriptedServer

SAMPLES_PER_CHAR = 480  # 20 ms of audio per character at 24 kHz
DEFAULT_PIECES = (1001, 777, 2049, 333)  # odd sizes: pieces split samples; then repeats


@dataclass(frozen=True)
class Reply:
    """One scripted answer: streamed audio (status 200) or an ElevenLabs error."""

    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # before the response starts (the first byte)
    piece_delay_s: float = 0.01  # between streamed pieces
    pieces: tuple[int, ...] = DEFAULT_PIECES
    break_after: int | None = None  # drop the connection once this many bytes are sent

    @classmethod
    def audio(cls, *, delay_s: float = 0.0, pieces: tuple[int, ...] = DEFAULT_PIECES) -> "Reply":
        return cls(delay_s=delay_s, pieces=pieces)

    @classmethod
    def broken(cls, after_bytes: int = 3000) -> "Reply":
        """Audio starts, then the connection drops before the body is complete."""
        return cls(break_after=after_bytes)

    @classmethod
    def error(
        cls, status: int, message: str = "scripted failure", *, retry_after: str | None = None,
        detail_status: str | None = None,
    ) -> "Reply":
        statuses = {401: "invalid_api_key", 429: "too_many_concurrent_requests",
                    500: "internal_server_error", 503: "service_unavailable"}
        detail = {"status": detail_status or statuses.get(status, "error"), "message": message}
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        return cls(status=status, body={"detail": detail}, headers=headers)


@dataclass(frozen=True)
class RecordedRequest:
    """One text-to-speech stream request as the fake received it."""

    voice_id: str
    api_key: str | None
    query: dict[str, str]
    body: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.body.get("text", ""))


def tone(text: str, sample_rate: int = 24_000) -> bytes:
    """The audio the fake speaks for `text`: a 440 Hz s16le mono tone, 20 ms per character."""
    count = max(1, len(text)) * SAMPLES_PER_CHAR * sample_rate // 24_000
    step = 2 * math.pi * 440 / sample_rate
    return struct.pack(f"<{count}h", *(int(8000 * math.sin(i * step)) for i in range(count)))


class FakeElevenLabs(ScriptedServer[Reply, RecordedRequest]):
    """The fake server; `async with FakeElevenLabs() as fake:`, point the SDK at fake.url."""

    def __init__(self, api_key: str = "test-elevenlabs-key") -> None:
        super().__init__(api_key, Reply.audio())
        self.sent: list[bytes] = []  # the audio bytes written for each 200 reply, in order

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/text-to-speech/{voice_id}/stream", self._handle)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        key = request.headers.get("xi-api-key")
        output_format = request.query.get("output_format", "mp3_44100_128")
        if not output_format.startswith("pcm_"):
            return _error(Reply.error(400, f"fake serves only PCM, not {output_format}",
                                      detail_status="invalid_output_format"))
        body = await request.json()
        self.requests.append(
            RecordedRequest(request.match_info["voice_id"], key, dict(request.query), body)
        )
        if key != self.api_key:
            return _error(Reply.error(401, "Invalid API key"))
        reply = self.next_reply()
        await self.pause(reply.delay_s)
        if reply.status != 200:
            return _error(reply)
        audio = tone(str(body.get("text", "")), int(output_format.removeprefix("pcm_")))
        response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        sent = bytearray()
        self.sent.append(b"")
        position, index = 0, 0
        while position < len(audio):
            size = reply.pieces[index % len(reply.pieces)]
            piece = audio[position:position + size]
            if reply.break_after is not None and len(sent) + len(piece) > reply.break_after:
                piece = piece[: reply.break_after - len(sent)]
                await response.write(piece)
                sent += piece
                self.sent[-1] = bytes(sent)
                await asyncio.sleep(0.05)  # let the client read what was sent
                assert request.transport is not None
                request.transport.abort()  # no terminating chunk: the body is incomplete
                return response
            await response.write(piece)
            sent += piece
            self.sent[-1] = bytes(sent)
            position += size
            index += 1
            await self.pause(reply.piece_delay_s)
        await response.write_eof()
        return response


def _error(reply: Reply) -> web.Response:
    return web.json_response(reply.body, status=reply.status, headers=reply.headers)
