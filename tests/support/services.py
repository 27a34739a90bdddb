"""Starting the real backing services the tests talk to: redis-server and nx-27017."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_listening(port: int, proc: subprocess.Popen[bytes], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{proc.args!r} did not listen on {port}")
        time.sleep(0.05)


def stop(proc: subprocess.Popen[bytes], timeout_s: float = 10) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def real_clock_env() -> dict[str, str]:
    """This environment without libfaketime: redis-server does not run under it (it never
    listens), and a separate service keeps its own, real clock anyway."""
    return {k: v for k, v in os.environ.items()
            if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}


@contextmanager
def redis_server(port: int | None = None) -> Iterator[str]:
    """A redis-server without persistence (on `port`, to restart one empty on its address)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed: run the README's test command")
    port = port or free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, env=real_clock_env(),
    )
    try:
        wait_listening(port, proc)
        url = f"redis://127.0.0.1:{port}/0"
        redis.Redis.from_url(url).ping()
        yield url
    finally:
        stop(proc)


@contextmanager
def mongo_server(data_dir: Path, port: int | None = None) -> Iterator[str]:
    """An nx-27017 server (the MongoDB stand-in), unless MONGODB_URL names a real one (and
    no `port` asks for one of our own, to stop and start again on its address)."""
    if os.environ.get("MONGODB_URL") and port is None:
        yield os.environ["MONGODB_URL"]
        return
    port = port or free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockmate.storage.nx_runner", "--host", "127.0.0.1",
         "-p", str(port), "--data-dir", str(data_dir),
         "--pid-file", str(data_dir / "nx.pid"), "--log-file", str(data_dir / "nx.log")],
    )
    try:
        wait_listening(port, proc)
        yield f"mongodb://127.0.0.1:{port}/?directConnection=true"
    finally:
        stop(proc)
