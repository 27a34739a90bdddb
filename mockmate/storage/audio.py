"""Original answer recordings in GridFS: stored before the answer is acknowledged, deleted
with their interview, and expired after the retention period."""

import contextlib
from datetime import UTC, datetime, timedelta

from bson import ObjectId
from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo.asynchronous.database import AsyncDatabase

from mockmate.storage.database import Document

BUCKET = "answer_audio"


class AudioStore:
    def __init__(self, db: AsyncDatabase[Document]):
        self._bucket = AsyncGridFSBucket(db, bucket_name=BUCKET)
        self._files = db[f"{BUCKET}.files"]

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
        with contextlib.suppress(NoFile):
            await self._bucket.delete(ObjectId(file_id))

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
            with contextlib.suppress(NoFile):
                await self._bucket.delete(file_id)
        return len(ids)
