"""POST /api/auth/register and /api/auth/login."""

from aiohttp import web

from mockmate.auth.accounts import LoginRequest, RegisterRequest
from mockmate.errors import ErrorCode, MockMateError
from mockmate.server.http import read_json
from mockmate.server.keys import SERVICES

routes = web.RouteTableDef()


@routes.post("/api/auth/register")
async def register(request: web.Request) -> web.Response:
    body = await read_json(request, RegisterRequest)
    user, token = await request.app[SERVICES].accounts.register(body)
    return web.json_response({"token": token, "user": user.public()}, status=201)


@routes.post("/api/auth/login")
async def login(request: web.Request) -> web.Response:
    body = await read_json(request, LoginRequest)
    services = request.app[SERVICES]
    await services.login_guard.check(body.email)
    try:
        user, token = await services.accounts.login(body)
    except MockMateError as exc:
        if exc.code is ErrorCode.UNAUTHORIZED:
            await services.login_guard.failed(body.email)
        raise
    await services.login_guard.succeeded(body.email)
    return web.json_response({"token": token, "user": user.public()})
