"""Account security through REST and the Socket.IO handshake on real services: short-lived
access tokens with rotating refresh tokens, logout, signed-in devices, password change, and a
password reset mailed through a real SMTP server on loopback."""

import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from mockmate.config import Settings
from tests.integration.test_bad_input import refusal
from tests.support.marketplace import Api
from tests.support.server import running_app, settings_from
from tests.support.smtp import Inbox, body_of
from tests.support.waiting import eventually

PASSWORD = "correct horse battery"


@pytest.fixture
async def url(deployment_env: dict[str, str], inbox: Inbox) -> AsyncIterator[str]:
    settings = settings_from(deployment_env, MOCKMATE_SMTP_URL=inbox.url,
                             MOCKMATE_PUBLIC_URL="https://mockmate.example")
    async with running_app(settings) as url:
        yield url


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        yield session


async def sign_up(url: str, http: aiohttp.ClientSession, email: str = "",
                  agent: str = "pytest") -> tuple[Api, dict[str, Any]]:
    email = email or f"{uuid.uuid4().hex[:10]}@example.com"
    status, body = await Api(url, None, http).post(
        "/api/auth/register", {"email": email, "password": PASSWORD, "display_name": "Ada"},
        headers={"User-Agent": agent},
    )
    assert status == 201, body
    return Api(url, body["token"], http, body["user"]["id"]), body


async def sign_in(url: str, http: aiohttp.ClientSession, email: str,
                  password: str = PASSWORD, agent: str = "pytest") -> tuple[int, Any]:
    return await Api(url, None, http).post(
        "/api/auth/login", {"email": email, "password": password}, headers={"User-Agent": agent}
    )


async def refreshed(api: Api, refresh_token: str) -> tuple[int, Any]:
    return await Api(api.url, None, api.http).post(
        "/api/auth/refresh", {"refresh_token": refresh_token}
    )


async def can_use(url: str, http: aiohttp.ClientSession, token: str) -> bool:
    status, _ = await Api(url, token, http).get("/api/auth/me")
    assert status in (200, 401)
    return status == 200


async def test_register_and_login_answer_the_contract_plus_a_refresh_token(
    url: str, http: aiohttp.ClientSession
) -> None:
    api, body = await sign_up(url, http)
    assert set(body) >= {"token", "user", "refresh_token", "expires_in"}
    assert body["expires_in"] == 900
    assert set(body["user"]) == {"id", "email", "display_name"}
    status, me = await api.get("/api/auth/me")
    assert status == 200
    assert me["user"]["email"] == body["user"]["email"] and me["user"]["roles"] == ["user"]
    status, login = await sign_in(url, http, body["user"]["email"])
    assert status == 200 and login["refresh_token"] != body["refresh_token"]


async def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_device(
    url: str, http: aiohttp.ClientSession
) -> None:
    api, first = await sign_up(url, http)
    status, second = await refreshed(api, first["refresh_token"])
    assert status == 200, second
    assert await can_use(url, http, second["token"])
    # The replaced access token is refused at once, on REST and in the handshake.
    assert not await can_use(url, http, first["token"])
    assert await refusal(url, {"token": first["token"]}) == {"message": "unauthorized"}

    status, third = await refreshed(api, second["refresh_token"])
    assert status == 200
    # Someone replays the first refresh token: the whole device is signed out.
    status, body = await refreshed(api, first["refresh_token"])
    assert status == 401 and body["error"]["code"] == "unauthorized"
    assert "already used" in body["error"]["message"]
    assert not await can_use(url, http, third["token"])
    assert await refusal(url, {"token": third["token"]}) == {"message": "unauthorized"}
    status, _ = await refreshed(api, third["refresh_token"])
    assert status == 401


async def test_bad_refresh_tokens(url: str, http: aiohttp.ClientSession) -> None:
    anonymous = Api(url, None, http)
    for token, code in [("", "invalid_payload"), ("a" * 201, "invalid_payload"),
                        (42, "invalid_payload"), ("nonsense", "unauthorized"),
                        ("abc.def", "unauthorized")]:
        status, body = await anonymous.post("/api/auth/refresh", {"refresh_token": token})
        assert body["error"]["code"] == code, (token, body)
    # A real device id with a forged secret is refused, and does not revoke the device.
    api, account = await sign_up(url, http)
    family = account["refresh_token"].split(".")[0]
    status, _ = await anonymous.post("/api/auth/refresh", {"refresh_token": f"{family}.forged"})
    assert status == 401
    assert (await refreshed(api, account["refresh_token"]))[0] == 200


async def test_logout_signs_out_this_device_only_and_logout_all_every_device(
    url: str, http: aiohttp.ClientSession
) -> None:
    api, laptop = await sign_up(url, http, agent="laptop")
    email = laptop["user"]["email"]
    _, phone = await sign_in(url, http, email, agent="phone")
    _, tablet = await sign_in(url, http, email, agent="tablet")

    status, _ = await Api(url, phone["token"], http).post("/api/auth/logout")
    assert status == 200
    assert not await can_use(url, http, phone["token"])
    assert (await refreshed(api, phone["refresh_token"]))[0] == 401
    assert await can_use(url, http, laptop["token"])

    status, _ = await Api(url, laptop["token"], http).post("/api/auth/logout-all")
    assert status == 200
    for device in (laptop, tablet):
        assert not await can_use(url, http, device["token"])
        assert await refusal(url, {"token": device["token"]}) == {"message": "unauthorized"}
        assert (await refreshed(api, device["refresh_token"]))[0] == 401
    # Signing in again works.
    status, again = await sign_in(url, http, email)
    assert status == 200 and await can_use(url, http, again["token"])


