"""A candidate's resumes: the original file in GridFS, its text and the parsed resume in
MongoDB, owned by one user (anyone else gets `not_found`).

The file is stored before the resume is acknowledged; the parse (offline, or a better one
from an injected `ResumeParser` such as Gemini) happens on upload and the candidate may
correct it afterwards.
"""

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from mockmate.errors import LimitReached, MockMateError, NotFound, TooLarge
from mockmate.resumes.extract import MIME, DocumentType, extract_text, sniff
from mockmate.resumes.models import ParsedResume, ResumePatch
from mockmate.resumes.parser import parse_resume
from mockmate.storage.database import Document

log = logging.getLogger(__name__)

BUCKET = "resume_files"
# A better parser (an LLM) given the text; None or an exception falls back to the offline one.
ResumeParser = Callable[[str], Awaitable[ParsedResume | None]]


def _not_found() -> MockMateError:
    return NotFound("no such resume")


def view(doc: Document, *, full: bool = True) -> dict[str, Any]:
    created = doc["created_at"]
    summary = {
        "id": doc["_id"], "title": doc["title"], "filename": doc["filename"],
        "content_type": MIME[doc["kind"]], "size": doc["size"],
        "created_at": datetime.fromtimestamp(created, UTC).isoformat(),
        "updated_at": datetime.fromtimestamp(doc["updated_at"], UTC).isoformat(),
        "parsed_by": doc.get("parsed_by", "offline"),
    }
    if not full:
        return {**summary, "name": doc["parsed"].get("name", "")}
    return {**summary, "parsed": doc["parsed"], "text": doc["text"],
            "download_url": f"/api/resumes/{doc['_id']}/file"}


class Resumes:
    def __init__(
        self, db: AsyncDatabase[Document], *, max_bytes: int, max_per_user: int,
        parser: ResumeParser | None = None, clock: Callable[[], float] = time.time,
    ):
        self._resumes = db.resumes
        self._bucket = AsyncGridFSBucket(db, bucket_name=BUCKET)
        self.max_bytes = max_bytes
        self._max_per_user = max_per_user
        self._parser = parser
        self._clock = clock

    async def ensure_indexes(self) -> None:
        await self._resumes.create_index([("user_id", ASCENDING), ("created_at", ASCENDING)])

    async def upload(self, user_id: str, data: bytes, filename: str, title: str) -> Document:
        if len(data) > self.max_bytes:
            raise TooLarge(f"the file is larger than "
                                f"{self.max_bytes} bytes", max_bytes=self.max_bytes)
        kind: DocumentType = sniff(data)
        text = await asyncio.to_thread(extract_text, data, kind)
        parsed, parsed_by = await self._parse(text)
        if await self._resumes.count_documents({"user_id": user_id}) >= self._max_per_user:
            raise LimitReached(f"at most {self._max_per_user} "
                                "resumes: delete one first", limit=self._max_per_user)
        resume_id = uuid.uuid4().hex
        file_id = await self._bucket.upload_from_stream(
            filename or f"resume.{kind}", data,
            metadata={"user_id": user_id, "resume_id": resume_id, "kind": kind},
        )
        now = self._clock()
        doc: Document = {
            "_id": resume_id, "user_id": user_id, "title": title or filename or "Resume",
            "filename": filename, "kind": kind, "size": len(data), "file_id": str(file_id),
            "text": text, "parsed": parsed.model_dump(), "parsed_by": parsed_by,
            "created_at": now, "updated_at": now,
        }
        try:
            await self._resumes.insert_one(doc)
        except Exception:
            with contextlib.suppress(Exception):
                await self._bucket.delete(file_id)
            raise
        return doc

    async def _parse(self, text: str) -> tuple[ParsedResume, str]:
        if self._parser is not None:
            try:
                better = await self._parser(text)
                if better is not None:
                    return better, "llm"
            except Exception:
                log.warning("the resume parser failed; using the offline parse", exc_info=True)
        return await asyncio.to_thread(parse_resume, text), "offline"

    async def all_of(self, user_id: str) -> list[Document]:
        cursor = self._resumes.find({"user_id": user_id}, {"text": 0}).sort("created_at", -1)
        return [doc async for doc in cursor]

    async def get(self, user_id: str, resume_id: str) -> Document:
        doc = await self._resumes.find_one({"_id": resume_id, "user_id": user_id})
        if doc is None:
            raise _not_found()
        return doc

    async def file(self, user_id: str, resume_id: str) -> tuple[bytes, str, str]:
        doc = await self.get(user_id, resume_id)
        try:
            stream = await self._bucket.open_download_stream(ObjectId(doc["file_id"]))
            data = bytes(await stream.read())
        except NoFile:
            raise _not_found() from None
        return data, MIME[doc["kind"]], doc["filename"] or f"resume.{doc['kind']}"

    async def patch(self, user_id: str, resume_id: str, patch: ResumePatch) -> Document:
        changes: Document = {"updated_at": self._clock()}
        if patch.title is not None:
            changes["title"] = patch.title
        if patch.parsed is not None:
            changes["parsed"] = patch.parsed.model_dump()
            changes["parsed_by"] = "candidate"
        result = await self._resumes.update_one(
            {"_id": resume_id, "user_id": user_id}, {"$set": changes}
        )
        if result.matched_count == 0:
            raise _not_found()
        return await self.get(user_id, resume_id)

    async def delete(self, user_id: str, resume_id: str) -> None:
        doc = await self.get(user_id, resume_id)
        with contextlib.suppress(NoFile):
            await self._bucket.delete(ObjectId(doc["file_id"]))
        await self._resumes.delete_one({"_id": resume_id, "user_id": user_id})

    async def parsed(self, user_id: str, resume_id: str) -> tuple[ParsedResume, str]:
        """The resume an interview uses: its (corrected) parse and its text."""
        doc = await self.get(user_id, resume_id)
        return ParsedResume.model_validate(doc["parsed"]), doc["text"]

    async def export_user(self, user_id: str) -> dict[str, Any]:
        return {"resumes": [view(doc) for doc in await self._all(user_id)]}

    async def erase_user(self, user_id: str) -> None:
        for doc in await self._all(user_id):
            with contextlib.suppress(NoFile):
                await self._bucket.delete(ObjectId(doc["file_id"]))
        await self._resumes.delete_many({"user_id": user_id})

    async def _all(self, user_id: str) -> list[Document]:
        return [doc async for doc in self._resumes.find({"user_id": user_id})]
