"""Bad events get contract error codes in their acks, and the connection stays usable."""

import time
from typing import Any

import aiohttp
import jwt
import pytest
import socketio

from mockmate.config import Settings
from tests.conftest import CandidateFactory
from tests.support.client import Candidate, register
from tests.support.server import running_app, settings_from

VALID_START = {"role": "Backend Engineer", "interview_type": "technical",
               "difficulty": "mid", "question_count": 2}

BAD_STARTS: list[tuple[str, Any, str]] = [
    ("no payload", None, "invalid_payload"),
    ("a list", [1, 2], "invalid_payload"),
    ("a string", "start", "invalid_payload"),
    ("missing role", {**VALID_START, "role": None}, "invalid_payload"),
    ("empty role", {**VALID_START, "role": ""}, "invalid_payload"),
    ("unknown type", {**VALID_START, "interview_type": "trivia"}, "invalid_payload"),
    ("unknown difficulty", {**VALID_START, "difficulty": "guru"}, "invalid_payload"),
    ("count as string", {**VALID_START, "question_count": "3"}, "invalid_payload"),
    ("count zero", {**VALID_START, "question_count": 0}, "invalid_payload"),
    ("count too big", {**VALID_START, "question_count": 21}, "invalid_payload"),
    ("no count, no questions", {k: v for k, v in VALID_START.items() if k != "question_count"},
     "invalid_payload"),
    ("unknown template", {**VALID_START, "template": "nope"}, "invalid_payload"),
    ("bad audio format", {**VALID_START, "audio_format": "flac"}, "invalid_payload"),
    ("huge job description", {**VALID_START, "job_description": "x" * 20_001}, "too_large"),
    ("empty own question", {**VALID_START, "questions": [{"text": ""}]}, "invalid_payload"),
]


@pytest.mark.parametrize(("case", "payload", "code"), BAD_STARTS, ids=[c[0] for c in BAD_STARTS])
async def test_bad_start_payloads(
    candidates: CandidateFactory, case: str, payload: Any, code: str
) -> None:
    client = await candidates.new()
    ack = await client.call("interview:start", payload)
    assert ack["ok"] is False, case
    assert ack["error"]["code"] == code
    assert ack["error"]["message"]
    # The same connection still works.
    assert (await client.call("interview:start", VALID_START))["ok"]


async def test_bad_session_events_get_their_codes(candidates: CandidateFactory) -> None:
    owner = await candidates.new()
    intruder = await candidates.new()
    sid = (await owner.call("interview:start", VALID_START))["session_id"]
    await owner.expect("interview:question", session_id=sid, index=0)

    cases: list[tuple[Candidate, str, Any, str]] = [
        (owner, "interview:next", {"session_id": "does-not-exist"}, "not_found"),
        (owner, "interview:next", {"session_id": 12}, "invalid_payload"),
        (owner, "interview:next", {}, "invalid_payload"),
        (intruder, "interview:end", {"session_id": sid}, "not_found"),
        (intruder, "interview:resume", {"session_id": sid}, "not_found"),
        (intruder, "answer:submit", {"session_id": sid, "index": 0, "text": "hi"}, "not_found"),
        (owner, "answer:submit", {"session_id": sid, "index": 5, "text": "hi"}, "invalid_state"),
        (owner, "answer:submit", {"session_id": sid, "index": "0", "text": "hi"},
         "invalid_payload"),
        (owner, "answer:submit", {"session_id": sid, "index": 0, "text": "   "},
         "invalid_payload"),
        (owner, "answer:submit", {"session_id": sid, "index": 0, "text": "x" * 20_001},
         "too_large"),
        (owner, "answer:submit", {"session_id": sid, "index": 0}, "invalid_payload"),
        (owner, "interview:resume", {"session_id": "x" * 65}, "invalid_payload"),
        (owner, "no:such:event", {"session_id": sid}, "invalid_payload"),
    ]
    for client, event, payload, code in cases:
        ack = await client.call(event, payload)
        assert ack["ok"] is False, (event, payload)
        assert ack["error"]["code"] == code, (event, payload, ack)
    # Another user's session answers exactly like one that does not exist.
    for event, extra in [("interview:end", {}), ("interview:resume", {}), ("interview:next", {}),
                         ("answer:submit", {"index": 0, "text": "hi"}),
                         ("answer:chunk", {"index": 0, "seq": 0, "data": b"\0\0"})]:
        theirs = await intruder.call(event, {"session_id": sid, **extra})
        unknown = await intruder.call(event, {"session_id": "no-such-session", **extra})
        assert theirs == unknown and theirs["error"]["code"] == "not_found", (event, theirs)

    # Nothing above changed the interview: the owner answers and finishes normally.
    ack = await owner.call("answer:submit", {"session_id": sid, "index": 0, "text": "An answer"})
    assert ack["ok"]
    await owner.expect("interview:question", session_id=sid, index=1)
    assert owner.sio.connected and intruder.sio.connected


async def test_a_flood_is_rate_limited_without_disconnecting(
    deployment_env: dict[str, str],
) -> None:
    settings: Settings = settings_from(
        deployment_env, MOCKMATE_RATE_LIMIT_PER_S="2", MOCKMATE_RATE_LIMIT_BURST="5"
    )
    async with running_app(settings) as url:
        client = Candidate(url, await register(url, "flood@example.com"))
        await client.connect()
        try:
            acks = [await client.call("interview:resume", {"session_id": "x"}) for _ in range(12)]
            codes = [a["error"]["code"] for a in acks]
            assert codes[:5] == ["not_found"] * 5
            assert codes.count("rate_limited") >= 6
            assert client.sio.connected
        finally:
            await client.close()


