"""Experts: applying, editing the profile, verification documents and the admin's decisions.

Why it is shaped like this: a user becomes an expert in steps that different people take at
different times (the applicant uploads, an admin reviews), so the expert's status is derived
from its documents by a conditional update after every decision: identity and employment
approved make a pending expert `active` (searchable and bookable), and revoking either makes
an active expert `pending` again. A file is checked by its magic number before it is stored,
and an approved document cannot be replaced behind the reviewer's back.
"""

import os
import time
import uuid
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from mockmate.bookings.documents import SNIFF_BYTES, sniff
from mockmate.bookings.schemas import (
    DocumentType,
    ExpertApplication,
    ExpertUpdate,
    VerifyDocument,
)
from mockmate.bookings.views import iso
from mockmate.errors import (
    Conflict,
    Forbidden,
    InvalidPayload,
    InvalidState,
    MockMateError,
    NotFound,
    invalid_payload,
)
from mockmate.storage.database import Document
from mockmate.storage.experts import ExpertDocumentStore, ExpertRepository, empty_stats
from mockmate.storage.users import User

REQUIRED_DOCUMENTS = ("identity", "employment")
DOCUMENT_TYPES: tuple[DocumentType, ...] = ("identity", "employment", "education")
EDIT_ATTEMPTS = 3  # concurrent edits of one profile are merged again this many times


def is_private(user: User, expert: Document) -> bool:
    """Whether `user` may see the expert's documents and earnings (the expert, an admin)."""
    return user.is_admin or expert["user_id"] == user.id


def _not_found() -> MockMateError:
    return NotFound("no such expert")


