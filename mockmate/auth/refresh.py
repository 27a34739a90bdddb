"""Signed-in devices: short-lived access tokens renewed by rotating refresh tokens.

Each sign-in (register, login, password change) opens a *family*: one document per device
holding the hash of its current refresh token. `POST /api/auth/refresh` swaps that token for a
new pair; the old one goes into `auth_used_refresh` (kept until it would have expired). Should
a used token come back, someone holds a copy: the whole family is revoked, the thief and the
owner are both signed out of that device. The family list is the list of signed-in devices.
"""

import hashlib
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel, Field
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from mockmate.auth.revocation import Revocations
from mockmate.auth.tokens import TokenIssuer
from mockmate.errors import MockMateError, NotFound, Unauthorized
from mockmate.storage.database import Document
from mockmate.storage.users import User, UserRepository

Clock = Callable[[], float]
MAX_USER_AGENT_CHARS = 300


@dataclass(frozen=True)
class Device:
    """Where a sign-in comes from, as the request shows it."""

    ip: str
    user_agent: str


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=200)


class TokenPair(BaseModel):
    token: str
    refresh_token: str
    expires_in: int  # seconds the access token is valid


class DeviceView(BaseModel):
    id: str
    created_at: str
    last_used_at: str
    ip: str
    user_agent: str
    current: bool


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _iso(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).isoformat()


def _unauthorized(message: str = "the refresh token is not valid") -> MockMateError:
    return Unauthorized(message)


async def ensure_refresh_indexes(db: AsyncDatabase[Document]) -> None:
    await db.auth_families.create_index([("user_id", ASCENDING)])
    await db.auth_used_refresh.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0)


class SignIns:
    def __init__(
        self, db: AsyncDatabase[Document], *, users: UserRepository, tokens: TokenIssuer,
        revocations: Revocations, access_ttl_s: int, refresh_ttl_s: int,
        clock: Clock = time.time,
    ):
        self._families = db.auth_families
        self._used = db.auth_used_refresh
        self._users = users
        self._tokens = tokens
        self._revocations = revocations
        self._access_ttl_s = access_ttl_s
        self._refresh_ttl_s = refresh_ttl_s
        self._clock = clock

    def _pair(self, user: User, family: str, generation: int, secret: str) -> TokenPair:
        token = self._tokens.issue(
            user.id, user.roles, family=family, generation=generation,
            epoch=user.token_epoch, ttl_s=self._access_ttl_s,
        )
        return TokenPair(token=token, refresh_token=f"{family}.{secret}",
                         expires_in=self._access_ttl_s)

    async def open(self, user: User, device: Device) -> TokenPair:
        """A new signed-in device for `user`."""
        now = self._clock()
        family, secret = uuid.uuid4().hex, secrets.token_urlsafe(32)
        await self._families.insert_one({
            "_id": family, "user_id": user.id, "epoch": user.token_epoch,
            "current_hash": _hash(secret), "generation": 0,
            "created_at": now, "last_used_at": now, "expires_at": now + self._refresh_ttl_s,
            "ip": device.ip, "user_agent": device.user_agent[:MAX_USER_AGENT_CHARS],
        })
        return self._pair(user, family, 0, secret)

    async def refresh(self, refresh_token: str, device: Device) -> tuple[User, TokenPair]:
        family, _, secret = refresh_token.partition(".")
        if not family or not secret:
            raise _unauthorized()
        doc = await self._families.find_one({"_id": family})
        if doc is None or doc.get("revoked_at") is not None:
            raise _unauthorized()
        presented = _hash(secret)
        if presented != doc["current_hash"]:
            if await self._used.find_one({"_id": presented}) is not None:
                await self._revoke(family)
                raise _unauthorized("this refresh token was already used; the sign-in is revoked")
            raise _unauthorized()
        now = self._clock()
        if now >= float(doc["expires_at"]):
            raise _unauthorized("the refresh token has expired; sign in again")
        user = await self._users.by_id(doc["user_id"])
        if user is None or user.token_epoch != doc.get("epoch", 0):
            raise _unauthorized()
        try:
            # The unique _id makes this the one rotation of this token, even when two
            # requests race with it: the loser sees a reuse.
            await self._used.insert_one({
                "_id": presented, "family": family,
                "expires_at": datetime.fromtimestamp(float(doc["expires_at"]), UTC),
            })
        except DuplicateKeyError:
            await self._revoke(family)
            raise _unauthorized("this refresh token was already used; the sign-in is revoked") \
                from None
        new_secret = secrets.token_urlsafe(32)
        generation = int(doc.get("generation", 0)) + 1
        await self._families.update_one({"_id": family}, {"$set": {
            "current_hash": _hash(new_secret), "generation": generation, "last_used_at": now,
            "expires_at": now + self._refresh_ttl_s, "ip": device.ip,
            "user_agent": device.user_agent[:MAX_USER_AGENT_CHARS],
        }})
        await self._revocations.rotated(family, generation)
        return user, self._pair(user, family, generation, new_secret)

    async def _revoke(self, family: str) -> None:
        # Redis first: from here on the family's access tokens are refused everywhere.
        await self._revocations.revoke_family(family)
        await self._families.update_one({"_id": family}, {"$set": {"revoked_at": self._clock()}})

    async def revoke(self, user_id: str, family: str) -> None:
        """Signs one of the user's devices out (`not_found` for anyone else's)."""
        doc = await self._families.find_one({"_id": family, "user_id": user_id})
        if doc is None or doc.get("revoked_at") is not None:
            raise NotFound("no such signed-in device")
        await self._revoke(family)

    async def revoke_all(self, user_id: str) -> None:
        """Signs every device out, and every access token issued so far stops working."""
        await self._revocations.forget_epoch(user_id)
        epoch = await self._users.bump_token_epoch(user_id)
        if epoch is not None:
            await self._revocations.epoch_raised(user_id, epoch)
        await self._families.update_many(
            {"user_id": user_id, "revoked_at": {"$exists": False}},
            {"$set": {"revoked_at": self._clock()}},
        )

    async def devices(self, user_id: str, current_family: str) -> list[DeviceView]:
        now = self._clock()
        cursor = self._families.find(
            {"user_id": user_id, "revoked_at": {"$exists": False}}
        ).sort("last_used_at", -1)
        return [
            DeviceView(
                id=doc["_id"], created_at=_iso(doc["created_at"]),
                last_used_at=_iso(doc["last_used_at"]), ip=doc.get("ip", ""),
                user_agent=doc.get("user_agent", ""), current=doc["_id"] == current_family,
            )
            async for doc in cursor if float(doc["expires_at"]) > now
        ]

    async def erase_user(self, user_id: str) -> None:
        families = [d["_id"] async for d in self._families.find({"user_id": user_id}, {"_id": 1})]
        for family in families:
            await self._revocations.revoke_family(family)
        if families:
            await self._used.delete_many({"family": {"$in": families}})
        await self._families.delete_many({"user_id": user_id})
