"""Every typed success response of docs/openapi.json against a real server: a user signs up,
signs in with two-factor, resets a password, takes an interview, books an expert and so on,
and each JSON answer is validated against the schema the served `/openapi.json` declares for
its route. The routes seen must be every typed route, so a handler that starts sending
something its model does not describe, or a typed route nobody exercised, fails here."""

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pyotp
import pytest

from tests.integration.test_progress import complete_interview
from tests.support.client import Candidate
from tests.support.marketplace import Api
from tests.support.openapi_check import CheckedApi, Documented
from tests.support.server import running_app, settings_from
from tests.support.smtp import Inbox, body_of, smtp_server

PASSWORD = "correct horse battery"


@pytest.fixture
async def inbox() -> AsyncIterator[Inbox]:
    with smtp_server() as inbox:
        yield inbox


@pytest.fixture
async def url(deployment_env: dict[str, str], inbox: Inbox) -> AsyncIterator[str]:
    settings = settings_from(deployment_env, MOCKMATE_SMTP_URL=inbox.url,
                             MOCKMATE_PUBLIC_URL="https://mockmate.example")
    async with running_app(settings) as url:
        yield url


class Scenario:
    """One deployment's users, every answer checked against the served document."""

    def __init__(self, url: str, http: aiohttp.ClientSession, documented: Documented,
                 inbox: Inbox):
        self.url, self.http, self.documented, self.inbox = url, http, documented, inbox
        self.clients: list[Candidate] = []

    def api(self, token: str | None = None, user_id: str = "") -> CheckedApi:
        return CheckedApi(Api(self.url, token, self.http, user_id), self.documented)

    async def sign_up(self) -> tuple[CheckedApi, dict[str, Any]]:
        email = f"{uuid.uuid4().hex[:10]}@example.com"
        status, body = await self.api().post("/api/auth/register", {
            "email": email, "password": PASSWORD, "display_name": "Ada"})
        assert status == 201, body
        return self.api(body["token"], body["user"]["id"]), body

    async def ok(self, api: Api, method: str, path: str, body: Any = None,
                 **kwargs: Any) -> Any:
        if method == "GET":
            status, answer = await api.get(path, **kwargs)
        else:
            status, answer = await api.request(method, path, json=body, **kwargs)
        assert 200 <= status < 300, (method, path, status, answer)
        return answer


async def account_routes(s: Scenario) -> None:
    api, signed_up = await s.sign_up()
    email = signed_up["user"]["email"]
    anonymous = s.api()
    await s.ok(anonymous, "POST", "/api/auth/login", {"email": email, "password": PASSWORD})
    await s.ok(api, "GET", "/api/auth/me")
    refreshed = await s.ok(anonymous, "POST", "/api/auth/refresh",
                           {"refresh_token": signed_up["refresh_token"]})
    api = s.api(refreshed["token"], api.user_id)
    devices = await s.ok(api, "GET", "/api/auth/devices")
    other = [d for d in devices["devices"] if not d["current"]]
    assert other  # the first login's device
    await s.ok(api, "DELETE", f"/api/auth/devices/{other[0]['id']}")
    # Two-factor sign-in: on, a sign-in in two steps, off.
    await s.ok(api, "GET", "/api/auth/2fa")
    setup = await s.ok(api, "POST", "/api/auth/2fa/setup")
    enabled = await s.ok(api, "POST", "/api/auth/2fa/enable",
                         {"code": pyotp.TOTP(setup["secret"]).now()})
    challenge = await s.ok(anonymous, "POST", "/api/auth/login",
                           {"email": email, "password": PASSWORD})
    assert challenge["mfa_required"] is True
    await s.ok(anonymous, "POST", "/api/auth/login/2fa", {
        "mfa_token": challenge["mfa_token"], "recovery_code": enabled["recovery_codes"][0]})
    await s.ok(api, "POST", "/api/auth/2fa/disable",
               {"recovery_code": enabled["recovery_codes"][1]})
    changed = await s.ok(api, "POST", "/api/auth/password/change",
                         {"old_password": PASSWORD, "new_password": "new passphrase!"})
    api = s.api(changed["token"], api.user_id)
    await s.ok(anonymous, "POST", "/api/auth/password/forgot", {"email": email})
    token = re.search(r"reset-password\?token=(\S+)", body_of(await s.inbox.next()))
    assert token is not None
    await s.ok(anonymous, "POST", "/api/auth/password/reset",
               {"token": token.group(1), "password": PASSWORD})
    signed_in = await s.ok(anonymous, "POST", "/api/auth/login",
                           {"email": email, "password": PASSWORD})
    api = s.api(signed_in["token"], api.user_id)
    await s.ok(api, "POST", "/api/auth/logout-all")
    signed_in = await s.ok(anonymous, "POST", "/api/auth/login",
                           {"email": email, "password": PASSWORD})
    await s.ok(s.api(signed_in["token"]), "POST", "/api/auth/logout")
    await s.ok(anonymous, "GET", "/health")


