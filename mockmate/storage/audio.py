"""Original answer recordings in GridFS: stored before the answer is acknowledged, deleted
with their interview, and expired after the retention period."""

from datetime import UTC, datetime, timedelta

from bson import ObjectId
from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from mockmate.storage.database import Document

BUCKET = "answer_audio"


class AudioStore:
    def __init__(self, db: AsyncDatabase[Document]):
        self._bucket = AsyncGridFSBucket(db, bucket_name=BUCKET)
        self._files = db[f"{BUCKET}.files"]
        self._chunks = db[f"{BUCKET}.chunks"]

    async def save(
        self, data: bytes, *, interview_id: str, user_id: str, answer_id: str, fmt: str
    ) -> str:
        file_id = await self._bucket.upload_from_stream(
            f"{answer_id}.{fmt}", data,
            metadata={"interview_id": interview_id, "user_id": user_id,
                      "answer_id": answer_id, "format": fmt},
        )
        return str(file_id)

    async def load(self, file_id: str) -> bytes | None:
        try:
            stream = await self._bucket.open_download_stream(ObjectId(file_id))
            return bytes(await stream.read())
        except NoFile:
            return None

    async def delete(self, file_id: str) -> None:
        """Idempotent: a recording already deleted (a retried job settling again) is not an
        error."""
        await self._delete(ObjectId(file_id))

    async def delete_for_interview(self, interview_id: str) -> int:
        return await self._delete_where({"metadata.interview_id": interview_id})

    async def delete_for_user(self, user_id: str) -> int:
        return await self._delete_where({"metadata.user_id": user_id})

    async def expire(self, retention_days: float) -> int:
        """Delete recordings older than the retention period; returns how many."""
        cutoff = datetime.now(UTC) - timedelta(days=retention_days)
        return await self._delete_where({"uploadDate": {"$lt": cutoff}})

    async def _delete_where(self, query: Document) -> int:
        ids = [doc["_id"] async for doc in self._files.find(query, {"_id": 1})]
        for file_id in ids:
            await self._delete(file_id)
        return len(ids)

    async def _delete(self, file_id: ObjectId) -> None:
        try:
            await self._bucket.delete(file_id)
        except NoFile:
            pass
        except OperationFailure as exc:
            # nx-27017 answers a `delete_one` on a GridFS `.files` collection that matches
            # nothing with an error instead of `n: 0` (MongoDB's answer, which GridFS turns
            # into `NoFile`). The file is gone either way; its chunks may not be.
            if "not found" not in str((exc.details or {}).get("errmsg", "")):
                raise
            await self._chunks.delete_many({"files_id": file_id})
