"""User accounts: unique email, password hash, roles."""

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from mockmate.errors import Conflict
from mockmate.storage.database import Document, as_datetime


@dataclass(frozen=True)
class User:
    id: str
    email: str
    display_name: str
    password_hash: str
    roles: tuple[str, ...]
    # Raised by logout-all, a password change or reset: every access token issued before
    # carries a lower epoch and is refused (auth/revocation.py).
    token_epoch: int = 0
    last_login_at: datetime | None = None  # the last password sign-in

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def public(self) -> dict[str, str]:
        return {"id": self.id, "email": self.email, "display_name": self.display_name}


def _user(doc: Document) -> User:
    return User(
        id=doc["_id"],
        email=doc["email"],
        display_name=doc.get("display_name", ""),
        password_hash=doc.get("password_hash", ""),
        roles=tuple(doc.get("roles", ["user"])),
        token_epoch=int(doc.get("token_epoch", 0)),
        last_login_at=as_datetime(doc.get("last_login_at")),
    )


# Accounts being erased are gone for every purpose but the erasure itself.
_LIVE: Document = {"deleting": {"$exists": False}}


def normalize_email(email: str) -> str:
    return email.strip().lower()


class UserRepository:
    def __init__(self, db: AsyncDatabase[Document]):
        self._users = db.users

    async def create(
        self, email: str, password_hash: str, display_name: str, roles: tuple[str, ...] = ("user",)
    ) -> User:
        doc: Document = {
            "_id": uuid.uuid4().hex,
            "email": normalize_email(email),
            "display_name": display_name,
            "password_hash": password_hash,
            "roles": list(roles),
            "created_at": datetime.now(UTC),
        }
        try:
            await self._users.insert_one(doc)
        except DuplicateKeyError:
            raise Conflict(
                "an account with this email already exists"
            ) from None
        return _user(doc)

    async def by_email(self, email: str) -> User | None:
        doc = await self._users.find_one({"email": normalize_email(email), **_LIVE})
        return _user(doc) if doc else None

    async def by_id(self, user_id: str) -> User | None:
        doc = await self._users.find_one({"_id": user_id, **_LIVE})
        return _user(doc) if doc else None

    async def account(self, user_id: str) -> Document | None:
        """The stored account without its password hash (for the user's data export)."""
        return await self._users.find_one({"_id": user_id}, {"password_hash": 0})

    async def mark_deleting(self, user_id: str) -> None:
        """From now on the account no longer signs in or acts; its data is being erased."""
        await self._users.update_one(
            {"_id": user_id}, {"$set": {"deleting": time.time()}}
        )

    async def deleting_before(self, cutoff: float) -> list[str]:
        """Accounts whose erasure started before `cutoff` (epoch s) and is not finished."""
        cursor = self._users.find({"deleting": {"$lt": cutoff}}, {"_id": 1})
        return [doc["_id"] async for doc in cursor]

    async def delete(self, user_id: str) -> None:
        await self._users.delete_one({"_id": user_id})

    async def set_password(self, user_id: str, password_hash: str) -> None:
        await self._users.update_one({"_id": user_id}, {"$set": {"password_hash": password_hash}})

    async def record_login(self, user_id: str, at: datetime) -> None:
        await self._users.update_one({"_id": user_id}, {"$set": {"last_login_at": at}})

    async def bump_token_epoch(self, user_id: str) -> int | None:
        """Every access token issued to this user so far stops working; the new epoch (None
        for no such user)."""
        doc = await self._users.find_one_and_update(
            {"_id": user_id}, {"$inc": {"token_epoch": 1}},
            projection={"token_epoch": 1}, return_document=ReturnDocument.AFTER,
        )
        return None if doc is None else int(doc["token_epoch"])

    async def add_role(self, user_id: str, role: str) -> None:
        await self._users.update_one({"_id": user_id}, {"$addToSet": {"roles": role}})
