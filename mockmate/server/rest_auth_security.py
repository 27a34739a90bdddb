"""Account security over REST: who am I, refresh, logout, devices, passwords."""

from aiohttp import web

from mockmate.auth.passwords import (
    ChangePasswordRequest,
    ForgotPasswordRequest,
    ResetPasswordRequest,
)
from mockmate.auth.refresh import MAX_USER_AGENT_CHARS, Device, RefreshRequest
from mockmate.auth.replies import Devices, Me, SignedIn
from mockmate.auth.revocation import Authenticated
from mockmate.server.http import Ok, authenticated, model_response, read_json
from mockmate.server.keys import SETTINGS
from mockmate.server.wiring.accounts import ACCOUNTS

routes = web.RouteTableDef()


def client_ip(request: web.Request) -> str:
    """The client's address: the peer's, or behind a trusted proxy the one it appended."""
    if request.app[SETTINGS].trust_forwarded_for:
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.remote or "unknown"


def device_of(request: web.Request) -> Device:
    return Device(
        ip=client_ip(request),
        user_agent=request.headers.get("User-Agent", "")[:MAX_USER_AGENT_CHARS],
    )


@routes.get("/api/auth/me")
@authenticated
async def me(request: web.Request, auth: Authenticated) -> web.Response:
    return model_response(Me.model_validate({
        "user": {**auth.user.public(), "roles": list(auth.user.roles),
                 "last_login_at": auth.user.last_login_at.isoformat()
                 if auth.user.last_login_at else None},
        "device_id": auth.claims.family or None,
    }))


@routes.post("/api/auth/refresh")
async def refresh(request: web.Request) -> web.Response:
    body = await read_json(request, RefreshRequest)
    sign_ins = request.app[ACCOUNTS].security.sign_ins
    user, pair = await sign_ins.refresh(body.refresh_token, device_of(request))
    return model_response(SignedIn(**pair.model_dump(), user=user.public()))


@routes.post("/api/auth/logout")
@authenticated
async def logout(request: web.Request, auth: Authenticated) -> web.Response:
    if auth.claims.family:
        await request.app[ACCOUNTS].security.sign_ins.revoke(auth.user.id, auth.claims.family)
    return model_response(Ok())


@routes.post("/api/auth/logout-all")
@authenticated
async def logout_all(request: web.Request, auth: Authenticated) -> web.Response:
    await request.app[ACCOUNTS].security.sign_ins.revoke_all(auth.user.id)
    return model_response(Ok())


@routes.get("/api/auth/devices")
@authenticated
async def devices(request: web.Request, auth: Authenticated) -> web.Response:
    listed = await request.app[ACCOUNTS].security.sign_ins.devices(
        auth.user.id, auth.claims.family
    )
    return model_response(Devices(devices=listed))


@routes.delete("/api/auth/devices/{device_id}")
@authenticated
async def revoke_device(request: web.Request, auth: Authenticated) -> web.Response:
    await request.app[ACCOUNTS].security.sign_ins.revoke(
        auth.user.id, request.match_info["device_id"]
    )
    return model_response(Ok())


@routes.post("/api/auth/password/change")
@authenticated
async def change_password(request: web.Request, auth: Authenticated) -> web.Response:
    """Every other device is signed out; this one gets a fresh pair to stay signed in."""
    body = await read_json(request, ChangePasswordRequest)
    await request.app[ACCOUNTS].credential_throttle.admit(client_ip(request), auth.user.email)
    security = request.app[ACCOUNTS].security
    await security.passwords.change(auth.user, body)
    await security.sign_ins.revoke_all(auth.user.id)
    user = await request.app[ACCOUNTS].users.by_id(auth.user.id)
    assert user is not None
    pair = await security.sign_ins.open(user, device_of(request))
    return model_response(SignedIn(**pair.model_dump(), user=user.public()))


@routes.post("/api/auth/password/forgot")
async def forgot_password(request: web.Request) -> web.Response:
    body = await read_json(request, ForgotPasswordRequest)
    await request.app[ACCOUNTS].credential_throttle.admit(client_ip(request), str(body.email))
    await request.app[ACCOUNTS].security.passwords.forgot(body.email)
    return model_response(Ok(), status=202)


@routes.post("/api/auth/password/reset")
async def reset_password(request: web.Request) -> web.Response:
    body = await read_json(request, ResetPasswordRequest)
    await request.app[ACCOUNTS].credential_throttle.admit(client_ip(request), None)
    security = request.app[ACCOUNTS].security
    user = await security.passwords.reset(body)
    await security.sign_ins.revoke_all(user.id)
    return model_response(Ok())
