"""POST /api/auth/register and /api/auth/login, throttled per client and account address:
each opens a signed-in device and answers `{token, user}` (the contract) with
`refresh_token` and `expires_in` added."""

from aiohttp import web

from mockmate.auth.accounts import LoginRequest, RegisterRequest
from mockmate.auth.replies import MfaChallenge, SignedIn
from mockmate.errors import Unauthorized
from mockmate.server.http import model_response, read_json
from mockmate.server.rest_auth_security import client_ip, device_of
from mockmate.server.wiring.accounts import ACCOUNTS
from mockmate.server.wiring.candidate import CANDIDATE

routes = web.RouteTableDef()


@routes.post("/api/auth/register")
async def register(request: web.Request) -> web.Response:
    body = await read_json(request, RegisterRequest)
    services = request.app[ACCOUNTS]
    await services.credential_throttle.admit(client_ip(request), str(body.email))
    user, _ = await services.accounts.register(body)
    pair = await services.security.sign_ins.open(user, device_of(request))
    return model_response(SignedIn(**pair.model_dump(), user=user.public()), status=201)


@routes.post("/api/auth/login")
async def login(request: web.Request) -> web.Response:
    body = await read_json(request, LoginRequest)
    services = request.app[ACCOUNTS]
    await services.credential_throttle.admit(client_ip(request), body.email)
    await services.login_guard.check(body.email)
    try:
        user, _ = await services.accounts.login(body)
    except Unauthorized:
        await services.login_guard.failed(body.email)
        raise
    await services.login_guard.succeeded(body.email)
    if await request.app[CANDIDATE].two_factor.enabled(user.id):  # tokens after the second step
        return model_response(MfaChallenge.model_validate(
            await request.app[CANDIDATE].two_factor.challenge(user.id)))
    pair = await services.security.sign_ins.open(user, device_of(request))
    return model_response(SignedIn(**pair.model_dump(), user=user.public()))
