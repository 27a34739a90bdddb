"""Fan-out benchmark: how many server events per second reach a user's socket on the process
that emits them, and a socket of the same user on another process.

Against servers that are already running (it starts nothing), with question audio unpaced
(`MOCKMATE_TTS_LEAD_S=3600` on the servers). Each of N candidates registers, connects one
socket to the first `--url` (where its requests go, so where its events are emitted) and a
second to the second `--url`, starts a one-question spoken interview and then asks
`interview:repeat` `--repeats` times: every repeat sends `interview:state`,
`interview:question` and the question's audio chunks (from the Redis cache after the first
time). It counts what each socket receives while the repeats run and prints events/s for
the same-process and the other-process socket, with the wall time. Example:

    python bench/event_fanout.py --url http://127.0.0.1:8281 --url http://127.0.0.1:8282 \\
        --candidates 20 --repeats 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from typing import Any

import aiohttp
import socketio

QUESTION = {"text": "Tell me about a project you are proud of and what you learned from it."}
START = {"role": "Engineer", "interview_type": "behavioral", "difficulty": "mid",
         "questions": [QUESTION], "adaptive": False}


class Socket:
    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.count = 0
        self.finals = 0
        self.changed = asyncio.Event()
        self.sio.on("*", self._on)

    async def _on(self, event: str, data: Any) -> None:
        self.count += 1
        if event == "interview:audio" and data.get("final"):
            self.finals += 1
            self.changed.set()

    async def finals_reach(self, n: int, timeout_s: float) -> None:
        async with asyncio.timeout(timeout_s):
            while self.finals < n:
                self.changed.clear()
                await self.changed.wait()


async def register(http: aiohttp.ClientSession, url: str) -> str:
    email = f"fan-{uuid.uuid4().hex[:10]}@example.com"
    async with http.post(f"{url}/api/auth/register", json={
        "email": email, "password": "correct horse battery", "display_name": "fan",
    }) as response:
        body = await response.json()
        if response.status != 201:
            raise RuntimeError(f"register: {response.status} {body}")
        return str(body["token"])


async def candidate(
    same_url: str, other_url: str, token: str, repeats: int, timeout_s: float,
    ready: Barrier, counts: dict[str, int],
) -> None:
    same, other = Socket(), Socket()
    for sock, url in ((same, same_url), (other, other_url)):
        await sock.sio.connect(url, auth={"token": token}, transports=["websocket"])
    ack = await same.sio.call("interview:start", START, timeout=timeout_s)
    sid = ack["session_id"]
    await same.finals_reach(1, timeout_s)  # synthesized once; repeats come from the cache
    await other.finals_reach(1, timeout_s)
    await ready.arrive()
    base_same, base_other = same.count, other.count
    for n in range(2, repeats + 2):
        ack = await same.sio.call("interview:repeat", {"session_id": sid}, timeout=timeout_s)
        if not ack.get("ok"):
            raise RuntimeError(f"repeat: {ack}")
        await same.finals_reach(n, timeout_s)
    await other.finals_reach(repeats + 1, timeout_s)
    counts["same"] += same.count - base_same
    counts["other"] += other.count - base_other
    await same.sio.call("interview:end", {"session_id": sid}, timeout=timeout_s)
    for sock in (same, other):
        await sock.sio.disconnect()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", action="append", required=True)
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--timeout-s", type=float, default=300)
    args = parser.parse_args()
    if len(args.url) != 2:
        parser.error("give exactly two --url: the emitting process, then another one")
    same_url, other_url = args.url
    async with aiohttp.ClientSession() as http:
        tokens = [await register(http, same_url) for _ in range(args.candidates)]
    counts = {"same": 0, "other": 0}
    ready = Barrier(args.candidates)
    tasks = [asyncio.create_task(candidate(same_url, other_url, t, args.repeats,
                                           args.timeout_s, ready, counts)) for t in tokens]
    # Time the repeats only: from when every candidate has heard its first question.
    await ready.arrive(last=False)
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - started
    print(json.dumps({
        "candidates": args.candidates, "repeats": args.repeats, "wall_s": round(wall, 2),
        "events_same_process": counts["same"], "events_other_process": counts["other"],
        "events_per_s_same_process": round(counts["same"] / wall, 1),
        "events_per_s_other_process": round(counts["other"] / wall, 1),
    }, indent=2))


class Barrier:
    """Releases everyone once `n` candidates have arrived (the timer waits too)."""

    def __init__(self, n: int) -> None:
        self._n = n
        self._arrived = 0
        self._open = asyncio.Event()

    async def arrive(self, last: bool = True) -> None:
        if last:
            self._arrived += 1
            if self._arrived >= self._n:
                self._open.set()
        await self._open.wait()


if __name__ == "__main__":
    asyncio.run(main())
