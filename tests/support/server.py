"""MockMate servers for tests: in-process (fast) and as real `mockmate serve` processes."""

import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
from aiohttp import web

from mockmate.config import Settings
from mockmate.server.app import create_app
from tests.support.services import free_port, real_clock_env, stop, wait_listening

TEST_SECRET = "test-secret-" + "x" * 40


def test_env(redis_url: str, mongo_url: str, name: str, data_dir: Path) -> dict[str, str]:
    """Environment for one isolated MockMate deployment on the shared test services."""
    return {
        "REDIS_URL": redis_url,
        "MONGODB_URL": mongo_url,
        "MONGODB_DB": f"t_{name}",
        "MOCKMATE_REDIS_PREFIX": f"t:{name}",
        "MOCKMATE_DATA_DIR": str(data_dir),
        "MOCKMATE_JWT_SECRET": TEST_SECRET,
        "MOCKMATE_JOB_CLAIM_IDLE_S": "1",
        "MOCKMATE_EXPIRY_SWEEP_S": "0.2",
        # Question audio unpaced (sent as fast as synthesized) unless a test paces it.
        "MOCKMATE_TTS_LEAD_S": "3600",
        # Test servers start often; prewarming the whole bank would load the machine.
        "MOCKMATE_TTS_PREWARM": "false",
        # Every test client signs in from 127.0.0.1; tests of the limit set their own.
        "MOCKMATE_AUTH_PER_IP": "100000",
    }


def settings_from(env: dict[str, str], **overrides: str) -> Settings:
    merged = {**env, **overrides}
    old = {k: os.environ.get(k) for k in merged}
    os.environ.update(merged)
    try:
        return Settings(_env_file=None)  # type: ignore[call-arg]
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[str]:
    """Serve the app on a free loopback port inside this event loop; yields its URL."""
    app = create_app(settings)
    # A short shutdown timeout: a long-polling client's pending request would hold it ~25 s.
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


class ServerProcess:
    """`python -m mockmate serve` as a child process."""

    def __init__(self, env: dict[str, str], log_path: Path, *, real_clock: bool = False):
        """`real_clock`: run outside libfaketime even when the tests run under it (for a
        process whose libraries wait on threads with timeouts, which libfaketime 0.9.10 lets
        run to the fake deadline: weeks, at CI's instants)."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mockmate", "serve", "--port", str(self.port)],
            env={**(real_clock_env() if real_clock else os.environ), **env},
            stdout=self._log, stderr=subprocess.STDOUT,
        )

    async def ready(self) -> "ServerProcess":
        import asyncio

        try:
            await asyncio.to_thread(wait_listening, self.port, self.proc, 60.0)
        except RuntimeError as exc:
            # The server's last words in the failure's one-line summary: CI shows that line
            # even where it cuts the log tail short.
            self._log.flush()
            raise RuntimeError(f"{exc}: {self.last_log_line()}") from None
        async with aiohttp.ClientSession() as http, http.get(f"{self.url}/health") as response:
            assert response.status == 200, await response.text()
        return self

    def last_log_line(self) -> str:
        lines = Path(self._log.name).read_text(errors="replace").strip().splitlines()
        return lines[-1] if lines else "(nothing logged)"

    def kill(self) -> None:
        """A crash: SIGKILL, no cleanup."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def terminate(self) -> int:
        stop(self.proc, timeout_s=30)
        self._log.close()
        return self.proc.returncode
