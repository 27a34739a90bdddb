"""Browser access from other origins on a real server: REST preflight and responses for an
allowed and a refused origin, the server's own origin always allowed, and the same rule on
the Socket.IO handshake."""

from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.support.client import register
from tests.support.server import running_app, settings_from

ALLOWED = "https://app.example.com"
REFUSED = "https://evil.example.net"


@pytest.fixture
async def url(deployment_env: dict[str, str]) -> AsyncIterator[str]:
    settings = settings_from(deployment_env,
                             MOCKMATE_CORS_ORIGINS=f"{ALLOWED}, https://other.example.org")
    async with running_app(settings) as url:
        yield url


def preflight(origin: str) -> dict[str, str]:
    return {"Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type"}


async def test_rest_preflight_and_responses(url: str) -> None:
    token = await register(url, "cors@example.com")
    async with aiohttp.ClientSession() as http:
        async with http.options(f"{url}/api/resumes", headers=preflight(ALLOWED)) as response:
            assert response.status == 204
            assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
            assert "POST" in response.headers["Access-Control-Allow-Methods"]
            assert "Authorization" in response.headers["Access-Control-Allow-Headers"]
        async with http.options(f"{url}/api/resumes", headers=preflight(REFUSED)) as response:
            assert response.status == 403
            assert "Access-Control-Allow-Origin" not in response.headers
            assert (await response.json())["error"]["code"] == "forbidden"

        auth = {"Authorization": f"Bearer {token}"}
        async with http.get(f"{url}/api/auth/me", headers={**auth, "Origin": ALLOWED}) as r:
            assert r.status == 200 and r.headers["Access-Control-Allow-Origin"] == ALLOWED
        async with http.get(f"{url}/api/auth/me", headers={**auth, "Origin": REFUSED}) as r:
            assert "Access-Control-Allow-Origin" not in r.headers
        # Errors carry the header too, so the page can read them.
        async with http.get(f"{url}/api/auth/me", headers={"Origin": ALLOWED}) as r:
            assert r.status == 401 and r.headers["Access-Control-Allow-Origin"] == ALLOWED
        # The server's own page is always allowed.
        async with http.options(f"{url}/api/resumes", headers=preflight(url)) as response:
            assert response.status == 204
            assert response.headers["Access-Control-Allow-Origin"] == url


async def test_socketio_handshake_follows_the_same_origins(url: str) -> None:
    async with aiohttp.ClientSession() as http:
        for origin, allowed in [(ALLOWED, True), (url, True), (REFUSED, False)]:
            async with http.get(f"{url}/socket.io/", params={"EIO": "4", "transport": "polling"},
                                headers={"Origin": origin}) as response:
                assert (response.status == 200) is allowed, (origin, response.status)
                if allowed:
                    assert response.headers["Access-Control-Allow-Origin"] == origin
