"""The baseline of a streaming load test: a bare python-socketio echo server, as a child process.

`mockmate loadtest stream --echo-baseline` (and `bench/stream.py`) first drive this server with
the same clients and tokens, then the real one, so that a figure is reported as a ratio to what
Socket.IO itself costs on the same machine in the same run. It answers what the `stream`
scenario sends, with the contract's ack shapes, and does nothing else: `interview:start` (a
fake session id, then that session's first `interview:question`), `answer:chunk` (bytes counted
per session, not stored), `interview:resume` (the count), `interview:end`.

`echo_server()` starts it (`python -m mockmate.loadtest.echo`) on a free loopback port, which
the child prints once it listens; `cpu_seconds()` reads a process's CPU time, so CPU per ack
can be compared between this server and MockMate's.
"""

import asyncio
import os
import select
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import socketio
from aiohttp import web

READY_TIMEOUT_S = 30.0


def echo_app() -> web.Application:
    """python-socketio on aiohttp with the handlers the stream scenario needs."""
    sio = socketio.AsyncServer(async_mode="aiohttp", max_http_buffer_size=16 * 1024 * 1024)
    app = web.Application()
    sio.attach(app)
    held: dict[str, int] = {}  # session id -> bytes acknowledged

    async def connect(sid: str, environ: dict[str, Any], auth: Any) -> bool:
        return isinstance(auth, dict) and bool(auth.get("token"))

    async def start(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        session_id = f"echo-{uuid.uuid4().hex}"
        held[session_id] = 0
        await sio.emit("interview:question", {
            "session_id": session_id, "index": 0, "total": 1, "follow_up": False,
            "question": {"id": "echo", "text": "Echo?", "category": "behavioral",
                         "difficulty": "mid", "skills": []}}, to=sid)
        return {"ok": True, "session_id": session_id, "state": "awaiting_answer",
                "total_questions": 1}

    async def chunk(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        session_id = str(data.get("session_id"))
        held[session_id] = held.get(session_id, 0) + len(data.get("data") or b"")
        return {"ok": True, "received_bytes": held[session_id],
                "next_seq": int(data.get("seq", 0)) + 1}

    async def resume(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        session_id = str(data.get("session_id"))
        return {"ok": True, "snapshot": {"session_id": session_id, "state": "receiving_answer",
                                         "received_bytes": held.get(session_id, 0)}}

    async def end(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        held.pop(str(data.get("session_id")), None)
        return {"ok": True, "state": "abandoned"}

    sio.on("connect", connect)
    for event, handler in (("interview:start", start), ("answer:chunk", chunk),
                           ("interview:resume", resume), ("interview:end", end)):
        sio.on(event, handler)
    return app


async def serve(port: int = 0) -> None:
    """Listens on loopback `port` (0: a free one), prints the port, serves until SIGTERM."""
    runner = web.AppRunner(echo_app(), handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(runner.addresses[0][1], flush=True)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


@contextmanager
def echo_server() -> Iterator[tuple[str, int]]:
    """A running echo child process: its URL and pid; terminated on exit."""
    proc = subprocess.Popen([sys.executable, "-m", "mockmate.loadtest.echo"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], READY_TIMEOUT_S)
        # The port, once it listens ("" if it died before).
        line = proc.stdout.readline().strip() if ready else ""
        if not line.isdigit():
            raise RuntimeError(f"the echo server did not start (exit {proc.poll()})")
        yield f"http://127.0.0.1:{line}", proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(READY_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cpu_seconds(pids: list[int]) -> float | None:
    """User + system CPU seconds used so far by processes `pids` together (Linux), or None
    when there are none or one cannot be read."""
    if not pids:
        return None
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
