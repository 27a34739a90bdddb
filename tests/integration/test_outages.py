"""Redis or MongoDB away for a while, mid-interview, on services of the test's own that it
stops and starts again on the same address: the socket stays, requests answer `unavailable`
(retryable; 503 over REST), `/health` says `degraded`, and everything resumes by itself."""

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import jwt
from redis.asyncio import Redis

from mockmate.auth.tokens import TokenIssuer
from mockmate.redis_keys import RedisKeys
from tests.integration.test_bad_input import refusal
from tests.support import server as test_server
from tests.support.client import Candidate, register
from tests.support.server import running_app, settings_from
from tests.support.services import free_port, mongo_server, redis_server
from tests.support.waiting import eventually

START = {"role": "Backend Engineer", "interview_type": "technical", "difficulty": "mid",
         "question_count": 3}
QUICK = {"MOCKMATE_MONGO_SELECT_TIMEOUT_S": "0.5", "MOCKMATE_MONGO_POOL_TIMEOUT_S": "0.5",
         "MOCKMATE_REDIS_CONNECT_TIMEOUT_S": "0.5", "MOCKMATE_REDIS_POOL_TIMEOUT_S": "0.5"}


class Restartable:
    """A service context manager entered, left and entered again on the same port."""

    def __init__(self, make: "Any") -> None:
        self._make = make
        self._current: AbstractContextManager[str] | None = None

    def start(self) -> str:
        self._current = self._make()
        return self._current.__enter__()

    def stop(self) -> None:
        if self._current is not None:
            self._current.__exit__(None, None, None)
            self._current = None


def restartable(make: "Any") -> Iterator[Restartable]:
    service = Restartable(make)
    try:
        yield service
    finally:
        service.stop()


async def get(http: aiohttp.ClientSession, url: str, token: str | None = None
              ) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with http.get(url, headers=headers) as r:
        return r.status, await r.json()


async def health_is(http: aiohttp.ClientSession, url: str, status: str) -> dict[str, Any]:
    _, body = await get(http, f"{url}/health")
    return body if body["status"] == status else {}


def texts(interview: dict[str, Any]) -> list[str]:
    return [a["transcript"]["text"] for a in interview["interview"]["answers"]]


def unavailable(ack: dict[str, Any]) -> bool:
    return (ack["ok"] is False and ack["error"]["code"] == "unavailable"
            and ack["error"]["retryable"] is True)


async def test_redis_restarted_empty_answers_unavailable_then_rebuilds_its_queue(
    mongo_url: str, tmp_path: Path
) -> None:
    port = free_port()
    for service in restartable(lambda: redis_server(port)):
        redis_url = service.start()
        env = test_server.test_env(redis_url, mongo_url, uuid.uuid4().hex[:12], tmp_path / "data")
        async with running_app(settings_from(env, **QUICK)) as url, \
                aiohttp.ClientSession() as http:
            token = await register(url, "restart@example.com")
            client = await Candidate(url, token).connect()
            try:
                sid = (await client.call("interview:start", START))["session_id"]
                await client.expect("interview:question", session_id=sid, index=0)
                ack = await client.call("answer:submit",
                                        {"session_id": sid, "index": 0, "text": "First one"})
                assert ack["ok"], ack
                await client.expect("answer:transcript", answer_id=ack["answer_id"])

                service.stop()
                assert unavailable(await client.call("interview:resume", {"session_id": sid}))
                status, body = await get(http, f"{url}/health")
                assert (status, body["status"], body["redis"]) == (503, "degraded",
                                                                   "unreachable")
                assert client.sio.connected

                service.start()  # empty: no sessions, no stream, no consumer group
                await eventually(lambda: health_is(http, url, "ok"))
                # The session went with Redis; its stored answer did not.
                ack = await client.call("interview:resume", {"session_id": sid})
                assert ack["error"]["code"] == "not_found", ack
                async def abandoned() -> dict[str, Any]:
                    _, body = await get(http, f"{url}/api/interviews/{sid}", token)
                    return body if body["interview"]["status"] == "abandoned" else {}

                body = await eventually(abandoned)  # not left in progress forever
                assert texts(body) == ["First one"]
                # Work goes on without a restart: a new interview's answer is transcribed by
                # the job queue, whose consumer group was recreated.
                new = (await client.call("interview:start", START))["session_id"]
                await client.expect("interview:question", session_id=new, index=0)
                ack = await client.call("answer:submit",
                                        {"session_id": new, "index": 0, "text": "Second"})
                assert ack["ok"], ack
                await client.expect("answer:transcript", answer_id=ack["answer_id"])
                await client.expect("interview:question", session_id=new, index=1)
            finally:
                await client.close()


@dataclass
class MidInterview:
    """A server whose MongoDB the test stops and starts, and a candidate at question 0."""

    mongo: Restartable
    url: str
    http: aiohttp.ClientSession
    token: str
    client: Candidate
    sid: str
    prefix: str  # the deployment's Redis prefix


