"""Claims and markers for post-answer hooks, so that each hook runs once per cause.

A run first claims `(cause, hook)` by inserting its document (a unique `_id`), with a lease.
Another worker that finds the claim skips a finished hook, waits for a live one, and takes
over a claim whose lease ran out (its worker died). A running hook renews its lease, so the
lease can be short and a dead worker's claim is taken over in seconds. Leases are
epoch seconds, not dates: the MongoDB stand-in stores dates written by `$set` as strings.
"""

import time

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from mockmate.storage.database import Document

CLAIMED = "claimed"
DONE = "done"
BUSY = "busy"


class HookRunRepository:
    def __init__(self, db: AsyncDatabase[Document], lease_s: float = 10.0):
        self._runs = db.hook_runs
        self.lease_s = lease_s

    async def claim(self, cause_id: str, hook: str) -> str:
        """CLAIMED: run the hook now; DONE: it already ran; BUSY: another worker runs it."""
        key = f"{cause_id}:{hook}"
        now = time.time()
        try:
            await self._runs.insert_one({
                "_id": key, "cause_id": cause_id, "hook": hook, "done": False,
                "lease_until": now + self.lease_s,
            })
            return CLAIMED
        except DuplicateKeyError:
            pass
        taken_over = await self._runs.update_one(
            {"_id": key, "done": False, "lease_until": {"$lt": now}},
            {"$set": {"lease_until": now + self.lease_s}},
        )
        if taken_over.modified_count == 1:
            return CLAIMED
        existing = await self._runs.find_one({"_id": key})
        return DONE if existing and existing.get("done") else BUSY

    async def renew(self, cause_id: str, hook: str) -> None:
        """Extend a running claim's lease (its worker is alive)."""
        await self._runs.update_one(
            {"_id": f"{cause_id}:{hook}", "done": False},
            {"$set": {"lease_until": time.time() + self.lease_s}},
        )

    async def mark_done(self, cause_id: str, hook: str) -> None:
        await self._runs.update_one(
            {"_id": f"{cause_id}:{hook}"}, {"$set": {"done": True, "finished_at": time.time()}}
        )

    async def all_done(self, cause_ids: list[str], hooks: list[str]) -> bool:
        """Whether every hook has finished for every cause."""
        if not cause_ids or not hooks:
            return True
        cursor = self._runs.find({"cause_id": {"$in": cause_ids}}, {"_id": 1, "done": 1})
        done = {doc["_id"] async for doc in cursor if doc.get("done")}
        return all(f"{cause}:{hook}" in done for cause in cause_ids for hook in hooks)

    async def delete_for_causes(self, cause_ids: list[str]) -> None:
        if cause_ids:
            await self._runs.delete_many({"cause_id": {"$in": cause_ids}})

    async def release(self, cause_id: str, hook: str) -> None:
        """Give up a claim after a failure, so that a retry need not wait for the lease."""
        await self._runs.delete_one({"_id": f"{cause_id}:{hook}", "done": False})
