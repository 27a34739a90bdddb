"""`POST /api/speech/transcribe` (an audio file → transcript, words with times, delivery) and
`POST /api/speech/synthesize` (`{text, voice?}` → WAV): authenticated and rate-limited
(`interviews/speech_api.py`)."""

from aiohttp import BodyPartReader, web
from pydantic import BaseModel, ConfigDict, Field

from mockmate.errors import InvalidPayload, TooLarge
from mockmate.interviews.replies import SpokenTranscript
from mockmate.server.http import model_response, read_json, signed_in
from mockmate.server.keys import SETTINGS
from mockmate.server.wiring.interviews import VOICE
from mockmate.storage.users import User

routes = web.RouteTableDef()


class SynthesizeRequest(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")

    text: str = Field(max_length=1_000_000)
    voice: str | None = Field(None, max_length=100)


async def _audio_of(request: web.Request) -> tuple[bytes, str | None]:
    """The uploaded file: a multipart `file` field, or the raw body."""
    limit = request.app[SETTINGS].max_answer_bytes
    if request.content_length is not None and request.content_length > limit + 64 * 1024:
        raise TooLarge(f"at most {limit} bytes of audio")
    fmt = request.query.get("format") or None
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if isinstance(part, BodyPartReader) and part.name == "file":
                data = await part.read(decode=False)
                return bytes(data), fmt or part.headers.get("Content-Type")
        raise InvalidPayload("send the audio as the `file` field")
    content_type = request.content_type
    generic = content_type in ("application/octet-stream", "")
    return await request.read(), fmt or (None if generic else content_type)


@routes.post("/api/speech/transcribe")
@signed_in
async def transcribe(request: web.Request, user: User) -> web.Response:
    audio, fmt = await _audio_of(request)
    body = await request.app[VOICE].speech.transcribe(user.id, audio, fmt)
    return model_response(SpokenTranscript.model_validate(body), exclude_unset=True)


@routes.post("/api/speech/synthesize")
@signed_in
async def synthesize(request: web.Request, user: User) -> web.Response:
    payload = await read_json(request, SynthesizeRequest)
    wav = await request.app[VOICE].speech.synthesize(user.id, payload.text,
                                                              payload.voice)
    return web.Response(body=wav, content_type="audio/wav")
