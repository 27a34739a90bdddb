"""Optional TOTP two-factor sign-in (RFC 6238 through `pyotp`) with single-use recovery codes.

A user turns it on in two steps (a secret to scan, then a code from the app proves it); from
then on a correct password answers a short-lived, single-use `mfa_token` instead of tokens,
and `POST /api/auth/login/2fa` with a code (or a recovery code) finishes the sign-in. A code
is accepted once (the last used time step is kept), a recovery code once (only hashes are
stored). The user's record is one document changed with a version check.
"""

import hashlib
import secrets
import time
from collections.abc import Callable
from typing import Any

import pyotp
from pydantic import BaseModel, ConfigDict, Field
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError
from redis.asyncio import Redis

from mockmate.errors import (
    Conflict,
    InvalidPayload,
    InvalidState,
    MockMateError,
    Unauthorized,
)
from mockmate.redis_keys import RedisKeys
from mockmate.storage.database import Document

RECOVERY_CODES = 10
STEP_S = 30
MFA_TOKEN_TTL_S = 300


class CodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(None, min_length=6, max_length=8, pattern=r"^\d+$")
    recovery_code: str | None = Field(None, min_length=8, max_length=32)


class SecondStep(CodeRequest):
    mfa_token: str = Field(min_length=10, max_length=100)


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def _refused(message: str = "the code is not valid") -> MockMateError:
    return Unauthorized(message)


class TwoFactor:
    def __init__(self, db: AsyncDatabase[Document], redis: Redis, *, prefix: str,
                 issuer: str = "MockMate", clock: Callable[[], float] = time.time) -> None:
        self._docs = db.two_factor
        self._redis = redis
        self._keys = RedisKeys(prefix)
        self._issuer = issuer
        self._clock = clock

    async def enabled(self, user_id: str) -> bool:
        doc = await self._docs.find_one({"_id": user_id}, {"enabled": 1})
        return bool(doc and doc.get("enabled"))

    async def setup(self, user_id: str, email: str) -> dict[str, Any]:
        if await self.enabled(user_id):
            raise Conflict("two-factor sign-in is on already")
        secret = pyotp.random_base32()
        await self._docs.replace_one(
            {"_id": user_id}, {"_id": user_id, "enabled": False, "secret": secret,
                               "recovery": [], "last_step": -1, "version": 1}, upsert=True)
        uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=self._issuer)
        return {"secret": secret, "otpauth_url": uri}

    async def enable(self, user_id: str, request: CodeRequest) -> dict[str, Any]:
        doc = await self._docs.find_one({"_id": user_id})
        if doc is None or doc.get("enabled"):
            raise InvalidState("start with /api/auth/2fa/setup")
        if request.code is None:
            raise InvalidPayload("code is required", field="code")
        codes = ["-".join([secrets.token_hex(3), secrets.token_hex(3)])
                 for _ in range(RECOVERY_CODES)]
        await self._use(doc, request.code, None, {
            "enabled": True, "recovery": [_hash(c) for c in codes]})
        return {"enabled": True, "recovery_codes": codes}

    async def disable(self, user_id: str, request: CodeRequest) -> None:
        doc = await self._docs.find_one({"_id": user_id})
        if doc is None or not doc.get("enabled"):
            raise InvalidState("two-factor sign-in is off")
        await self._use(doc, request.code, request.recovery_code, {"enabled": False})
        await self._docs.delete_one({"_id": user_id})

    async def challenge(self, user_id: str) -> dict[str, Any]:
        token = secrets.token_urlsafe(24)
        await self._redis.set(self._key(token), user_id, ex=MFA_TOKEN_TTL_S)
        return {"mfa_required": True, "mfa_token": token, "expires_in": MFA_TOKEN_TTL_S}

    async def complete(self, request: SecondStep) -> str:
        """The user the sign-in belongs to. The mfa token is spent either way: a wrong code
        means signing in again with the password."""
        raw = await self._redis.getdel(self._key(request.mfa_token))
        if raw is None:
            raise _refused("the sign-in has expired; sign in again")
        user_id = raw.decode() if isinstance(raw, bytes) else str(raw)
        doc = await self._docs.find_one({"_id": user_id})
        if doc is None or not doc.get("enabled"):
            raise _refused()
        await self._use(doc, request.code, request.recovery_code, {})
        return user_id

    async def _use(self, doc: Document, code: str | None, recovery: str | None,
                   changes: Document) -> None:
        """Check a code (each time step once) or a recovery code (once), then write
        `changes` with what was spent, unless someone spent it meanwhile."""
        update: Document = dict(changes)
        if code is not None:
            step = self._matching_step(doc["secret"], code)
            if step is None or step <= int(doc.get("last_step", -1)):
                raise _refused()
            update["last_step"] = step
        elif recovery is not None:
            hashed = _hash(recovery)
            if hashed not in doc.get("recovery", []):
                raise _refused("the recovery code is not valid")
            update["recovery"] = [h for h in doc["recovery"] if h != hashed]
        else:
            raise InvalidPayload("send a code or a recovery_code")
        version = int(doc.get("version", 0))
        try:
            written = await self._docs.update_one(
                {"_id": doc["_id"], "version": version},
                {"$set": {**update, "version": version + 1}})
        except DuplicateKeyError:  # pragma: no cover - _id never changes
            raise _refused() from None
        if written.modified_count != 1:
            raise _refused()  # the same code or recovery code was just used elsewhere

    def _matching_step(self, secret: str, code: str) -> int | None:
        totp = pyotp.TOTP(secret)
        now = int(self._clock() // STEP_S)
        for step in (now - 1, now, now + 1):  # one step of drift either way
            if secrets.compare_digest(totp.at(step * STEP_S), code):
                return step
        return None

    def _key(self, token: str) -> str:
        return self._keys.mfa_ticket(hashlib.sha256(token.encode()).hexdigest())

    async def export_user(self, user_id: str) -> dict[str, Any]:
        doc = await self._docs.find_one({"_id": user_id})
        return {"enabled": bool(doc and doc.get("enabled")),
                "recovery_codes_left": len(doc.get("recovery", [])) if doc else 0}

    async def erase_user(self, user_id: str) -> None:
        await self._docs.delete_one({"_id": user_id})
