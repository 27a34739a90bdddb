"""Where each user's skill record lives: one document per user (`skill_records`), written
with a version check.

nx-27017 has no multi-document transactions, and its array filters on sub-documents are
unreliable, so the record is a single document: a change reads it, computes the next value
purely (`rules.record`) and writes it only if nobody wrote in between; otherwise it computes
again from the newer one. Two evaluations of one user's answers at once both land.
"""

from collections.abc import Callable, Sequence

from pymongo.asynchronous.database import AsyncDatabase

from mockmate.skills.rules import SkillEvent
from mockmate.storage.database import Document
from mockmate.storage.versioned import change_versioned

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

        def write(doc: Document | None) -> tuple[Document | None, bool]:
            after = step(_events(doc))
            if after is None:
                return None, False
            return {"events": [e.model_dump(mode="json") for e in after]}, True

        return await change_versioned(self._records, user_id, write, attempts=self._attempts,
                                      busy="skills are busy; try again")

    async def delete(self, user_id: str) -> None:
        await self._records.delete_one({"_id": user_id})


def _events(doc: Document | None) -> list[SkillEvent]:
    raw: Sequence[Document] = (doc or {}).get("events", [])
    return [SkillEvent.model_validate(e) for e in raw]
