"""Expert profiles (`experts`) and their verification documents (GridFS `expert_documents`).

Why a repository: every change to an expert is a single-document conditional update, so two
admins deciding at once, or an upload racing a decision, never leave a document half-changed;
and one expert per user is a unique index on `user_id`, not a read-then-write check.
Performance counters live under `stats` and only ever move by `$inc`/`$max`, so concurrent
processes settling bookings for the same expert never lose an update. Instants are stored as
ISO strings (for people) and epoch seconds `*_ts` (for queries): nx-27017 turns datetimes
written by `$set` into naive strings, and booleans written by `$set` into 1/0.
"""

import contextlib
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from mockmate.errors import Conflict
from mockmate.storage.database import Document

EXPERTS = "experts"
DOCUMENT_BUCKET = "expert_documents"
STAT_FIELDS = (
    "rating_sum", "rating_count", "would_recommend", "sessions_booked", "completed_sessions",
    "expert_cancellations", "candidate_cancellations", "expert_no_shows", "candidate_no_shows",
    "earnings_cents",
)


def empty_stats() -> dict[str, Any]:
    stats: dict[str, Any] = dict.fromkeys(STAT_FIELDS, 0)
    stats["last_session_ts"] = 0.0
    return stats


SEARCH_PROJECTION = {"documents": 0, "rated_bookings": 0}


class ExpertRepository:
    def __init__(self, db: AsyncDatabase[Document]):
        self._experts = db[EXPERTS]

    async def ensure_indexes(self) -> None:
        await self._experts.create_index([("user_id", ASCENDING)], unique=True)
        await self._experts.create_index([("status", ASCENDING)])

    async def create(self, doc: Document) -> None:
        try:
            await self._experts.insert_one(doc)
        except DuplicateKeyError:
            raise Conflict(
                "you have already applied as an expert"
            ) from None

    async def get(self, expert_id: str) -> Document | None:
        return await self._experts.find_one({"_id": expert_id})

    async def by_user(self, user_id: str) -> Document | None:
        return await self._experts.find_one({"user_id": user_id})

    async def searchable(self, query: Document) -> list[Document]:
        """Active experts matching `query` who are taking bookings (not paused), without
        what search never shows (the documents, and the ids of every rated booking, which
        grow with the expert's career)."""
        cursor = self._experts.find(
            {**query, "status": "active", "availability.paused": {"$in": [False, None]}},
            SEARCH_PROJECTION,
        )
        return [doc async for doc in cursor]

    async def page_with_status(
        self, status: str, *, page: int, per_page: int
    ) -> tuple[list[Document], int]:
        query = {"status": status}
        total = await self._experts.count_documents(query)
        cursor = self._experts.find(query).sort("created_ts", ASCENDING)
        docs = [d async for d in cursor.skip((page - 1) * per_page).limit(per_page)]
        return docs, total

    async def update_profile(
        self, expert_id: str, version: int | None, changes: Document
    ) -> Document | None:
        """Set `changes` if the profile is still at `version` (None: never edited), moving
        the version on; the new document, or None when another edit came first."""
        when: Document = {"profile_version": version} if version is not None \
            else {"profile_version": {"$exists": False}}
        return await self._experts.find_one_and_update(
            {"_id": expert_id, **when},
            {"$set": {**changes, "profile_version": (version or 0) + 1}},
            return_document=ReturnDocument.AFTER,
        )

    async def put_document(
        self, expert_id: str, doc_type: str, meta: Document, previous_id: str | None
    ) -> bool:
        """Store `meta` as the expert's `doc_type` document if it is still `previous_id` (None:
        none yet) and not approved; False when something changed it meanwhile."""
        field = f"documents.{doc_type}"
        query: Document = {"_id": expert_id}
        if previous_id is None:
            query[field] = {"$exists": False}
        else:
            query[f"{field}.id"] = previous_id
            query[f"{field}.status"] = {"$in": ["pending", "rejected"]}
        result = await self._experts.update_one(query, {"$set": {field: meta}})
        return result.modified_count == 1

    async def decide_document(
        self, expert_id: str, doc_type: str, file_id: str, decision: Document
    ) -> Document | None:
        """Record an admin's decision on the document still stored as `file_id`."""
        field = f"documents.{doc_type}"
        return await self._experts.find_one_and_update(
            {"_id": expert_id, f"{field}.id": file_id},
            {"$set": {f"{field}.{k}": v for k, v in decision.items()}},
            return_document=ReturnDocument.AFTER,
        )

    async def set_status(
        self, expert_id: str, *, when: Document, status: str, extra: Document | None = None
    ) -> Document | None:
        """Move the expert to `status` if the document matches `when`; the new document."""
        return await self._experts.find_one_and_update(
            {"_id": expert_id, **when},
            {"$set": {"status": status, **(extra or {})}},
            return_document=ReturnDocument.AFTER,
        )

    async def bump(
        self, expert_id: str, deltas: dict[str, int], last_session_ts: float | None = None
    ) -> None:
        """Add `deltas` to the expert's performance counters (and move the last session on)."""
        update: Document = {}
        if deltas:
            update["$inc"] = {f"stats.{k}": v for k, v in deltas.items() if v}
        if last_session_ts is not None:
            update["$max"] = {"stats.last_session_ts": last_session_ts}
        if update.get("$inc") or "$max" in update:
            await self._experts.update_one({"_id": expert_id}, update)

    async def add_rating(
        self, expert_id: str, booking_id: str, rating: int, would_recommend: bool
    ) -> bool:
        """Count one booking's rating once: the expert remembers the bookings it counted, so
        applying it again (after a crash between storing the feedback and counting it)
        changes nothing. False when it was already counted."""
        result = await self._experts.update_one(
            {"_id": expert_id, "rated_bookings": {"$nin": [booking_id]}},
            {
                "$inc": {"stats.rating_sum": rating, "stats.rating_count": 1,
                         "stats.would_recommend": int(would_recommend)},
                "$push": {"rated_bookings": booking_id},
            },
        )
        return result.modified_count == 1

    async def delete(self, expert_id: str) -> None:
        await self._experts.delete_one({"_id": expert_id})


class ExpertDocumentStore:
    """Verification files, in their own GridFS bucket (apart from answer audio)."""

    def __init__(self, db: AsyncDatabase[Document]):
        self._bucket = AsyncGridFSBucket(db, bucket_name=DOCUMENT_BUCKET)
        self._files = db[f"{DOCUMENT_BUCKET}.files"]

    async def save(
        self, data: bytes, *, expert_id: str, doc_type: str, filename: str, content_type: str
    ) -> str:
        file_id = await self._bucket.upload_from_stream(
            filename, data,
            metadata={"expert_id": expert_id, "type": doc_type, "content_type": content_type},
        )
        return str(file_id)

    async def load(self, file_id: str) -> bytes | None:
        try:
            stream = await self._bucket.open_download_stream(ObjectId(file_id))
            return bytes(await stream.read())
        except (NoFile, InvalidId):
            return None

    async def delete(self, file_id: str) -> None:
        with contextlib.suppress(NoFile, InvalidId):
            await self._bucket.delete(ObjectId(file_id))

    async def delete_for_expert(self, expert_id: str) -> int:
        # find on `.files` works on the stand-in; count/aggregate on GridFS tables does not.
        ids = [d["_id"] async for d in self._files.find({"metadata.expert_id": expert_id})]
        for file_id in ids:
            with contextlib.suppress(NoFile):
                await self._bucket.delete(file_id)
        return len(ids)
