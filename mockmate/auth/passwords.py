"""Changing a password, and resetting a forgotten one through an e-mailed link.

A reset token is `<reset id>.<HMAC of the id>`: the database keeps only the id, its user and
its expiry, and the mail job recomputes the token from the id, so the secret never sits in
Redis or MongoDB. A token is single-use (consumed atomically), expires, and every other
reset outstanding for the user dies with a successful reset. `forgot` answers the same way
whether or not the address has an account, and the mail is sent by a durable job, so neither
the answer nor its timing tells an attacker which addresses are registered.
"""

import hashlib
import hmac
import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from mockmate.auth.accounts import Accounts
from mockmate.errors import Forbidden, MockMateError, Unauthorized
from mockmate.jobs.queue import JobQueue
from mockmate.mail import Mail, Mailer
from mockmate.storage.database import Document
from mockmate.storage.users import User, UserRepository

log = logging.getLogger(__name__)

SEND_PASSWORD_RESET = "send_password_reset"
Clock = Callable[[], float]


class ChangePasswordRequest(BaseModel):
    old_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=8, max_length=256)


class ForgotPasswordRequest(BaseModel):
    email: str = Field(min_length=1, max_length=320)


class ResetPasswordRequest(BaseModel):
    token: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=8, max_length=256)


async def ensure_reset_indexes(db: AsyncDatabase[Document]) -> None:
    await db.password_resets.create_index([("user_id", ASCENDING)])
    await db.password_resets.create_index([("purge_at", ASCENDING)], expireAfterSeconds=0)


def _bad_token() -> MockMateError:
    return Unauthorized("the reset link is not valid or has expired")


class Passwords:
    def __init__(
        self, db: AsyncDatabase[Document], *, users: UserRepository, accounts: Accounts,
        queue: JobQueue,
        mailer: Mailer, secret: str, reset_ttl_s: int, public_url: str,
        clock: Clock = time.time,
    ):
        self._resets = db.password_resets
        self._users = users
        self._accounts = accounts
        self._queue = queue
        self._mailer = mailer
        self._key = hashlib.sha256(b"password-reset:" + secret.encode()).digest()
        self._reset_ttl_s = reset_ttl_s
        self._public_url = public_url.rstrip("/")
        self._clock = clock

    async def change(self, user: User, request: ChangePasswordRequest) -> None:
        if not await self._accounts.password_matches(user, request.old_password):
            raise Forbidden("the current password is wrong")
        new_hash = await self._accounts.hash_password(request.new_password)
        await self._users.set_password(user.id, new_hash)

    def _token(self, reset_id: str) -> str:
        mac = hmac.new(self._key, reset_id.encode(), hashlib.sha256).hexdigest()
        return f"{reset_id}.{mac}"

    async def forgot(self, email: str) -> None:
        user = await self._users.by_email(email)
        if user is None:
            return
        now = self._clock()
        reset_id = uuid.uuid4().hex
        await self._resets.insert_one({
            "_id": reset_id, "user_id": user.id, "created_at": now,
            "expires_at": now + self._reset_ttl_s,
            # Cleanup only (a TTL index); validity is decided by `expires_at` and the clock.
            "purge_at": datetime.fromtimestamp(now + self._reset_ttl_s + 86400, UTC),
        })
        await self._queue.enqueue(SEND_PASSWORD_RESET, {"reset_id": reset_id})

    async def send_reset_mail(self, payload: dict[str, Any]) -> None:
        """The job: mail the link (again, if a crash repeats it; the link is the same)."""
        doc = await self._resets.find_one({"_id": str(payload["reset_id"])})
        if doc is None or doc.get("used_at") is not None or \
                self._clock() >= float(doc["expires_at"]):
            return
        user = await self._users.by_id(doc["user_id"])
        if user is None:
            return
        token = self._token(doc["_id"])
        minutes = max(1, round(self._reset_ttl_s / 60))
        await self._mailer.send(Mail(
            to=user.email, subject="Reset your MockMate password",
            text=(
                f"Hello {user.display_name},\n\n"
                "Someone (we hope you) asked to reset your MockMate password. Open this link "
                f"within {minutes} minutes to choose a new one:\n\n"
                f"{self._public_url}/reset-password?token={token}\n\n"
                f"Or send this token to POST /api/auth/password/reset:\n{token}\n\n"
                "If you did not ask, ignore this mail: your password stays as it is.\n"
            ),
        ))

    async def reset(self, request: ResetPasswordRequest) -> User:
        """Consumes the token and sets the password; returns the user (still to be signed out
        everywhere by the caller)."""
        reset_id, _, _mac = request.token.partition(".")
        if not reset_id or not hmac.compare_digest(self._token(reset_id), request.token):
            raise _bad_token()
        now = self._clock()
        doc = await self._resets.find_one_and_update(
            {"_id": reset_id, "used_at": {"$exists": False}}, {"$set": {"used_at": now}}
        )
        if doc is None or now >= float(doc["expires_at"]):
            raise _bad_token()
        user = await self._users.by_id(doc["user_id"])
        if user is None:
            raise _bad_token()
        new_hash = await self._accounts.hash_password(request.password)
        await self._users.set_password(user.id, new_hash)
        await self._resets.delete_many({"user_id": user.id})
        return user

    async def erase_user(self, user_id: str) -> None:
        await self._resets.delete_many({"user_id": user_id})