@asynccontextmanager
async def interview_on_restartable_mongo(redis_url: str, tmp_path: Path, email: str
                                         ) -> AsyncIterator[MidInterview]:
    port, data = free_port(), tmp_path / "mongo"
    for service in restartable(lambda: mongo_server(data, port)):
        mongo_url = service.start()
        env = test_server.test_env(redis_url, mongo_url, uuid.uuid4().hex[:12], tmp_path / "data")
        async with running_app(settings_from(env, **QUICK)) as url, \
                aiohttp.ClientSession() as http:
            token = await register(url, email)
            client = await Candidate(url, token).connect()
            try:
                sid = (await client.call("interview:start", START))["session_id"]
                await client.expect("interview:question", session_id=sid, index=0)
                yield MidInterview(service, url, http, token, client, sid,
                                   env["MOCKMATE_REDIS_PREFIX"])
            finally:
                await client.close()


async def test_mongodb_away_answers_unavailable_and_the_interview_resumes(
    redis_url: str, tmp_path: Path
) -> None:
    async with interview_on_restartable_mongo(redis_url, tmp_path, "outage@example.com") as it:
        service, url, http, token, client, sid = (
            it.mongo, it.url, it.http, it.token, it.client, it.sid)
        service.stop()
        ack = await client.call("answer:submit",
                                {"session_id": sid, "index": 0, "text": "Kept answer"})
        assert unavailable(ack), ack  # not acked, so the client sends it again
        status, body = await get(http, f"{url}/api/interviews", token)
        assert (status, body["error"]["code"]) == (503, "unavailable")
        assert body["error"]["retryable"] is True
        status, body = await get(http, f"{url}/health")
        assert status == 503
        assert (body["status"], body["mongo"], body["redis"]) == (
            "degraded", "unreachable", "ok")
        assert client.sio.connected
        # A second socket of the same user is let in: the handshake checks the token
        # against Redis, which knows the user's epoch since the first one.
        second = await Candidate(url, token).connect()
        assert unavailable(await second.call("interview:resume", {"session_id": sid}))
        await second.close()
        # One whose user Redis does not know yet cannot have its token checked:
        # refused as retryable, not as a bad token (which a client would answer by
        # signing out).
        user_id = jwt.decode(token, options={"verify_signature": False})["sub"]
        redis = Redis.from_url(redis_url)
        await redis.delete(RedisKeys(it.prefix).auth_epoch(user_id))
        await redis.aclose()
        assert await refusal(url, {"token": token}) == {
            "message": "unavailable",
            "data": {"code": "unavailable", "retryable": True}}

        service.start()
        await eventually(lambda: health_is(http, url, "ok"))
        ack = await client.call("answer:submit",
                                {"session_id": sid, "index": 0, "text": "Kept answer"})
        assert ack["ok"], ack
        await client.expect("answer:transcript", answer_id=ack["answer_id"])
        await client.expect("interview:question", session_id=sid, index=1)
        status, body = await get(http, f"{url}/api/interviews/{sid}", token)
        assert status == 200, body
        assert texts(body) == ["Kept answer"]


async def test_redis_away_refuses_new_sockets_as_retryable_then_lets_them_in(
    mongo_url: str, tmp_path: Path
) -> None:
    port = free_port()
    for service in restartable(lambda: redis_server(port)):
        redis_url = service.start()
        env = test_server.test_env(redis_url, mongo_url, uuid.uuid4().hex[:12], tmp_path / "data")
        async with running_app(settings_from(env, **QUICK)) as url:
            token = await register(url, "handshake@example.com")
            user_id = jwt.decode(token, options={"verify_signature": False})["sub"]
            # A token of no refresh family is checked without Redis: its socket is refused
            # when its presence cannot be recorded, not half-registered.
            bare = TokenIssuer(test_server.TEST_SECRET, 600).issue(user_id, ("user",))
            service.stop()
            retryable = {"message": "unavailable",
                         "data": {"code": "unavailable", "retryable": True}}
            assert await refusal(url, {"token": token}) == retryable
            assert await refusal(url, {"token": bare}) == retryable

            service.start()
            client = await Candidate(url, bare).connect()
            try:
                ack = await client.call("interview:start", START)
                assert ack["ok"], ack
                await client.expect("interview:question", session_id=ack["session_id"], index=0)
            finally:
                await client.close()


async def test_an_interview_ended_while_mongodb_is_away_completes_when_it_returns(
    redis_url: str, tmp_path: Path
) -> None:
    # The end is a change of the session in Redis: it is made and acknowledged even while
    # MongoDB cannot record it; the finalize job queued with it records it once MongoDB is
    # back (before, the ack said `unavailable` after the change was made, and a retry was
    # refused as `invalid_state`, with the interview left `in_progress` for good).
    async with interview_on_restartable_mongo(redis_url, tmp_path,
                                              "ended-in-outage@example.com") as it:
        it.mongo.stop()
        ack = await it.client.call("interview:end", {"session_id": it.sid})
        assert ack == {"ok": True, "state": "completed"}, ack
        again = await it.client.call("interview:end", {"session_id": it.sid})
        assert again["error"]["code"] == "invalid_state", again  # ended: not "try again"
        it.mongo.start()
        await eventually(lambda: health_is(it.http, it.url, "ok"))
        await it.client.expect("interview:complete", session_id=it.sid)
        status, body = await get(it.http, f"{it.url}/api/interviews/{it.sid}", it.token)
        assert status == 200, body
        assert body["interview"]["status"] == "completed"


