"""Shared fixtures: one real redis-server and one MongoDB-wire server per test run, and an
isolated deployment (own Redis prefix, own database) for every test."""

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from pymongo.asynchronous.database import AsyncDatabase

from mockmate.config import Settings
from mockmate.storage.database import Document, connect, ensure_indexes
from tests.support.client import Candidate, register
from tests.support.server import ServerProcess, running_app, settings_from, test_env
from tests.support.services import mongo_server, redis_server
from tests.support.smtp import Inbox, smtp_server

# Property tests draw the same examples on every run unless HYPOTHESIS_PROFILE=explore: a
# CI run fails for a change, not for a lucky draw. Explore locally to find new examples.
hypothesis_settings.register_profile("ci", derandomize=True)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture(scope="session")
def mongo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with mongo_server(tmp_path_factory.mktemp("mongo")) as url:
        yield url


@pytest.fixture
async def db(mongo_url: str) -> AsyncIterator[AsyncDatabase[Document]]:
    """A database of this test's own on the shared MongoDB-wire server, with the indexes."""
    client = connect(mongo_url)
    database = client[f"t_{uuid.uuid4().hex[:12]}"]
    await ensure_indexes(database)
    yield database
    await client.close()


@pytest.fixture
def deployment_env(redis_url: str, mongo_url: str, tmp_path: Path) -> dict[str, str]:
    return test_env(redis_url, mongo_url, uuid.uuid4().hex[:12], tmp_path / "data")


@pytest.fixture
def settings(deployment_env: dict[str, str]) -> Settings:
    return settings_from(deployment_env)


@pytest.fixture
async def server_url(settings: Settings) -> AsyncIterator[str]:
    async with running_app(settings) as url:
        yield url


class CandidateFactory:
    def __init__(self, url: str):
        self.url = url
        self._clients: list[Candidate] = []

    async def new(self, email: str | None = None) -> Candidate:
        token = await register(self.url, email or f"{uuid.uuid4().hex[:10]}@example.com")
        return await self.connect(token)

    async def connect(self, token: str, url: str | None = None) -> Candidate:
        client = Candidate(url or self.url, token)
        self._clients.append(client)
        return await client.connect()

    async def close(self) -> None:
        for client in self._clients:
            await client.close()


@pytest.fixture
async def candidates(server_url: str) -> AsyncIterator[CandidateFactory]:
    factory = CandidateFactory(server_url)
    yield factory
    await factory.close()


SERVER_LOGS = pytest.StashKey[list[Path]]()
LOG_TAIL_BYTES = 12_000


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Iterator[None]:
    """A failing test that spawned servers shows the end of each server's log, so a failure
    seen only in CI can be read from CI's output."""
    report = yield
    if report.failed:
        for path in item.stash.get(SERVER_LOGS, []):
            if path.exists():
                data = path.read_bytes()[-LOG_TAIL_BYTES:]
                report.sections.append((f"server log {path.name}",
                                        data.decode(errors="replace")))
    return report


@pytest.fixture
async def spawn(
    deployment_env: dict[str, str], tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Callable[..., ServerProcess]]:
    """Starts real `mockmate serve` processes on this test's deployment; stops them after."""
    processes: list[ServerProcess] = []
    request.node.stash[SERVER_LOGS] = logs = []

    def start(name: str, *, real_clock: bool = False, **env: str) -> ServerProcess:
        process = ServerProcess({**deployment_env, **env}, tmp_path / f"{name}.log",
                                real_clock=real_clock)
        processes.append(process)
        logs.append(tmp_path / f"{name}.log")
        return process

    yield start
    for process in processes:
        if process.proc.poll() is None:
            assert process.terminate() == 0, f"{process.url} did not stop cleanly"


@pytest.fixture
async def inbox() -> AsyncIterator[Inbox]:
    """A real SMTP server on loopback; what it received."""
    with smtp_server() as inbox:
        yield inbox
