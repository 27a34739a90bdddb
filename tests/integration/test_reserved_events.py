"""Frames a client should never send: reserved event names and undecodable packets are
refused with `invalid_payload`, change nothing, and are counted; the connection lives on."""

import asyncio
from typing import Any

import aiohttp

from tests.conftest import CandidateFactory
from tests.support.client import TIMEOUT_S, Candidate
from tests.support.server import running_app, settings_from

VALID_START = {"role": "Backend Engineer", "interview_type": "technical",
               "difficulty": "mid", "question_count": 2}


async def metrics_text(url: str) -> str:
    async with aiohttp.ClientSession() as http, http.get(f"{url}/metrics") as r:
        return await r.text()


async def raw_call(client: Candidate, frame_after_id: str) -> Any:
    """Send `2<id><frame_after_id>` as it is (no encoding by the client) and await the ack."""
    done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    ack_id = client.sio._generate_ack_id("/", lambda *data: done.set_result(data))
    await client.sio.eio.send(f"2{ack_id}{frame_after_id}")
    return await asyncio.wait_for(done, TIMEOUT_S)


async def test_reserved_event_names_are_refused_and_change_nothing(
    candidates: CandidateFactory, server_url: str
) -> None:
    client = await candidates.new()
    for name in ("disconnect", "connect", "connect_error", "*", "disconnecting"):
        ack = await client.call(name, {"session_id": "x"})
        assert ack["ok"] is False and ack["error"]["code"] == "invalid_payload", (name, ack)
        assert "reserved" in ack["error"]["message"]
    text = await metrics_text(server_url)
    assert "mockmate_connections 1.0" in text  # no phantom connect, no de-registration
    assert 'mockmate_malformed_frames_total{kind="reserved"} 5.0' in text
    # Still the same registered socket: its events are served.
    ack = await client.call("interview:start", VALID_START)
    assert ack["ok"], ack
    assert client.sio.connected


async def test_undecodable_frames_get_an_ack_and_a_counter_not_a_traceback(
    candidates: CandidateFactory, server_url: str
) -> None:
    client = await candidates.new()
    huge = "9" * 5000  # past Python's int conversion limit
    (ack,) = await raw_call(client, f'["interview:resume", {{"session_id": {huge}}}]')
    assert ack["ok"] is False and ack["error"]["code"] == "invalid_payload"
    (ack,) = await raw_call(client, '["interview:resume", {"session_id": ')
    assert ack["ok"] is False and ack["error"]["code"] == "invalid_payload"
    (ack,) = await raw_call(client, "[42]")  # an event without a name
    assert ack["ok"] is False and ack["error"]["code"] == "invalid_payload"
    # A number that decodes but is out of range answers per field.
    ack = await client.call("answer:chunk", {"session_id": "s", "index": 0, "seq": 10**30,
                                             "data": b"\0\0"})
    assert ack["error"]["code"] == "invalid_payload" and "seq" in ack["error"]["message"]
    assert 'mockmate_malformed_frames_total{kind="malformed"} 3.0' in await metrics_text(
        server_url)
    ack = await client.call("interview:start", VALID_START)
    assert ack["ok"], ack


async def test_a_frame_over_the_limit_closes_with_code_1009_and_a_reason(
    deployment_env: dict[str, str],
) -> None:
    settings = settings_from(deployment_env, MOCKMATE_MAX_MESSAGE_BYTES="65536")
    async with running_app(settings) as url, aiohttp.ClientSession() as http, \
            http.ws_connect(f"{url}/socket.io/?EIO=4&transport=websocket") as ws:
        opened = await ws.receive(timeout=TIMEOUT_S)
        assert opened.type is aiohttp.WSMsgType.TEXT and opened.data.startswith("0")
        await ws.send_str("4" + "x" * 70_000)
        closed = await ws.receive(timeout=TIMEOUT_S)
        assert closed.type is aiohttp.WSMsgType.CLOSE, closed
        assert closed.data == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
        assert "at most 65536 bytes" in closed.extra and "MAX_MESSAGE_BYTES" in closed.extra
