"""The protocol's specs against a real server: served as checked in and cacheable, every
registered socket event in them, the events a real interview sends valid against them, and
the example client of docs/examples taking a whole interview across a dropped connection."""

import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from mockmate.config import Settings
from mockmate.server.app import create_app
from mockmate.server.keys import SIO
from mockmate.specs.messages import CLIENT_EVENTS, SERVER_EVENTS
from tests.conftest import CandidateFactory
from tests.support import client as support_client
from tests.support.server import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "interview_client.py"


async def test_specs_are_served_as_checked_in_and_match_the_server(
    settings: Settings,
) -> None:
    app = create_app(settings)
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
    await runner.setup()  # opens every feature and registers the socket handlers
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        async with aiohttp.ClientSession() as http:
            for name in ("asyncapi.json", "openapi.json"):
                async with http.get(f"{url}/{name}") as response:
                    assert response.status == 200
                    assert response.content_type == "application/json"
                    assert response.headers["Cache-Control"].startswith("public")
                    assert await response.text() == (ROOT / "docs" / name).read_text()
                    etag = response.headers["ETag"]
                async with http.get(f"{url}/{name}", headers={"If-None-Match": etag}) as again:
                    assert again.status == 304
        handlers = app[SIO].handlers["/"]
        registered = set(handlers) - {"connect", "disconnect", "*"}
        assert registered == {event.name for event in CLIENT_EVENTS}
        for event in CLIENT_EVENTS:  # and each is validated with the model the spec names
            handler = handlers[event.name]
            bound = dict(zip(handler.__code__.co_freevars, handler.__closure__, strict=True))
            assert bound["model"].cell_contents is event.payload, event.name
    finally:
        await runner.cleanup()
    listened = set(support_client.SERVER_EVENTS)
    assert listened <= {event.name for event in SERVER_EVENTS}


async def test_a_spoken_interviews_events_match_their_models(
    candidates: CandidateFactory,
) -> None:
    candidate = await candidates.new("specs@example.com")
    ack = await candidate.call("interview:start", {
        "role": "Backend engineer", "interview_type": "behavioral", "difficulty": "mid",
        "question_count": 2, "audio_format": "pcm_16000"})
    assert ack["ok"], ack
    session_id = ack["session_id"]
    for index in range(2):
        await candidate.expect("interview:audio", session_id=session_id, index=index,
                               final=True)
        submitted = await candidate.call("answer:submit", {
            "session_id": session_id, "index": index,
            "text": "I led the migration, measured the latency and cut it by half."})
        assert submitted["ok"], submitted
    await candidate.expect("interview:complete", session_id=session_id)
    models = {event.name: event.payload for event in SERVER_EVENTS}
    seen = 0
    for name in support_client.SERVER_EVENTS:
        for payload in candidate.pending(name):
            models[name].model_validate(payload)
            seen += 1
    assert seen > 0


async def run_example(*args: str) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(EXAMPLE), *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(120):
        out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    lines = out.decode().strip().splitlines()
    result: dict[str, Any] = json.loads(lines[-1])
    return result


async def test_the_example_client_takes_a_whole_interview_across_a_drop(
    spawn: Callable[..., ServerProcess],
) -> None:
    server = await spawn("a").ready()
    dropped = await run_example(server.url, "--email", "example@example.com",
                                "--questions", "3", "--drop-after", "0")
    assert dropped["total"] == dropped["answered"] == dropped["evaluated"] == 3
    assert dropped["resumed"] is not None and dropped["resumed"]["replayed"] is True
    assert dropped["overall_score"] is not None
    # Again with the same account: it signs in instead of signing up.
    again = await run_example(server.url, "--email", "example@example.com", "--questions", "1")
    assert again["total"] == again["answered"] == again["evaluated"] == 1
    assert again["resumed"] is None and again["session_id"] != dropped["session_id"]