async def progress_routes(s: Scenario) -> Candidate:
    """A candidate who took a two-question text interview, then their `/api/me` views."""
    api, _ = await s.sign_up()
    client = await Candidate(s.url, api.token or "").connect()
    s.clients.append(client)
    await complete_interview(client)
    await s.ok(api, "GET", "/api/me/profile")
    await s.ok(api, "PATCH", "/api/me/profile", {"bio": "Backend engineer."})
    await s.ok(api, "GET", "/api/me/statistics")
    await s.ok(api, "GET", "/api/me/statistics", range="month")
    await s.ok(api, "GET", "/api/me/benchmarks")
    await s.ok(api, "POST", "/api/me/learning-path",
               {"minutes_per_week": 24, "target_role": "Backend Engineer"})
    await s.ok(api, "GET", "/api/me/learning-path")
    view = await s.ok(api, "GET", "/api/me/gamification")
    keep = next(c for c in view["challenges"] if c["kind"] == "keep_streak")
    await s.ok(api, "POST", f"/api/me/challenges/{keep['id']}/claim")
    await s.ok(api, "POST", "/api/me/onboarding/complete")
    deadline = (datetime.now(UTC).date() + timedelta(days=20)).isoformat()
    goal = await s.ok(api, "POST", "/api/me/goals", {
        "kind": "category_mastery", "target": 5, "category": "technical",
        "deadline": deadline})
    goal_id = goal["goal"]["id"]
    await s.ok(api, "PATCH", f"/api/me/goals/{goal_id}", {"paused": True})
    await s.ok(api, "GET", "/api/me/goals")
    await s.ok(api, "DELETE", f"/api/me/goals/{goal_id}")
    await history_routes(s, api)
    return client


async def history_routes(s: Scenario, api: CheckedApi) -> None:
    """The interview just taken, in the history, shared and deleted."""
    listed = await s.ok(api, "GET", "/api/interviews")
    await s.ok(api, "GET", "/api/interviews", status="completed", q="engineer")
    interview_id = listed["interviews"][0]["id"]
    detail = await s.ok(api, "GET", f"/api/interviews/{interview_id}")
    assert detail["interview"]["answers"][0]["evaluation"] is not None
    link = await s.ok(api, "POST", f"/api/interviews/{interview_id}/share", {})
    await s.ok(s.api(), "GET", f"/api/share/{link['token']}")
    await s.ok(api, "DELETE", f"/api/interviews/{interview_id}/share/{link['token']}")
    await s.ok(api, "DELETE", f"/api/interviews/{interview_id}")


async def test_every_typed_response_is_what_the_server_sends(
    url: str, inbox: Inbox
) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
        async with http.get(f"{url}/openapi.json") as response:
            documented = Documented(await response.json())
        s = Scenario(url, http, documented, inbox)
        try:
            await account_routes(s)
            await progress_routes(s)
            _, last = await s.sign_up()  # (last: it goes)
            await s.ok(s.api(last["token"]), "DELETE", "/api/me")
        finally:
            for client in s.clients:
                await client.close()
    missing = documented.typed() - documented.covered
    assert not missing, f"typed routes no request exercised: {sorted(missing)}"
