"""The service around an interview: expiry, the embedded defaults, `mockmate token`."""

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp

from tests.support.client import Candidate
from tests.support.server import running_app, settings_from
from tests.support.services import free_port, wait_listening

START = {"role": "Frontend Engineer", "interview_type": "technical", "difficulty": "junior",
         "question_count": 2}


async def test_an_idle_session_expires_and_is_marked_abandoned(
    deployment_env: dict[str, str],
) -> None:
    settings = settings_from(deployment_env, MOCKMATE_SESSION_TTL_S="1")
    async with running_app(settings) as url:
        from tests.support.client import register

        client = await Candidate(url, await register(url, "idle@example.com")).connect()
        sid = (await client.call("interview:start", START))["session_id"]
        await client.expect("interview:state", session_id=sid, state="abandoned", timeout=20)
        ack = await client.call("interview:resume", {"session_id": sid})
        assert ack["error"]["code"] == "not_found"
        headers = {"Authorization": f"Bearer {client.token}"}
        async with (
            aiohttp.ClientSession(headers=headers) as http,
            http.get(f"{url}/api/interviews/{sid}") as r,
        ):
            assert (await r.json())["interview"]["status"] == "abandoned"
        assert (await client.call("interview:start", START))["ok"]  # the slot is free
        await client.close()


def _mockmate(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "mockmate", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


async def test_embedded_defaults_serve_keep_data_and_share_it_with_mockmate_token(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "MONGODB_URL", "MOCKMATE_JWT_SECRET")}
    env["MOCKMATE_DATA_DIR"] = str(tmp_path / "data")
    port = free_port()
    server = _mockmate("serve", "--port", str(port), env=env)
    try:
        await asyncio.to_thread(wait_listening, port, server, 60.0)
        url = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http, http.get(f"{url}/health") as r:
            assert (await r.json())["status"] == "ok"
        record = json.loads((tmp_path / "data" / "embedded.json").read_text())
        assert record["mongodb_url"].startswith("mongodb://127.0.0.1:")

        # `mockmate token` on the same data dir reaches the running server's users.
        made = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "mockmate", "token", "ada@example.com"],
            env=env, capture_output=True, text=True, timeout=60,
        )
        assert made.returncode == 0, made.stderr
        token = made.stdout.strip()
        client = await Candidate(url, token).connect()
        ack = await client.call("interview:start", START)
        assert ack["ok"]
        await client.call("answer:submit", {"session_id": ack["session_id"], "index": 0,
                                            "text": "I would profile the bundle first."})
        await client.close()
    finally:
        server.send_signal(signal.SIGTERM)
        output = (await asyncio.to_thread(server.communicate, timeout=30))[0].decode()
    assert server.returncode == 0, output
    assert "SINGLE process" in output  # the start-up log says fakeredis is single-process
    assert not (tmp_path / "data" / "embedded.json").exists()
    nx_pids = list((tmp_path / "data" / "mongo").glob("nx-*.pid"))
    assert nx_pids == [], "the embedded MongoDB was left running"

    # With no server running, `mockmate token` opens the data dir itself: same user, and
    # the answer stored before the restart is still there.
    again = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "mockmate", "token", "ada@example.com", "--admin"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert again.returncode == 0, again.stderr
    server = _mockmate("serve", "--port", str(port), env=env)
    try:
        await asyncio.to_thread(wait_listening, port, server, 60.0)
        headers = {"Authorization": f"Bearer {again.stdout.strip()}"}
        async with (
            aiohttp.ClientSession(headers=headers) as http,
            http.get(f"http://127.0.0.1:{port}/api/interviews") as r,
        ):
            body = await r.json()
        assert body["total"] == 1
        # Its in-process session was lost with the first server: it is not left open forever.
        assert body["interviews"][0]["status"] == "abandoned"
    finally:
        server.send_signal(signal.SIGTERM)
        await asyncio.to_thread(server.communicate, timeout=30)
