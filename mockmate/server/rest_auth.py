"""POST /api/auth/register and /api/auth/login, throttled per client and account address."""

from aiohttp import web

from mockmate.auth.accounts import LoginRequest, RegisterRequest
from mockmate.errors import ErrorCode, MockMateError
from mockmate.server.http import read_json
from mockmate.server.keys import SERVICES

routes = web.RouteTableDef()


def client_ip(request: web.Request) -> str:
    """The client's address: the peer's, or behind a trusted proxy the one it appended."""
    if request.app[SERVICES].settings.trust_forwarded_for:
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.remote or "unknown"


@routes.post("/api/auth/register")
async def register(request: web.Request) -> web.Response:
    body = await read_json(request, RegisterRequest)
    await request.app[SERVICES].credential_throttle.admit(client_ip(request), str(body.email))
    user, token = await request.app[SERVICES].accounts.register(body)
    return web.json_response({"token": token, "user": user.public()}, status=201)


@routes.post("/api/auth/login")
async def login(request: web.Request) -> web.Response:
    body = await read_json(request, LoginRequest)
    services = request.app[SERVICES]
    await services.credential_throttle.admit(client_ip(request), body.email)
    await services.login_guard.check(body.email)
    try:
        user, token = await services.accounts.login(body)
    except MockMateError as exc:
        if exc.code is ErrorCode.UNAUTHORIZED:
            await services.login_guard.failed(body.email)
        raise
    await services.login_guard.succeeded(body.email)
    return web.json_response({"token": token, "user": user.public()})
