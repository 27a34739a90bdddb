"""Revocation holds on every process at once: two real `mockmate serve` processes share
Redis and MongoDB, and what one revokes the other refuses on REST and at the handshake."""

import asyncio
from collections.abc import Callable

import aiohttp

from tests.integration.test_account_security import can_use, sign_up
from tests.integration.test_bad_input import refusal
from tests.support.client import Candidate
from tests.support.marketplace import Api
from tests.support.server import ServerProcess


async def test_a_reused_refresh_token_is_refused_and_revokes_on_another_process(
    spawn: Callable[..., ServerProcess],
) -> None:
    a, b = await asyncio.gather(spawn("a").ready(), spawn("b").ready())
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        _, first = await sign_up(a.url, http)
        status, second = await Api(a.url, None, http).post(
            "/api/auth/refresh", {"refresh_token": first["refresh_token"]}
        )
        assert status == 200
        # B refuses the token A replaced, and the rotated refresh token.
        assert await can_use(b.url, http, second["token"])
        assert not await can_use(b.url, http, first["token"])
        status, body = await Api(b.url, None, http).post(
            "/api/auth/refresh", {"refresh_token": first["refresh_token"]}
        )
        assert status == 401 and body["error"]["code"] == "unauthorized"
        # That reuse revoked the device: A and B refuse its newest tokens at once.
        for server in (a, b):
            assert not await can_use(server.url, http, second["token"])
            assert await refusal(server.url, {"token": second["token"]}) == \
                {"message": "unauthorized"}
        status, _ = await Api(a.url, None, http).post(
            "/api/auth/refresh", {"refresh_token": second["refresh_token"]}
        )
        assert status == 401

        # Logout-all on B signs out a device that signed in on A.
        _, other = await sign_up(a.url, http)
        status, login = await Api(a.url, None, http).post(
            "/api/auth/login", {"email": other["user"]["email"],
                                "password": "correct horse battery"},
        )
        assert status == 200
        # A's handshake has that user's epoch in Redis (it reads no user document)...
        socket = await Candidate(a.url, login["token"]).connect()
        await socket.close()
        assert (await Api(b.url, other["token"], http).post("/api/auth/logout-all"))[0] == 200
        # ...and B's logout-all raised it there: A refuses the token at once.
        assert not await can_use(a.url, http, login["token"])
        assert await refusal(a.url, {"token": login["token"]}) == {"message": "unauthorized"}
