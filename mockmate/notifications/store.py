"""MongoDB edge of notifications: the inbox (`notifications`) and each user's settings
(`notification_settings`).

Why deterministic ids: a notification is created by a job that may run twice (a worker that
died is replaced), so its `_id` is derived from its cause and recipient and the second
insert is a duplicate key, never a second inbox entry. Its e-mail moves through
`email_state` with conditional updates: `pending`/`deferred` -> `sending` (claimed by
one worker, before the SMTP call) -> `sent`; a worker that finds `sending` left behind by a
dead one marks it `uncertain` and does not send again: at most one e-mail per notification.
"""

from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from mockmate.notifications.rules import NotificationSettings
from mockmate.storage.database import Document

NOTIFICATIONS = "notifications"
SETTINGS = "notification_settings"


class NotificationStore:
    def __init__(self, db: AsyncDatabase[Document]):
        self._inbox = db[NOTIFICATIONS]
        self._settings = db[SETTINGS]

    async def ensure_indexes(self) -> None:
        await self._inbox.create_index([("user_id", ASCENDING), ("created_ts", DESCENDING)])
        await self._inbox.create_index([("user_id", ASCENDING), ("read", ASCENDING)])

    async def create(self, doc: Document) -> tuple[Document, bool]:
        """The stored notification with `doc`'s id, and whether this call created it."""
        try:
            await self._inbox.insert_one(doc)
        except DuplicateKeyError:
            stored = await self._inbox.find_one({"_id": doc["_id"]})
            if stored is not None:
                return stored, False
            raise
        return doc, True

    async def get(self, notification_id: str) -> Document | None:
        return await self._inbox.find_one({"_id": notification_id})

    async def set_fields(self, notification_id: str, fields: Document) -> None:
        await self._inbox.update_one({"_id": notification_id}, {"$set": fields})

    async def move_email(self, notification_id: str, from_states: list[str],
                         changes: Document) -> Document | None:
        """Set `changes` if the e-mail is in one of `from_states`; the updated doc or None."""
        return await self._inbox.find_one_and_update(
            {"_id": notification_id, "email_state": {"$in": from_states}}, {"$set": changes},
            return_document=ReturnDocument.AFTER,
        )

    async def page(self, user_id: str, *, unread: bool | None, limit: int,
                   before_ts: float | None) -> list[Document]:
        query: dict[str, Any] = {"user_id": user_id, "in_app": True}
        if unread is not None:
            query["read"] = not unread
        if before_ts is not None:
            query["created_ts"] = {"$lt": before_ts}
        cursor = self._inbox.find(query).sort("created_ts", DESCENDING).limit(limit)
        return [d async for d in cursor]

    async def unread_count(self, user_id: str) -> int:
        return await self._inbox.count_documents(
            {"user_id": user_id, "in_app": True, "read": False}
        )

    async def mark_read(self, user_id: str, notification_id: str, now: float) -> Document | None:
        doc = await self._inbox.find_one_and_update(
            {"_id": notification_id, "user_id": user_id, "in_app": True, "read": False},
            {"$set": {"read": True, "read_ts": now}}, return_document=ReturnDocument.AFTER,
        )
        if doc is None:  # already read, or not theirs
            doc = await self._inbox.find_one(
                {"_id": notification_id, "user_id": user_id, "in_app": True}
            )
        return doc

    async def mark_all_read(self, user_id: str, now: float) -> int:
        result = await self._inbox.update_many(
            {"user_id": user_id, "in_app": True, "read": False},
            {"$set": {"read": True, "read_ts": now}},
        )
        return int(result.modified_count)

    async def settings(self, user_id: str) -> NotificationSettings:
        doc = await self._settings.find_one({"_id": user_id})
        if doc is None:
            return NotificationSettings()
        return NotificationSettings.model_validate(doc["settings"])

    async def save_settings(self, user_id: str, settings: NotificationSettings) -> None:
        await self._settings.replace_one(
            {"_id": user_id}, {"_id": user_id, "settings": settings.model_dump(mode="json")},
            upsert=True,
        )

    async def for_user(self, user_id: str) -> list[Document]:
        cursor = self._inbox.find({"user_id": user_id}).sort("created_ts", ASCENDING)
        return [d async for d in cursor]

    async def delete_for_user(self, user_id: str) -> None:
        await self._inbox.delete_many({"user_id": user_id})
        await self._settings.delete_one({"_id": user_id})
