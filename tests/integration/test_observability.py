"""Operable servers: JSON log lines that name the user, session and event they concern (read
from a real `mockmate serve` process's stderr), and errors reported to Sentry through the
official SDK, received by a local aiohttp ingest endpoint."""

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from redis.asyncio import Redis

from tests.support.client import Candidate, register
from tests.support.server import ServerProcess

Spawn = Callable[..., ServerProcess]


def json_lines(path: Path) -> list[dict[str, Any]]:
    """Every line the process wrote, each of which must be one JSON object."""
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    assert lines
    return [json.loads(line) for line in lines]


async def test_json_logs_name_the_user_session_and_event(
    spawn: Spawn, tmp_path: Path
) -> None:
    server = await spawn("jsonlog", MOCKMATE_LOG_FORMAT="json").ready()
    token = await register(server.url, "logged@example.com")
    client = await Candidate(server.url, token).connect()
    ghost = "0" * 32
    ack = await client.call("answer:submit", {"session_id": ghost, "index": 0, "text": "hi"})
    assert ack["ok"] is False
    again = await client.call("interview:pause", {"session_id": ghost})
    assert again["ok"] is False
    async with aiohttp.ClientSession() as http, http.get(
        f"{server.url}/api/interviews/{ghost}", headers={
            "Authorization": f"Bearer {token}", "X-Request-Id": "req-42"}) as response:
        assert response.status == 404
    await client.close()
    assert server.terminate() == 0

    lines = json_lines(tmp_path / "jsonlog.log")
    assert {"ts", "level", "logger", "process", "msg"} <= set(lines[0])
    refused = [x for x in lines if x["msg"].startswith("event ")]
    assert [x["msg"] for x in refused] == [
        f"event answer:submit refused: {ack['error']['code']}",
        f"event interview:pause refused: {again['error']['code']}"]
    user = refused[0]["user_id"]
    assert len(user) == 32 and all(x["user_id"] == user for x in refused)
    assert all(x["session_id"] == ghost for x in refused)
    # Each client event is its own unit of work.
    assert refused[0]["event_id"] != refused[1]["event_id"]
    access = [x for x in lines if x["logger"] == "aiohttp.access" and ghost in x["msg"]]
    assert len(access) == 1
    assert access[0]["event_id"] == "req-42" and access[0]["user_id"] == user
    assert access[0]["session_id"] == ghost


class SentryIngest:
    """What Sentry's ingest answers to `POST /api/<project>/envelope/`: every event kept."""

    def __init__(self) -> None:
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.auth: list[str] = []

    async def envelope(self, request: web.Request) -> web.Response:
        body = await request.read()  # aiohttp undoes the SDK's Content-Encoding (gzip)
        self.auth.append(request.headers.get("X-Sentry-Auth", ""))
        for line in body.split(b"\n"):
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict) and "level" in item and "platform" in item:
                self.events.put_nowait(item)
        return web.json_response({"id": "0" * 32})


@pytest.fixture
async def ingest() -> AsyncIterator[tuple[SentryIngest, str]]:
    fake = SentryIngest()
    app = web.Application()
    app.router.add_post("/api/{project}/envelope/", fake.envelope)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield fake, f"http://publickey@127.0.0.1:{port}/42"
    await runner.cleanup()


async def test_errors_are_reported_to_sentry_with_their_ids(
    spawn: Spawn, ingest: tuple[SentryIngest, str], deployment_env: dict[str, str],
) -> None:
    fake, dsn = ingest
    # On the real clock under libfaketime: Sentry's SDK flushes on exit with a timed thread
    # wait, which libfaketime 0.9.10 lets run to the fake deadline (the server never stops).
    server = await spawn("sentry", real_clock=True, SENTRY_DSN=dsn,
                         SENTRY_ENVIRONMENT="ci").ready()
    # A job no version of the server knows, as a newer process could leave behind: the
    # worker that takes it logs an error, which must reach Sentry.
    redis = Redis.from_url(deployment_env["REDIS_URL"])
    try:
        job = await redis.xadd(f"{deployment_env['MOCKMATE_REDIS_PREFIX']}:jobs",
                               {"kind": "from_the_future", "payload": "{}"})
    finally:
        await redis.aclose()
    async with asyncio.timeout(30):
        while True:
            event = await fake.events.get()
            if "from_the_future" in json.dumps(event):
                break
    assert event["level"] == "error"
    assert event["environment"] == "ci"
    assert event["tags"]["event_id"] == f"job-{job.decode()}"
    assert "sentry_key=publickey" in fake.auth[-1]
    assert server.terminate() == 0
