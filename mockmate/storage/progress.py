"""Where a candidate's progress lives: one document per user, replaced with a version check,
plus an append-only ledger of every XP award and badge.

The document is the truth (`gamification.progress` explains why it is one value); a change
reads it, computes the next value purely and writes it back only if nobody wrote in between,
else computes again from the newer one. The ledger is the history users can export: each
award is keyed by (user, cause) and each badge by (user, slug) under unique indexes, so
writing it again after a retry adds nothing.
"""

from collections.abc import Callable
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from mockmate.gamification.progress import Progress, Step, badge_of, new_progress, recorded
from mockmate.storage.database import Document
from mockmate.storage.versioned import change_versioned

DUPLICATE_KEY = 11000


class ProgressRepository:
    def __init__(self, db: AsyncDatabase[Document], *, attempts: int = 40):
        self._progress = db.progress
        self._awards = db.xp_awards
        self._badges = db.badges
        self._attempts = attempts

    async def get(self, user_id: str) -> Progress:
        doc = await self._progress.find_one({"_id": user_id})
        return _progress(doc) if doc else new_progress(user_id)

    async def change(
        self, user_id: str, step: Callable[[Progress], Step], *, known: Progress | None = None
    ) -> Step:
        """Apply `step` atomically; it may run several times (it must be pure). `known`: the
        progress as last written by this caller (its `version` included), to start from
        without reading it again."""

        def write(doc: Document | None) -> tuple[Document | None, Step]:
            current = _progress(doc) if doc else new_progress(user_id)
            result = step(current)
            if result.progress == current:
                return None, result
            after = result.progress.model_copy(update={"version": current.version + 1})
            return ({"progress": after.model_dump(mode="json")},
                    result.model_copy(update={"progress": after}))

        return await change_versioned(
            self._progress, user_id, write, attempts=self._attempts,
            busy="progress is busy; try again", known=None if known is None else _document(known),
        )

    async def record(self, progress: Progress) -> None:
        """Copy the outbox's awards (and the badges they pay for) to the ledger, then empty
        it. Idempotent: the ledger's keys are unique, so a repeat after a crash adds nothing."""
        if not progress.outbox:
            return
        user_id = progress.user_id
        awards = [
            {"_id": f"{user_id}:{i.award.cause_key}", "user_id": user_id,
             "cause_key": i.award.cause_key, "source": i.award.source, "xp": i.award.xp,
             "at": i.at}
            for i in progress.outbox
        ]
        badges = []
        for item in progress.outbox:
            badge = badge_of(item.award.cause_key.removeprefix("badge:"))
            if item.award.source == "badge" and badge is not None:
                badges.append({
                    "_id": f"{user_id}:{badge.slug}", "user_id": user_id, "slug": badge.slug,
                    "title": badge.title, "rarity": badge.rarity, "xp": badge.xp,
                    "at": item.at,
                })
        for collection, docs in ((self._awards, awards), (self._badges, badges)):
            if docs:
                await _insert_new(collection, docs)
        keys = {i.award.cause_key for i in progress.outbox}
        # Usually `progress` is still the stored value: one conditional write, no read.
        known = progress if progress.version > 0 else None
        await self.change(user_id, lambda p: recorded(p, keys), known=known)

    async def ledger(self, user_id: str) -> dict[str, list[Document]]:
        return {
            "xp_awards": [d async for d in self._awards.find({"user_id": user_id})],
            "badges": [d async for d in self._badges.find({"user_id": user_id})],
        }

    async def delete_for_user(self, user_id: str) -> None:
        await self._progress.delete_one({"_id": user_id})
        await self._awards.delete_many({"user_id": user_id})
        await self._badges.delete_many({"user_id": user_id})


async def _insert_new(collection: Any, docs: list[Document]) -> None:
    try:
        await collection.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(e.get("code") != DUPLICATE_KEY for e in errors):
            raise


def _progress(doc: Document) -> Progress:
    return Progress.model_validate({**doc["progress"], "version": doc["version"]})


def _document(progress: Progress) -> Document:
    """The stored document `progress` was read from (or written as): `_progress`'s inverse."""
    return {"_id": progress.user_id, "progress": progress.model_dump(mode="json"),
            "version": progress.version}