async def refusal(url: str, auth: Any) -> Any:
    """The `connect_error` data a client gets when the handshake is refused."""
    client = socketio.AsyncClient(reconnection=False)
    errors: list[Any] = []
    client.on("connect_error", errors.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)
    assert not client.connected
    assert len(errors) == 1
    return errors[0]


@pytest.mark.parametrize("auth", [None, {}, {"token": "nonsense"}, {"token": 42}, "token"])
async def test_bad_tokens_are_refused_at_the_handshake(server_url: str, auth: Any) -> None:
    assert (await refusal(server_url, auth)) == {"message": "unauthorized"}


async def test_expired_and_foreign_tokens_are_refused(settings: Settings, server_url: str) -> None:
    from mockmate.auth.tokens import TokenIssuer

    past = int(time.time()) - 60
    expired = jwt.encode({"sub": "someone", "iat": past - 60, "exp": past, "iss": "mockmate"},
                         settings.jwt_secret, algorithm="HS256")
    foreign = TokenIssuer("a-different-secret-" + "z" * 30, ttl_s=60).issue("u", ("user",))
    unknown_user = TokenIssuer(settings.jwt_secret, ttl_s=60).issue("ghost", ("user",))
    for token in (expired, foreign, unknown_user):
        assert (await refusal(server_url, {"token": token})) == {"message": "unauthorized"}


async def test_rest_errors_use_contract_codes(server_url: str) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server_url}/api/interviews") as r:
            assert r.status == 401 and (await r.json())["error"]["code"] == "unauthorized"
        async with http.post(f"{server_url}/api/auth/register", data="not json") as r:
            assert r.status == 400 and (await r.json())["error"]["code"] == "invalid_payload"
        bad = {"email": "not-an-email", "password": "short", "display_name": ""}
        async with http.post(f"{server_url}/api/auth/register", json=bad) as r:
            body = await r.json()
            assert r.status == 400
            fields = {f["field"] for f in body["error"]["fields"]}
            assert fields == {"email", "password", "display_name"}
        good = {"email": "Dup@Example.com", "password": "long enough pw", "display_name": "D"}
        async with http.post(f"{server_url}/api/auth/register", json=good) as r:
            assert r.status == 201
        async with http.post(f"{server_url}/api/auth/register",
                             json={**good, "email": "dup@example.com"}) as r:
            assert r.status == 409 and (await r.json())["error"]["code"] == "conflict"
        async with http.post(f"{server_url}/api/auth/login",
                             json={"email": "dup@example.com", "password": "wrong password"}) as r:
            assert r.status == 401
        async with http.post(f"{server_url}/api/auth/login",
                             json={"email": "DUP@example.com", "password": "long enough pw"}) as r:
            assert r.status == 200
            body = await r.json()
            assert body["user"]["email"] == "dup@example.com" and body["token"]
        async with http.get(f"{server_url}/api/nothing-here") as r:
            assert r.status == 404 and (await r.json())["error"]["code"] == "not_found"
        async with http.get(f"{server_url}/api/interviews?page=abc",
                            headers={"Authorization": f"Bearer {body['token']}"}) as r:
            assert r.status == 400


async def test_password_guessing_locks_the_account_s_logins_on_every_process(
    deployment_env: dict[str, str],
) -> None:
    settings = settings_from(deployment_env, MOCKMATE_LOGIN_MAX_FAILURES="3")
    async with running_app(settings) as one, running_app(settings) as two, \
            aiohttp.ClientSession() as http:
        await register(one, "guess@example.com", "the right password")

        async def login(url: str, password: str) -> tuple[int, dict[str, Any]]:
            async with http.post(f"{url}/api/auth/login", json={
                "email": "guess@example.com", "password": password}) as r:
                return r.status, await r.json()

        assert (await login(two, "the right password"))[0] == 200
        for url in (one, two, one):
            assert (await login(url, "a guess"))[0] == 401
        status, body = await login(two, "the right password")  # even the right one, now
        assert status == 429 and body["error"]["code"] == "rate_limited"
        assert 0 < body["error"]["retry_after_s"] <= 900
        async with http.post(f"{one}/api/auth/login", json={
                "email": "other@example.com", "password": "whatever it is"}) as r:
            assert r.status == 401  # other accounts are not affected


async def test_health_and_metrics(candidates: CandidateFactory, server_url: str) -> None:
    client = await candidates.new()
    await client.call("interview:start", {"role": ""})
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server_url}/health") as r:
            assert await r.json() == {"status": "ok", "protocol": 1, "redis": "ok", "mongo": "ok",
                                      "jobs": "ok"}
        async with http.get(f"{server_url}/metrics") as r:
            text = await r.text()
    assert 'mockmate_events_total{event="interview:start"} 1.0' in text
    assert 'mockmate_event_errors_total{code="invalid_payload",event="interview:start"} 1.0' in text
    assert 'mockmate_ack_seconds_bucket{event="interview:start"' in text
    assert "mockmate_connections 1.0" in text
