"""Registering and logging in users; shared by the REST endpoints and `mockmate token`."""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, EmailStr, Field

from mockmate.auth.tokens import TokenIssuer
from mockmate.errors import MockMateError, Unauthorized, Unavailable
from mockmate.storage.users import User, UserRepository

T = TypeVar("T")


class HashingPool:
    """argon2 work in a pool of its own: at most `threads` hashes run at once and at most
    `queue` wait, so a flood of sign-ups or logins takes that many cores and no more (the
    rest of the server, interviews included, keeps the others). Past the queue the request
    answers `unavailable` (retryable) at once instead of waiting behind the flood."""

    def __init__(self, threads: int = 1, queue: int = 32) -> None:
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="argon2")
        self._capacity = threads + queue
        self._pending = 0

    async def run(self, work: Callable[[], T]) -> T:
        if self._pending >= self._capacity:
            raise Unavailable(
                "the server is busy signing people in; try again",
                retryable=True, retry_after_s=1,
            )
        self._pending += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, work)
        finally:
            self._pending -= 1

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


class RegisterRequest(BaseModel):
    email: EmailStr
    password: str = Field(min_length=8, max_length=256)
    display_name: str = Field(min_length=1, max_length=100)


class LoginRequest(BaseModel):
    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=256)


class Accounts:
    def __init__(
        self, users: UserRepository, tokens: TokenIssuer, hashing: HashingPool | None = None
    ):
        self._users = users
        self._tokens = tokens
        self._hasher = PasswordHasher()
        self._hashing = hashing or HashingPool()

    async def register(self, request: RegisterRequest) -> tuple[User, str]:
        password_hash = await self.hash_password(request.password)
        user = await self._users.create(
            str(request.email), password_hash, request.display_name.strip()
        )
        return user, self.token_for(user)

    async def login(self, request: LoginRequest) -> tuple[User, str]:
        user = await self._users.by_email(request.email)
        if user is None or not await self.password_matches(user, request.password):
            raise Unauthorized("wrong email or password")
        await self._users.record_login(user.id, datetime.now(UTC))
        return user, self.token_for(user)

    async def ensure_user(self, email: str, *, admin: bool = False) -> User:
        """The user with this email, created without a usable password if new (for scripts)."""
        user = await self._users.by_email(email)
        if user is None:
            try:
                user = await self._users.create(email, "", email.split("@")[0] or email)
            except MockMateError:
                user = await self._users.by_email(email)  # created concurrently
                assert user is not None
        if admin and not user.is_admin:
            await self._users.add_role(user.id, "admin")
            user = await self._users.by_id(user.id)
            assert user is not None
        return user

    def token_for(self, user: User) -> str:
        return self._tokens.issue(user.id, user.roles)

    async def hash_password(self, password: str) -> str:
        # argon2 is deliberately slow: keep it off the event loop, in its bounded pool.
        return await self._hashing.run(lambda: self._hasher.hash(password))

    async def password_matches(self, user: User, password: str) -> bool:
        if not user.password_hash:
            return False
        try:
            stored = user.password_hash
            return await self._hashing.run(lambda: self._hasher.verify(stored, password))
        except (VerificationError, InvalidHashError):
            return False