class ExpertService:
    def __init__(
        self, *, experts: ExpertRepository, documents: ExpertDocumentStore,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.experts = experts
        self.documents = documents
        self._clock = clock

    async def apply(self, user: User, application: ExpertApplication) -> Document:
        now = self._clock()
        doc: Document = {
            "_id": uuid.uuid4().hex,
            "user_id": user.id,
            "status": "pending",
            **application.model_dump(mode="json"),
            "documents": {},
            "stats": empty_stats(),
            "created_at": iso(now),
            "created_ts": now,
            "activated_at": None,
        }
        await self.experts.create(doc)
        return doc

    async def edit(self, user: User, update: ExpertUpdate) -> Document:
        """Apply the expert's changes to their own profile. Bookings already made keep their
        time and price; the new availability and prices apply to what is booked next."""
        for _ in range(EDIT_ATTEMPTS):
            expert = await self.mine(user)
            try:
                merged = update.merged_into(expert)
            except ValidationError as exc:
                raise invalid_payload(exc) from None
            changes = {name: value for name, value in merged.model_dump(mode="json").items()
                       if name in update.model_fields_set}
            edited = await self.experts.update_profile(
                expert["_id"], expert.get("profile_version"), changes
            )
            if edited is not None:
                return edited
        raise Conflict("your profile changed meanwhile; try again")

    async def visible(self, user: User, expert_id: str) -> Document:
        """The expert if `user` may see it: active ones to everybody, others to themselves
        and admins (a 404 otherwise, so unverified applicants are not discoverable)."""
        expert = await self.experts.get(expert_id)
        if expert is None or (expert["status"] != "active" and not is_private(user, expert)):
            raise _not_found()
        return expert

    async def mine(self, user: User) -> Document:
        expert = await self.experts.by_user(user.id)
        if expert is None:
            raise NotFound("you have not applied as an expert")
        return expert

    async def owned(self, user: User, expert_id: str) -> Document:
        """The expert, which must be `user`'s own (403 for anybody else who may see it)."""
        expert = await self.experts.get(expert_id)
        if expert is None:
            raise _not_found()
        if expert["user_id"] != user.id:
            raise Forbidden("only the expert can upload documents")
        return expert

    async def store_document(
        self, expert: Document, doc_type: str, data: bytes, filename: str
    ) -> dict[str, Any]:
        """Keep `data` as the expert's `doc_type` document, pending review."""
        if doc_type not in DOCUMENT_TYPES:
            raise InvalidPayload(
                                f"type must be one of {', '.join(DOCUMENT_TYPES)}")
        kind = sniff(data[:SNIFF_BYTES])
        if kind is None:
            raise InvalidPayload(
                                "the file must be a PDF, PNG or JPEG (checked by its content)")
        previous = expert.get("documents", {}).get(doc_type)
        if previous is not None and previous["status"] == "approved":
            raise Conflict(
                                f"your {doc_type} document is already approved")
        name = os.path.basename(filename or "")[:200] or f"{doc_type}.{kind.extension}"
        file_id = await self.documents.save(
            data, expert_id=expert["_id"], doc_type=doc_type, filename=name,
            content_type=kind.content_type,
        )
        meta = {"id": file_id, "status": "pending", "filename": name,
                "content_type": kind.content_type, "size_bytes": len(data),
                "uploaded_at": iso(self._clock()), "notes": None, "reviewed_at": None,
                "reviewed_by": None}
        stored = await self.experts.put_document(
            expert["_id"], doc_type, meta, previous["id"] if previous else None
        )
        if not stored:
            await self.documents.delete(file_id)
            raise Conflict(
                                f"your {doc_type} document changed meanwhile; try again")
        if previous is not None:
            await self.documents.delete(previous["id"])
        return {"id": file_id, "type": doc_type, "status": "pending"}

    async def document_file(
        self, user: User, expert_id: str, doc_type: str
    ) -> tuple[bytes, str, str]:
        """(content, content type, file name) of a document, for the expert and admins."""
        expert = await self.visible(user, expert_id)
        if not is_private(user, expert):
            raise Forbidden("only the expert and admins see documents")
        meta = expert.get("documents", {}).get(doc_type)
        data = await self.documents.load(meta["id"]) if meta else None
        if meta is None or data is None:
            raise NotFound(f"no {doc_type} document")
        return data, str(meta["content_type"]), str(meta["filename"])

    async def verify(self, admin: User, expert_id: str, decision: VerifyDocument) -> Document:
        if not admin.is_admin:
            raise Forbidden("only admins verify experts")
        expert = await self.experts.get(expert_id)
        if expert is None:
            raise _not_found()
        doc_type = decision.document_type
        meta = expert.get("documents", {}).get(doc_type)
        if meta is None:
            raise InvalidState(
                                f"no {doc_type} document has been uploaded yet")
        decided = await self.experts.decide_document(expert_id, doc_type, meta["id"], {
            "status": "approved" if decision.approved else "rejected",
            "notes": decision.notes,
            "reviewed_at": iso(self._clock()),
            "reviewed_by": admin.id,
        })
        if decided is None:
            raise Conflict(
                                f"the {doc_type} document was replaced meanwhile; review it again")
        return await self._sync_status(decided)

    async def _sync_status(self, expert: Document) -> Document:
        """Derive the expert's status from its documents (conditionally, so concurrent
        decisions settle on the status their combined documents call for)."""
        documents = expert.get("documents", {})
        verified = all(
            documents.get(t, {}).get("status") == "approved" for t in REQUIRED_DOCUMENTS
        )
        changed: Document | None = None
        if verified and expert["status"] == "pending":
            now = self._clock()
            changed = await self.experts.set_status(
                expert["_id"], status="active",
                when={"status": "pending",
                      **{f"documents.{t}.status": "approved" for t in REQUIRED_DOCUMENTS}},
                extra={"activated_at": iso(now), "activated_ts": now},
            )
        elif not verified and expert["status"] == "active":
            changed = await self.experts.set_status(
                expert["_id"], status="pending", when={"status": "active"}
            )
        return changed or await self.experts.get(expert["_id"]) or expert

    async def review_page(
        self, admin: User, status: str, page: int, per_page: int
    ) -> tuple[list[Document], int]:
        if not admin.is_admin:
            raise Forbidden("only admins review experts")
        return await self.experts.page_with_status(status, page=page, per_page=per_page)
