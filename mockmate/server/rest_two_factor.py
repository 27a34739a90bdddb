"""`/api/auth/2fa/*` (turn TOTP two-factor sign-in on and off) and `/api/auth/login/2fa`
(the second step of a sign-in). docs/candidate.md."""

from datetime import UTC, datetime

from aiohttp import web

from mockmate.auth.replies import (
    SignedIn,
    TwoFactorDisabled,
    TwoFactorEnabled,
    TwoFactorSetup,
    TwoFactorStatus,
)
from mockmate.auth.two_factor import CodeRequest, SecondStep
from mockmate.errors import Unauthorized
from mockmate.server.http import model_response, read_json, signed_in
from mockmate.server.rest_auth_security import client_ip, device_of
from mockmate.server.wiring.accounts import ACCOUNTS
from mockmate.server.wiring.candidate import CANDIDATE
from mockmate.storage.users import User

routes = web.RouteTableDef()


@routes.get("/api/auth/2fa")
@signed_in
async def status(request: web.Request, user: User) -> web.Response:
    return model_response(TwoFactorStatus.model_validate(
        await request.app[CANDIDATE].two_factor.export_user(user.id)))


@routes.post("/api/auth/2fa/setup")
@signed_in
async def setup(request: web.Request, user: User) -> web.Response:
    two_factor = request.app[CANDIDATE].two_factor
    return model_response(TwoFactorSetup.model_validate(
        await two_factor.setup(user.id, user.email)))


@routes.post("/api/auth/2fa/enable")
@signed_in
async def enable(request: web.Request, user: User) -> web.Response:
    body = await read_json(request, CodeRequest)
    return model_response(TwoFactorEnabled.model_validate(
        await request.app[CANDIDATE].two_factor.enable(user.id, body)))


@routes.post("/api/auth/2fa/disable")
@signed_in
async def disable(request: web.Request, user: User) -> web.Response:
    body = await read_json(request, CodeRequest)
    await request.app[CANDIDATE].two_factor.disable(user.id, body)
    return model_response(TwoFactorDisabled(enabled=False))


@routes.post("/api/auth/login/2fa")
async def second_step(request: web.Request) -> web.Response:
    body = await read_json(request, SecondStep)
    services = request.app[ACCOUNTS]
    # Per client (the token itself is single-use, so per-account counting adds nothing).
    await services.credential_throttle.admit(client_ip(request), f"mfa:{body.mfa_token[:12]}")
    user_id = await request.app[CANDIDATE].two_factor.complete(body)
    user = await services.users.by_id(user_id)
    if user is None:
        raise Unauthorized("this account no longer exists")
    await services.users.record_login(user.id, datetime.now(UTC))
    pair = await services.security.sign_ins.open(user, device_of(request))
    return model_response(SignedIn(**pair.model_dump(), user=user.public()))
