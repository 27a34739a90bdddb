"""`GET /api/interviews/{id}/answers/{index}/audio`: the owner plays or downloads a kept
answer recording, as WAV (default) or Ogg/Opus (`?format=ogg`), with HTTP Range requests
so players can seek (the booked expert plays attached ones through `rest_reviews.py`, with
the same rules and responses); anyone else, and an answer whose recording is not kept, gets
`not_found`."""

from aiohttp import web

from mockmate.errors import InvalidPayload, NotFound
from mockmate.interviews.recordings import Playable, PlayFormat
from mockmate.server.http import error_response, signed_in
from mockmate.server.wiring.interviews import VOICE
from mockmate.storage.users import User

routes = web.RouteTableDef()


def byte_range(requested: slice, size: int) -> tuple[int, int] | None:
    """The first and last byte a parsed `Range` header asks of `size` bytes; None when it
    asks for nothing there is (416)."""
    start, stop = requested.start, requested.stop
    if start is None:
        return (0, size - 1) if size else None
    if start < 0:  # the last -start bytes
        start = max(0, size + start)
        stop = None
    if start >= size or (stop is not None and stop <= start):
        return None
    last = size - 1 if stop is None else min(stop, size) - 1
    return start, last


def play_format(request: web.Request) -> PlayFormat:
    """`?format=wav` (default) or `ogg`."""
    raw_format = request.query.get("format", "wav")
    if raw_format not in ("wav", "ogg"):
        raise InvalidPayload("format must be wav or ogg",
                            field="format")
    return "wav" if raw_format == "wav" else "ogg"


def answer_index(request: web.Request) -> int:
    try:
        return int(request.match_info["index"])
    except ValueError:
        raise NotFound("no such answer") from None


@routes.get("/api/interviews/{interview_id}/answers/{index}/audio")
@signed_in
async def answer_audio(request: web.Request, user: User) -> web.StreamResponse:
    fmt = play_format(request)
    playable = await request.app[VOICE].recordings.playable(
        user.id, request.match_info["interview_id"], answer_index(request), fmt
    )
    return audio_response(request, playable)


def audio_response(request: web.Request, playable: Playable) -> web.Response:
    """The recording, or the byte range the request asks of it (206; 416 when none)."""
    size = len(playable.data)
    headers = {
        "Accept-Ranges": "bytes", "Content-Type": playable.content_type,
        "Content-Disposition": f'inline; filename="{playable.filename}"',
        "Cache-Control": "private, no-store",
    }
    if "Range" not in request.headers:
        return web.Response(body=playable.data, headers=headers)
    try:
        wanted = byte_range(request.http_range, size)
    except ValueError:
        wanted = None
    if wanted is None:
        refused = error_response(InvalidPayload("the range is not satisfiable"))
        refused.set_status(416)
        refused.headers["Content-Range"] = f"bytes */{size}"
        return refused
    first, last = wanted
    headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    return web.Response(body=playable.data[first:last + 1], status=206, headers=headers)
