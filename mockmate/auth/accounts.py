"""Registering and logging in users; shared by the REST endpoints and `mockmate token`."""

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, EmailStr, Field

from mockmate.auth.tokens import TokenIssuer
from mockmate.errors import ErrorCode, MockMateError
from mockmate.storage.users import User, UserRepository


class RegisterRequest(BaseModel):
    email: EmailStr
    password: str = Field(min_length=8, max_length=256)
    display_name: str = Field(min_length=1, max_length=100)


class LoginRequest(BaseModel):
    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=256)


class Accounts:
    def __init__(self, users: UserRepository, tokens: TokenIssuer):
        self._users = users
        self._tokens = tokens
        self._hasher = PasswordHasher()

    async def register(self, request: RegisterRequest) -> tuple[User, str]:
        password_hash = await self.hash_password(request.password)
        user = await self._users.create(
            str(request.email), password_hash, request.display_name.strip()
        )
        return user, self.token_for(user)

    async def login(self, request: LoginRequest) -> tuple[User, str]:
        user = await self._users.by_email(request.email)
        if user is None or not await self.password_matches(user, request.password):
            raise MockMateError(ErrorCode.UNAUTHORIZED, "wrong email or password")
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
        # argon2 is deliberately slow: keep it off the event loop.
        return await asyncio.to_thread(self._hasher.hash, password)

    async def password_matches(self, user: User, password: str) -> bool:
        if not user.password_hash:
            return False
        try:
            return await asyncio.to_thread(self._hasher.verify, user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
