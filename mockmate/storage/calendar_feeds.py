"""Private calendar feed tokens (`calendar_feeds`): one unguessable token per user.

Why a token and not the user's JWT: calendar apps fetch a feed URL on their own schedule and
cannot send headers, so the URL itself is the credential. It reveals only the user's session
times, can be rotated (the old URL stops working at once), and goes with the account.
"""

import secrets

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from mockmate.storage.database import Document

FEEDS = "calendar_feeds"


class CalendarFeeds:
    def __init__(self, db: AsyncDatabase[Document]):
        self._feeds = db[FEEDS]

    async def ensure_indexes(self) -> None:
        await self._feeds.create_index([("user_id", ASCENDING)], unique=True)

    async def token_for(self, user_id: str) -> str:
        """The user's feed token, made on first use (two racing requests get the same one)."""
        found = await self._feeds.find_one({"user_id": user_id})
        if found is not None:
            return str(found["_id"])
        token = secrets.token_urlsafe(24)
        try:
            await self._feeds.insert_one({"_id": token, "user_id": user_id})
        except DuplicateKeyError:
            found = await self._feeds.find_one({"user_id": user_id})
            if found is None:  # deleted between the two calls: make it again
                return await self.token_for(user_id)
            return str(found["_id"])
        return token

    async def rotate(self, user_id: str) -> str:
        """A new token for the user; the old one stops working."""
        await self.delete_for(user_id)
        return await self.token_for(user_id)

    async def user_of(self, token: str) -> str | None:
        found = await self._feeds.find_one({"_id": token})
        return None if found is None else str(found["user_id"])

    async def delete_for(self, user_id: str) -> None:
        await self._feeds.delete_many({"user_id": user_id})
