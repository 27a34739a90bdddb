"""TOTP two-factor sign-in on real services: turned on with a code from an authenticator
(pyotp playing the app), a password alone then yields only a single-use `mfa_token`; a code
or a recovery code finishes the sign-in, each accepted once; turning it off restores
one-step sign-in."""

import time

import aiohttp
import pyotp

from tests.conftest import CandidateFactory
from tests.support.marketplace import Api

EMAIL, PASSWORD = "otp@example.com", "correct horse battery"


async def test_two_factor_sign_in_with_codes_and_recovery_codes(
    candidates: CandidateFactory,
) -> None:
    client = await candidates.new(EMAIL)
    async with aiohttp.ClientSession() as http:
        api, anonymous = Api(client.url, client.token, http), Api(client.url, None, http)

        async def password_step() -> dict[str, object]:
            status, body = await anonymous.post("/api/auth/login",
                                                {"email": EMAIL, "password": PASSWORD})
            assert status == 200, body
            return dict(body)

        status, setup = await api.post("/api/auth/2fa/setup")
        assert status == 200 and setup["otpauth_url"].startswith("otpauth://totp/")
        app = pyotp.TOTP(setup["secret"])
        status, body = await api.post("/api/auth/2fa/enable", {"code": "12345678"})
        assert status == 401 and body["error"]["code"] == "unauthorized"
        # The authenticator's codes for this time step and the next (the server accepts one
        # step of drift either way, each step once).
        now = time.time()
        this_step, next_step = app.at(now), app.at(now, counter_offset=1)
        status, enabled = await api.post("/api/auth/2fa/enable", {"code": this_step})
        assert status == 200 and len(enabled["recovery_codes"]) == 10
        _, state = await api.get("/api/auth/2fa")
        assert state == {"enabled": True, "recovery_codes_left": 10}

        first = await password_step()
        assert first["mfa_required"] is True and "token" not in first
        wrong = {"mfa_token": first["mfa_token"], "code": "12345678"}
        status, body = await anonymous.post("/api/auth/login/2fa", wrong)
        assert status == 401
        # A wrong code spends the mfa token: the password step comes again.
        status, body = await anonymous.post("/api/auth/login/2fa", {
            "mfa_token": first["mfa_token"], "code": next_step})
        assert status == 401 and "sign in again" in body["error"]["message"]

        second = await password_step()
        status, body = await anonymous.post("/api/auth/login/2fa", {
            "mfa_token": second["mfa_token"], "code": this_step})
        assert status == 401  # spent when two-factor sign-in was turned on
        second = await password_step()
        status, signed_in = await anonymous.post("/api/auth/login/2fa", {
            "mfa_token": second["mfa_token"], "code": next_step})
        assert status == 200, signed_in
        assert signed_in["token"] and signed_in["refresh_token"]
        again = await password_step()
        status, body = await anonymous.post("/api/auth/login/2fa", {
            "mfa_token": again["mfa_token"], "code": next_step})
        assert status == 401  # a code is accepted once

        recovery = enabled["recovery_codes"][0]
        third = await password_step()
        status, signed_in = await anonymous.post("/api/auth/login/2fa", {
            "mfa_token": third["mfa_token"], "recovery_code": recovery})
        assert status == 200, signed_in
        status, me = await Api(client.url, signed_in["token"], http).get("/api/auth/me")
        assert status == 200 and me["user"]["email"] == EMAIL
        fourth = await password_step()
        status, body = await anonymous.post("/api/auth/login/2fa", {
            "mfa_token": fourth["mfa_token"], "recovery_code": recovery})
        assert status == 401  # a recovery code works once
        _, state = await api.get("/api/auth/2fa")
        assert state["recovery_codes_left"] == 9

        for bad in [{"mfa_token": "x" * 20}, {"code": "123456"},
                    {"mfa_token": "x" * 20, "code": "abcdef"}]:
            status, body = await anonymous.post("/api/auth/login/2fa", bad)
            assert status in (400, 401), bad
            assert body["error"]["code"] in ("invalid_payload", "unauthorized")

        status, body = await api.post("/api/auth/2fa/disable",
                                      {"recovery_code": enabled["recovery_codes"][1]})
        assert status == 200 and body == {"enabled": False}
        plain = await password_step()
        assert plain["token"] and "mfa_required" not in plain
