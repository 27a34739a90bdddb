"""The shipped nginx recipe (`deploy/nginx-mockmate.conf`, docs/deploy.md) in front of two
real `mockmate serve` processes sharing Redis and MongoDB: /health for the balancer, and a
whole interview through it over WebSocket and over long-polling, each client kept on one
process (sticky), the two clients on different processes."""

import asyncio
import re
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import aiohttp
import pytest

from tests.support.client import Candidate, register
from tests.support.nginx import nginx
from tests.support.server import ServerProcess

Spawn = Callable[..., ServerProcess]
START = {"role": "Backend Engineer", "interview_type": "behavioral", "difficulty": "mid",
         "question_count": 2, "speak": False, "adaptive": False}
ANSWER = ("In my last role I owned the billing service. When invoices failed at month end I "
          "traced it to a lock, rewrote the batch job, and as a result failures fell to zero.")
# With `hash $remote_addr` over two processes these two addresses land on different ones
# (nginx's choice depends only on the key and the number of servers).
SOURCES = {"websocket": "127.0.0.2", "polling": "127.0.0.3"}


async def interview(client: Candidate) -> dict[str, object]:
    sid = (await client.call("interview:start", START))["session_id"]
    for index in range(2):
        await client.expect("interview:question", session_id=sid, index=index)
        ack = await client.call("answer:submit", {"session_id": sid, "index": index,
                                                  "text": ANSWER})
        assert ack["ok"], ack
        await client.expect("answer:evaluation", answer_id=ack["answer_id"])
    return await client.expect("interview:complete", session_id=sid)


@pytest.mark.timeout(300)  # two server processes and nginx start on a shared machine
async def test_an_interview_runs_through_nginx_over_each_transport(
    spawn: Spawn, tmp_path: Path
) -> None:
    a, b = spawn("a"), spawn("b")
    await asyncio.gather(a.ready(), b.ready())
    with nginx([a.port, b.port], tmp_path / "nginx") as (url, access):
        async with aiohttp.ClientSession() as http, http.get(f"{url}/health") as response:
            assert response.status == 200
            assert (await response.json())["status"] == "ok"
        for transport, source in SOURCES.items():
            token = await register(url, f"{uuid.uuid4().hex[:8]}@example.com")
            client = Candidate(url, token, source=source)
            try:
                await client.connect(transport)
                assert client.sio.transport() == transport
                complete = await interview(client)
                assert complete["answered"] == 2
            finally:
                await client.close()
        await asyncio.sleep(0)
    upstreams: dict[str, set[str]] = defaultdict(set)
    polls = 0
    for line in access.read_text().splitlines():
        match = re.match(r'(\S+) "(\S+) (\S+)[^"]*" (\d+) (\S+)', line)
        assert match, line
        source, _, path, status, upstream = match.groups()
        if path.startswith("/socket.io/"):
            upstreams[source].add(upstream)
            polls += source == SOURCES["polling"] and status == "200"
            # 499: the client's last long-poll, abandoned when it closed.
            assert status in ("101", "200", "499"), line
    # Sticky: every request of a client reached one process; the two clients, two processes.
    assert all(len(u) == 1 for u in upstreams.values()), upstreams
    assert upstreams[SOURCES["websocket"]] | upstreams[SOURCES["polling"]] == {
        f"127.0.0.1:{a.port}", f"127.0.0.1:{b.port}"}
    assert polls > 4  # long-polling really polled through nginx
