"""Profile photos: an upload is checked by its content (Pillow must decode it as a JPEG,
PNG, WebP or GIF, whatever its name says), cropped to a centred square and resized to
`SIDE` pixels, and stored as one small JPEG per user (`profile_photos`).

`normalize_photo` is CPU work without I/O (run in a thread by the store); the store is the
narrow edge to MongoDB.
"""

import asyncio
import io
import warnings
from datetime import UTC, datetime
from typing import Any

from bson import Binary
from PIL import Image, UnidentifiedImageError
from pymongo.asynchronous.database import AsyncDatabase

from mockmate.errors import InvalidPayload, MockMateError, NotFound, UnsupportedDocument
from mockmate.storage.database import Document, as_datetime

SIDE = 256
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# A photo never needs more pixels than this; more is a decompression bomb or a mistake.
MAX_PIXELS = 40_000_000


def _unsupported(message: str) -> MockMateError:
    return UnsupportedDocument(message)


def normalize_photo(data: bytes) -> bytes:
    """The photo as a SIDE x SIDE JPEG, or `unsupported_document`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                width, height = probe.size
                if kind not in FORMATS:
                    raise _unsupported("a photo must be a JPEG, PNG, WebP or GIF image")
                if width * height > MAX_PIXELS:
                    raise _unsupported(f"the image has more than {MAX_PIXELS} pixels")
                probe.verify()  # a truncated or corrupt file fails here
            with Image.open(io.BytesIO(data)) as image:
                image.seek(0)  # an animated GIF: its first frame
                square = min(image.size)
                left, top = (image.width - square) // 2, (image.height - square) // 2
                face = image.convert("RGB").crop((left, top, left + square, top + square))
                face = face.resize((SIDE, SIDE), Image.Resampling.LANCZOS)
    except (UnidentifiedImageError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, OSError, SyntaxError, ValueError):
        raise _unsupported("the file is not an image we can read") from None
    out = io.BytesIO()
    face.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


class ProfilePhotos:
    def __init__(self, db: AsyncDatabase[Document], *, max_bytes: int) -> None:
        self._photos = db.profile_photos
        self.max_bytes = max_bytes

    async def put(self, user_id: str, data: bytes) -> dict[str, Any]:
        if not data:
            raise InvalidPayload("the file is empty")
        jpeg = await asyncio.to_thread(normalize_photo, data)
        now = datetime.now(UTC)
        await self._photos.replace_one(
            {"_id": user_id},
            {"_id": user_id, "data": Binary(jpeg), "content_type": "image/jpeg",
             "width": SIDE, "height": SIDE, "bytes": len(jpeg), "updated_at": now},
            upsert=True)
        return _meta({"width": SIDE, "height": SIDE, "bytes": len(jpeg), "updated_at": now})

    async def get(self, user_id: str) -> tuple[bytes, str]:
        doc = await self._photos.find_one({"_id": user_id})
        if doc is None:
            raise NotFound("no profile photo")
        return bytes(doc["data"]), str(doc["content_type"])

    async def delete(self, user_id: str) -> None:
        if (await self._photos.delete_one({"_id": user_id})).deleted_count == 0:
            raise NotFound("no profile photo")

    async def export_user(self, user_id: str) -> dict[str, Any]:
        doc = await self._photos.find_one({"_id": user_id}, {"data": 0})
        return {"photo": _meta(doc) if doc else None}

    async def erase_user(self, user_id: str) -> None:
        await self._photos.delete_one({"_id": user_id})


def _meta(doc: Document) -> dict[str, Any]:
    updated = as_datetime(doc.get("updated_at"))
    return {"url": "/api/me/photo", "content_type": "image/jpeg", "width": doc["width"],
            "height": doc["height"], "bytes": doc["bytes"],
            "updated_at": updated.isoformat() if updated else None}