async def test_signed_in_devices_are_listed_and_one_can_be_revoked(
    url: str, http: aiohttp.ClientSession
) -> None:
    api, laptop = await sign_up(url, http, agent="Firefox on the laptop")
    _, phone = await sign_in(url, http, laptop["user"]["email"], agent="Safari on the phone")
    status, body = await api.get("/api/auth/devices")
    assert status == 200
    devices = {d["user_agent"]: d for d in body["devices"]}
    assert set(devices) == {"Firefox on the laptop", "Safari on the phone"}
    assert devices["Firefox on the laptop"]["current"] is True
    assert devices["Safari on the phone"]["current"] is False
    assert devices["Safari on the phone"]["ip"] == "127.0.0.1"
    assert devices["Safari on the phone"]["created_at"].startswith("20")

    stranger, _ = await sign_up(url, http)
    phone_id = devices["Safari on the phone"]["id"]
    status, body = await stranger.request("DELETE", f"/api/auth/devices/{phone_id}")
    assert status == 404 and body["error"]["code"] == "not_found"
    assert await can_use(url, http, phone["token"])

    status, _ = await api.request("DELETE", f"/api/auth/devices/{phone_id}")
    assert status == 200
    assert not await can_use(url, http, phone["token"])
    assert (await refreshed(api, phone["refresh_token"]))[0] == 401
    _, body = await api.get("/api/auth/devices")
    assert [d["user_agent"] for d in body["devices"]] == ["Firefox on the laptop"]
    status, body = await api.request("DELETE", f"/api/auth/devices/{phone_id}")
    assert status == 404


async def test_changing_the_password_signs_out_every_other_device(
    url: str, http: aiohttp.ClientSession
) -> None:
    api, laptop = await sign_up(url, http)
    email = laptop["user"]["email"]
    _, phone = await sign_in(url, http, email)
    status, body = await api.post("/api/auth/password/change",
                                  {"old_password": "wrong password", "new_password": "x" * 12})
    assert status == 403 and body["error"]["code"] == "forbidden"
    status, body = await api.post("/api/auth/password/change",
                                  {"old_password": PASSWORD, "new_password": "short"})
    assert status == 400 and body["error"]["code"] == "invalid_payload"

    status, changed = await api.post(
        "/api/auth/password/change",
        {"old_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert status == 200, changed
    assert await can_use(url, http, changed["token"])
    for old in (laptop["token"], phone["token"]):
        assert not await can_use(url, http, old)
    assert (await refreshed(api, phone["refresh_token"]))[0] == 401
    assert (await sign_in(url, http, email))[0] == 401
    assert (await sign_in(url, http, email, "a brand new passphrase"))[0] == 200


def reset_token(mail_text: str) -> str:
    match = re.search(r"reset-password\?token=(\S+)", mail_text)
    assert match, mail_text
    return match.group(1)


async def test_a_forgotten_password_is_reset_through_a_mailed_single_use_link(
    url: str, http: aiohttp.ClientSession, inbox: Inbox
) -> None:
    api, account = await sign_up(url, http)
    email = account["user"]["email"]
    anonymous = Api(url, None, http)
    # Unknown addresses get the same answer, and no mail.
    status, body = await anonymous.post("/api/auth/password/forgot",
                                        {"email": "nobody@example.com"})
    assert (status, body) == (202, {"ok": True})
    status, body = await anonymous.post("/api/auth/password/forgot", {"email": email.upper()})
    assert (status, body) == (202, {"ok": True})

    mail = await inbox.next()
    assert mail["To"] == email and "password" in mail["Subject"].lower()
    text = body_of(mail)
    assert "https://mockmate.example/reset-password?token=" in text
    token = reset_token(text)

    status, body = await anonymous.post("/api/auth/password/reset",
                                        {"token": token + "x", "password": "new passphrase!"})
    assert status == 401 and body["error"]["code"] == "unauthorized"
    status, body = await anonymous.post("/api/auth/password/reset",
                                        {"token": token, "password": "new passphrase!"})
    assert (status, body) == (200, {"ok": True})
    assert inbox.empty()  # the unknown address got nothing
    # Single use; the old password and every token issued before are dead.
    status, body = await anonymous.post("/api/auth/password/reset",
                                        {"token": token, "password": "another passphrase"})
    assert status == 401
    assert not await can_use(url, http, account["token"])
    assert (await refreshed(api, account["refresh_token"]))[0] == 401
    assert (await sign_in(url, http, email))[0] == 401
    assert (await sign_in(url, http, email, "new passphrase!"))[0] == 200


async def test_the_outbox_takes_the_mail_on_embedded_defaults(
    settings: Settings, http: aiohttp.ClientSession
) -> None:
    assert not settings.smtp_url
    async with running_app(settings) as url:
        _, account = await sign_up(url, http)
        status, _ = await Api(url, None, http).post(
            "/api/auth/password/forgot", {"email": account["user"]["email"]}
        )
        assert status == 202
        outbox = settings.data_dir / "outbox.jsonl"
        text = await eventually(lambda: _read(outbox))
    assert account["user"]["email"] in text and "reset-password?token=" in text


async def _read(path: Any) -> str:
    return path.read_text() if path.exists() else ""
