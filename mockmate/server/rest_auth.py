"""POST /api/auth/register and /api/auth/login, throttled per client and account address:
each opens a signed-in device and answers `{token, user}` (the contract) with
`refresh_token` and `expires_in` added."""

from aiohttp import web

from mockmate.auth.accounts import LoginRequest, RegisterRequest
from mockmate.errors import ErrorCode, MockMateError
from mockmate.server.http import read_json
from mockmate.server.keys import SERVICES
from mockmate.server.rest_auth_security import client_ip, device_of

routes = web.RouteTableDef()


@routes.post("/api/auth/register")
async def register(request: web.Request) -> web.Response:
    body = await read_json(request, RegisterRequest)
    services = request.app[SERVICES]
    await services.credential_throttle.admit(client_ip(request), str(body.email))
    user, _ = await services.accounts.register(body)
    pair = await services.security.sign_ins.open(user, device_of(request))
    return web.json_response({**pair.model_dump(), "user": user.public()}, status=201)


@routes.post("/api/auth/login")
async def login(request: web.Request) -> web.Response:
    body = await read_json(request, LoginRequest)
    services = request.app[SERVICES]
    await services.credential_throttle.admit(client_ip(request), body.email)
    await services.login_guard.check(body.email)
    try:
        user, _ = await services.accounts.login(body)
    except MockMateError as exc:
        if exc.code is ErrorCode.UNAUTHORIZED:
            await services.login_guard.failed(body.email)
        raise
    await services.login_guard.succeeded(body.email)
    if await services.features.two_factor.enabled(user.id):  # tokens after the second step
        return web.json_response(await services.features.two_factor.challenge(user.id))
    pair = await services.security.sign_ins.open(user, device_of(request))
    return web.json_response({**pair.model_dump(), "user": user.public()})
