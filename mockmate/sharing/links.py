"""Share links: an unguessable token (32 random bytes; only its hash is stored), an expiry,
revocable by the owner at any time. Resolving a link that is unknown, revoked or expired is
`not_found`, so a link reveals nothing once it stops working.
"""

import hashlib
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from mockmate.errors import MockMateError, NotFound
from mockmate.storage.database import Document


class ShareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expires_in_hours: float = Field(168, gt=0, le=24 * 90)
    include_audio: bool = False


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _gone() -> MockMateError:
    return NotFound("this share link does not exist or has expired")


class ShareLinks:
    def __init__(self, db: AsyncDatabase[Document], *, public_url: str,
                 clock: Callable[[], float] = time.time):
        self._shares = db.shares
        self._public_url = public_url.rstrip("/")
        self._clock = clock

    async def ensure_indexes(self) -> None:
        await self._shares.create_index([("user_id", ASCENDING)])
        await self._shares.create_index([("interview_id", ASCENDING)])

    async def create(self, user_id: str, interview_id: str, request: ShareRequest
                     ) -> dict[str, Any]:
        token = secrets.token_urlsafe(32)
        now = self._clock()
        expires_at = now + request.expires_in_hours * 3600
        await self._shares.insert_one({
            "_id": _hash(token), "user_id": user_id, "interview_id": interview_id,
            "include_audio": request.include_audio, "created_at": now,
            "expires_at": expires_at,
        })
        return {"token": token, "url": f"{self._public_url}/share/{token}",
                "expires_at": datetime.fromtimestamp(expires_at, UTC).isoformat(),
                "include_audio": request.include_audio}

    async def revoke(self, user_id: str, interview_id: str, token: str) -> None:
        result = await self._shares.delete_one(
            {"_id": _hash(token), "user_id": user_id, "interview_id": interview_id}
        )
        if result.deleted_count == 0:
            raise _gone()

    async def resolve(self, token: str) -> Document:
        """The live share behind `token`: `interview_id`, `include_audio`."""
        if not token or len(token) > 100:
            raise _gone()
        doc = await self._shares.find_one({"_id": _hash(token)})
        if doc is None or self._clock() >= float(doc["expires_at"]):
            raise _gone()
        return doc

    async def export_user(self, user_id: str) -> dict[str, Any]:
        docs = [d async for d in self._shares.find({"user_id": user_id}, {"_id": 0})]
        return {"share_links": docs}

    async def erase_user(self, user_id: str) -> None:
        await self._shares.delete_many({"user_id": user_id})
