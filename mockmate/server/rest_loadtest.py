"""POST /api/admin/loadtest/users: tokens for many synthetic users in one call.

Load tests need hundreds of signed-in candidates. Registering each one costs an argon2 hash
(~0.25 CPU-s), which would load the server under test more than the test itself; these users
get no password at all (they can never log in), only a token, like `mockmate token`. Admins
only; the count per call is bounded by `MOCKMATE_LOADTEST_MAX_USERS`.
"""

import asyncio

from aiohttp import web
from pydantic import BaseModel, Field

from mockmate.errors import Forbidden, InvalidPayload
from mockmate.server.http import model_response, read_json, signed_in
from mockmate.server.keys import SETTINGS
from mockmate.server.wiring.accounts import ACCOUNTS
from mockmate.storage.users import User

routes = web.RouteTableDef()

# Users created at once: enough to keep the database busy without flooding its pool.
_CONCURRENCY = 16


class LoadTestUsers(BaseModel):
    count: int = Field(ge=1)
    # Emails are `<prefix>-<n>@loadtest.example.com`: the same prefix gives the same users.
    prefix: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    first: int = Field(0, ge=0, le=10_000_000)


class LoadTestUser(BaseModel):
    user_id: str
    email: str
    token: str


class LoadTestUsersCreated(BaseModel):
    users: list[LoadTestUser]


@routes.post("/api/admin/loadtest/users")
@signed_in
async def loadtest_users(request: web.Request, admin: User) -> web.Response:
    if not admin.is_admin:
        raise Forbidden("only admins create load-test users")
    body = await read_json(request, LoadTestUsers)
    accounts = request.app[ACCOUNTS].accounts
    limit = request.app[SETTINGS].loadtest_max_users
    if body.count > limit:
        raise InvalidPayload(
            f"at most {limit} users per call", max_count=limit
        )
    gate = asyncio.Semaphore(_CONCURRENCY)

    async def one(n: int) -> LoadTestUser:
        async with gate:
            user = await accounts.ensure_user(
                f"{body.prefix}-{n}@loadtest.example.com"
            )
        return LoadTestUser(user_id=user.id, email=user.email, token=accounts.token_for(user))

    users = await asyncio.gather(*(one(body.first + i) for i in range(body.count)))
    return model_response(LoadTestUsersCreated(users=users), status=201)
