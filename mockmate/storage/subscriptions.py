"""A user's premium subscription: one document per user (`_id` = user id) holding the
subscription's state, replaced with a version check so that webhook events handled at once
in several processes each apply once."""

import asyncio
import random
from collections.abc import Callable

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from mockmate.errors import Unavailable
from mockmate.storage.database import Document


class SubscriptionStore:
    def __init__(self, db: AsyncDatabase[Document], *, attempts: int = 40):
        self._subscriptions = db.subscriptions
        self._attempts = attempts

    async def get(self, user_id: str) -> Document:
        doc = await self._subscriptions.find_one({"_id": user_id})
        return dict(doc["state"]) if doc else {}

    async def change(self, user_id: str, step: Callable[[Document], Document]) -> Document:
        """Apply `step` (pure) to the stored state atomically; the state after it."""
        for attempt in range(self._attempts):
            doc = await self._subscriptions.find_one({"_id": user_id})
            before = dict(doc["state"]) if doc else {}
            after = step(before)
            if after == before:
                return after
            if doc is None:
                try:
                    await self._subscriptions.insert_one(
                        {"_id": user_id, "version": 1, "state": after})
                    return after
                except DuplicateKeyError:
                    continue
            written = await self._subscriptions.update_one(
                {"_id": user_id, "version": doc["version"]},
                {"$set": {"version": doc["version"] + 1, "state": after}})
            if written.modified_count == 1:
                return after
            await asyncio.sleep(random.uniform(0, 0.005 * (attempt + 1)))
        raise Unavailable("the subscription is busy; try again")

    async def delete_for_user(self, user_id: str) -> None:
        await self._subscriptions.delete_one({"_id": user_id})
