"""Sign-up and login are throttled per client address and per account address, counted in
Redis so that every server process enforces the same limits."""

from typing import Any

import aiohttp

from tests.support.server import running_app, settings_from


async def test_credential_requests_are_limited_per_address_and_account_on_every_process(
    deployment_env: dict[str, str],
) -> None:
    settings = settings_from(deployment_env, MOCKMATE_AUTH_PER_IP="6",
                             MOCKMATE_AUTH_PER_ADDRESS="3", MOCKMATE_AUTH_WINDOW_S="600")
    async with running_app(settings) as one, running_app(settings) as two, \
            aiohttp.ClientSession() as http:

        async def post(url: str, path: str, email: str) -> tuple[int, dict[str, Any]]:
            async with http.post(f"{url}/api/auth/{path}", json={
                    "email": email, "password": "correct horse battery",
                    "display_name": "Ada"}) as r:
                return r.status, await r.json()

        assert (await post(one, "register", "ada@example.com"))[0] == 201
        assert (await post(two, "login", "ada@example.com"))[0] == 200
        assert (await post(one, "login", "ada@example.com"))[0] == 200
        status, body = await post(two, "login", "ada@example.com")  # 4th for this account
        assert status == 429 and body["error"]["code"] == "rate_limited"
        assert "account" in body["error"]["message"]
        assert 0 < body["error"]["retry_after_s"] <= 600

        assert (await post(two, "register", "bob@example.com"))[0] == 201
        assert (await post(one, "register", "cy@example.com"))[0] == 201  # 6th from 127.0.0.1
        status, body = await post(two, "register", "dee@example.com")
        assert status == 429 and body["error"]["code"] == "rate_limited"
        assert "address" in body["error"]["message"]
        assert 0 < body["error"]["retry_after_s"] <= 600
        status, body = await post(one, "login", "bob@example.com")  # the same on the other
        assert status == 429 and body["error"]["code"] == "rate_limited"
