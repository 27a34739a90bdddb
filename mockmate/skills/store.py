"""Where each user's skill record lives: one document per user (`skill_records`), written
with a version check.

nx-27017 has no multi-document transactions, and its array filters on sub-documents are
unreliable, so the record is a single document: a change reads it, computes the next value
purely (`rules.record`) and writes it only if nobody wrote in between; otherwise it computes
again from the newer one. Two evaluations of one user's answers at once both land.
"""

import asyncio
import random
from collections.abc import Callable, Sequence

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from mockmate.errors import Unavailable
from mockmate.skills.rules import SkillEvent
from mockmate.storage.database import Document

Change = Callable[[list[SkillEvent]], list[SkillEvent] | None]


class SkillRecords:
    def __init__(self, db: AsyncDatabase[Document], *, attempts: int = 40):
        self._records = db.skill_records
        self._attempts = attempts

    async def events(self, user_id: str) -> list[SkillEvent]:
        doc = await self._records.find_one({"_id": user_id})
        return _events(doc)

    async def change(self, user_id: str, step: Change) -> bool:
        """Apply `step` (pure; None means no change) atomically; whether it changed anything."""
        for attempt in range(self._attempts):
            doc = await self._records.find_one({"_id": user_id})
            after = step(_events(doc))
            if after is None:
                return False
            body = {"events": [e.model_dump(mode="json") for e in after]}
            if doc is None:
                try:
                    await self._records.insert_one({"_id": user_id, "version": 1, **body})
                    return True
                except DuplicateKeyError:
                    continue
            version = int(doc.get("version", 0))
            written = await self._records.update_one(
                {"_id": user_id, "version": version},
                {"$set": {**body, "version": version + 1}},
            )
            if written.modified_count == 1:
                return True
            await asyncio.sleep(random.uniform(0, 0.005 * (attempt + 1)))
        raise Unavailable("skills are busy; try again")

    async def delete(self, user_id: str) -> None:
        await self._records.delete_one({"_id": user_id})


def _events(doc: Document | None) -> list[SkillEvent]:
    raw: Sequence[Document] = (doc or {}).get("events", [])
    return [SkillEvent.model_validate(e) for e in raw]
