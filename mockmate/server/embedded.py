"""Embedded defaults: what `mockmate serve` runs on when no Redis or MongoDB is configured.

MongoDB is an nx-27017 child process on a free loopback port with its data in the data dir;
its address is recorded in `embedded.json` so that `mockmate token` can reach the same
users while the server runs. Secrets a development or test-mode installation needs (the JWT
secret, the test-mode webhook signing secret) are generated once per installation and kept
there too, owner-only, so that no secret is written in the code.
"""

import contextlib
import ctypes
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)

EMBEDDED_FILE = "embedded.json"
SECRET_FILE = "jwt_secret"
WEBHOOK_SECRET_FILE = "webhook_secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def installation_secret(data_dir: Path, name: str, prefix: str = "") -> str:
    """The data dir's secret called `name`, created (owner-only) on first use; every process
    sharing the data dir reads the same one."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / name
    if not path.exists():
        # Written whole to a private file, then linked into place: a process starting at the
        # same moment either sees no file or the whole secret, never an empty one. `link`
        # fails if another process linked first; then its secret is the one read below.
        draft = data_dir / f".{name}.{os.getpid()}.tmp"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w") as f:
                f.write(prefix + secrets.token_urlsafe(48))
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
        finally:
            draft.unlink(missing_ok=True)
    return path.read_text().strip()


def dev_jwt_secret(data_dir: Path) -> str:
    """The data dir's development JWT secret."""
    return installation_secret(data_dir, SECRET_FILE)


def webhook_test_secret(data_dir: Path) -> str:
    """The data dir's test-mode webhook signing secret (Stripe's `whsec_` form)."""
    return installation_secret(data_dir, WEBHOOK_SECRET_FILE, prefix="whsec_")


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM when the server dies, even by SIGKILL."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class EmbeddedMongo:
    """An nx-27017 server owned by this process."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def start(self, *, record: bool = True, timeout_s: float = 30.0) -> str:
        mongo_dir = self.data_dir / "mongo"
        mongo_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        cmd = [
            sys.executable, "-m", "mockmate.storage.nx_runner", "--host", "127.0.0.1",
            "-p", str(self.port), "--data-dir", str(mongo_dir),
            "--pid-file", str(mongo_dir / f"nx-{self.port}.pid"),
            "--log-file", str(mongo_dir / "nx.log"),
        ]
        self._proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent
        )
        deadline = time.monotonic() + timeout_s
        while not _listening(self.port):
            if self._proc.poll() is not None:
                raise RuntimeError(f"nx-27017 exited with code {self._proc.returncode}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("nx-27017 did not start in time")
            time.sleep(0.05)
        if record:
            (self.data_dir / EMBEDDED_FILE).write_text(
                json.dumps({"mongodb_url": self.url, "pid": os.getpid()})
            )
        log.info("embedded MongoDB (nx-27017) listening on 127.0.0.1:%d, data in %s",
                 self.port, mongo_dir)
        return self.url

    def stop(self) -> None:
        record = self.data_dir / EMBEDDED_FILE
        with contextlib.suppress(Exception):
            if json.loads(record.read_text()).get("pid") == os.getpid():
                record.unlink()
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None


def running_embedded_mongo(data_dir: Path) -> str | None:
    """The URL of the embedded MongoDB a live server keeps in `data_dir`, if any."""
    try:
        info = json.loads((data_dir / EMBEDDED_FILE).read_text())
        os.kill(int(info["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    url = str(info["mongodb_url"])
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    return url if _listening(port) else None
