"""Reading a multipart upload (one file, a few short text fields) without ever buffering
more than the limits: the app's 1 MB JSON body limit does not apply to it."""

from aiohttp import BodyPartReader, web

from mockmate.errors import InvalidPayload, TooLarge

CHUNK_BYTES = 64 * 1024
MULTIPART_OVERHEAD = 64 * 1024  # part headers and text fields around the file
MAX_FIELD_BYTES = 1000


async def read_part(part: BodyPartReader, limit: int, what: str) -> bytes:
    """The part's bytes, refusing as soon as they pass `limit`."""
    data = bytearray()
    while chunk := await part.read_chunk(CHUNK_BYTES):
        data += chunk
        if len(data) > limit:
            raise TooLarge(f"{what} is larger than {limit} bytes",
                                max_bytes=limit)
    return bytes(data)


async def read_upload(
    request: web.Request, *, limit: int, fields: tuple[str, ...] = (),
    field_bytes: int = MAX_FIELD_BYTES, hint: str = "send multipart/form-data with a `file` field",
) -> tuple[bytes, str, dict[str, str]]:
    """(the `file` part's bytes, its file name, the named text fields that were sent); `hint`
    is the error for a body that is not multipart."""
    if request.content_type != "multipart/form-data":
        raise InvalidPayload(hint)
    if request.content_length is not None and request.content_length > limit + MULTIPART_OVERHEAD:
        raise TooLarge(f"the file is larger than {limit} bytes",
                            max_bytes=limit)
    data: bytes | None = None
    filename = ""
    values: dict[str, str] = {}
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                raise InvalidPayload("nested multipart is not accepted")
            if part.name == "file":
                filename = (part.filename or "")[:200]
                data = await read_part(part, limit, "the file")
            elif part.name in fields:
                raw = await read_part(part, field_bytes, f"the `{part.name}` field")
                values[part.name] = raw.decode("utf-8", errors="replace").strip()
            else:
                await part.release()
    except ValueError as exc:
        raise InvalidPayload(f"malformed multipart body: {exc}") from None
    if data is None:
        raise InvalidPayload("the `file` field is required")
    return data, filename, values
