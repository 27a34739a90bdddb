"""A user's premium subscription: one document per user (`_id` = user id) holding the
subscription's state, replaced with a version check so that webhook events handled at once
in several processes each apply once."""

from collections.abc import Callable

from pymongo.asynchronous.database import AsyncDatabase

from mockmate.storage.database import Document
from mockmate.storage.versioned import change_versioned


class SubscriptionStore:
    def __init__(self, db: AsyncDatabase[Document], *, attempts: int = 40):
        self._subscriptions = db.subscriptions
        self._attempts = attempts

    async def get(self, user_id: str) -> Document:
        doc = await self._subscriptions.find_one({"_id": user_id})
        return dict(doc["state"]) if doc else {}

    async def change(self, user_id: str, step: Callable[[Document], Document]) -> Document:
        """Apply `step` (pure) to the stored state atomically; the state after it."""

        def write(doc: Document | None) -> tuple[Document | None, Document]:
            before = dict(doc["state"]) if doc else {}
            after = step(before)
            return (None if after == before else {"state": after}), after

        return await change_versioned(self._subscriptions, user_id, write,
                                      attempts=self._attempts,
                                      busy="the subscription is busy; try again")

    async def delete_for_user(self, user_id: str) -> None:
        await self._subscriptions.delete_one({"_id": user_id})
