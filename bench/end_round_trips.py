"""Round trips to MongoDB and Redis on the path of one interview's end (issue #10).

At 200 streaming candidates on one process, the end of an interview is the costly part of
`bench/stream.py`'s run, and most of that cost is the client libraries' own work per round
trip. This counts the round trips of one interview's end, so a change to that path can be
measured without a load test. It starts its own redis-server and nx-27017 (as the tests do,
`tests/support/services.py`) and the app in this process, then plays two candidates:

- `stream`: bench/stream.py's candidate: a one-question interview without question audio, a
  few `answer:chunk`s, `interview:resume`, `interview:end` (so zero answers), disconnect;
- `answer`: a one-question interview answered once (typed: the end path after the
  transcript is the voice scenario's), which completes when its transcript is in;

each as the candidate's first interview (which earns a badge, so a notification job) and as
a later one.

MongoDB commands are counted by a `pymongo.monitoring.CommandListener`; Redis round trips by
wrapping redis-py's `execute_command` and `Pipeline.execute` (a pipeline is one round trip),
in this process. Each is labelled with the phase the client was in and what issued it: the
socket handler, a job (by kind) and the hook it was running, or the job queue's own polling
(reported apart: it is the same whatever the path costs). Usage:

    PYTHONPATH=. python bench/end_round_trips.py [--json] 2>/dev/null

(nx-27017 prints a traceback on stderr when it is stopped at the end.)
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import itertools
import json
import logging
import sys
import tempfile
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp import web
from pymongo import monitoring
from redis.asyncio.client import Pipeline, Redis

from mockmate.interviews.hooks import HookRegistry
from mockmate.interviews.pipeline import EvaluationPipeline
from mockmate.jobs.queue import JobQueue
from mockmate.observability import event_id
from mockmate.server.app import create_app
from mockmate.server.wiring.core import CORE
from tests.support.client import Candidate, register
from tests.support.server import settings_from, test_env
from tests.support.services import mongo_server, redis_server
from tests.support.waiting import eventually

# What issued a command: set around jobs, hooks and the queue's polling (see `_label`).
WHO: contextvars.ContextVar[str | None] = contextvars.ContextVar("who", default=None)
QUIET: contextvars.ContextVar[bool] = contextvars.ContextVar("quiet", default=False)
POLL = "queue poll"


class Tally:
    def __init__(self) -> None:
        self.phase = "setup"
        self.mongo: Counter[tuple[str, str, str]] = Counter()
        self.redis: Counter[tuple[str, str, str]] = Counter()

    def origin(self) -> str:
        who = WHO.get()
        if who is not None:
            return who
        return "socket" if event_id.get() else "other"

    def count(self, store: Counter[tuple[str, str, str]], what: str) -> None:
        if not QUIET.get():
            store[(self.phase, self.origin(), what)] += 1


TALLY = Tally()


class MongoCommands(monitoring.CommandListener):
    def started(self, event: monitoring.CommandStartedEvent) -> None:
        target = event.command.get(event.command_name)
        what = event.command_name
        if isinstance(target, str):
            what += f" {target}"
        TALLY.count(TALLY.mongo, what)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def _wrap(cls: Any, name: str, label: Callable[..., str]) -> None:
    original = getattr(cls, name)

    async def labelled(self: Any, *args: Any, **kwargs: Any) -> Any:
        token = WHO.set(label(self, *args, **kwargs))
        try:
            return await original(self, *args, **kwargs)
        finally:
            WHO.reset(token)

    setattr(cls, name, labelled)


def instrument() -> None:
    """Count every round trip made in this process from now on, labelled."""
    monitoring.register(MongoCommands())
    execute_command = Redis.execute_command

    async def command(self: Redis, *args: Any, **options: Any) -> Any:
        TALLY.count(TALLY.redis, str(args[0]).upper())
        return await execute_command(self, *args, **options)

    execute = Pipeline.execute

    async def pipeline(self: Pipeline, raise_on_error: bool = True) -> Any:
        names = "+".join(str(c[0][0]).upper() for c in self.command_stack)
        TALLY.count(TALLY.redis, f"pipeline[{names}]")
        return await execute(self, raise_on_error)

    Redis.execute_command = command  # type: ignore[method-assign]
    Pipeline.execute = pipeline  # type: ignore[method-assign]
    for method in ("_read", "_reclaim"):
        _wrap(JobQueue, method, lambda *_a, **_k: POLL)

    def job(_q: Any, _c: Any, _s: Any, _m: Any, fields: dict[bytes, bytes]) -> str:
        return "job " + fields.get(b"kind", b"").decode()

    _wrap(JobQueue, "_process", job)

    def nested(what: str) -> Callable[..., str]:
        return lambda *_a, **_k: f"{WHO.get()} > {what}"

    _wrap(EvaluationPipeline, "finalize_interview", nested("finalize"))

    def hook(_r: Any, cause: str, name: str, _run: Any) -> str:
        return f"{WHO.get()} > hook {name}"

    _wrap(HookRegistry, "_run_once", hook)


@asynccontextmanager
async def serving(env: dict[str, str]) -> AsyncIterator[tuple[str, web.Application]]:
    app = create_app(settings_from(env))
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}", app
    finally:
        await runner.cleanup()


async def settled(app: web.Application) -> None:
    """Until no job is pending (a second finalize may follow the one that announced)."""
    token = QUIET.set(True)
    try:
        queue = app[CORE].queue

        async def idle() -> bool:
            return await queue.pending_count() == 0

        await eventually(idle)
        await asyncio.sleep(0.3)  # the acks and deletes after the last job
    finally:
        QUIET.reset(token)


START = {"role": "Backend Engineer", "interview_type": "behavioral", "difficulty": "mid",
         "question_count": 1, "speak": False, "adaptive": False}
CHUNK = b"\x01\x00" * 1600  # 100 ms of 16 kHz s16le


async def stream_case(url: str, app: web.Application, token: str) -> None:
    client = await Candidate(url, token).connect()
    ack = await client.call("interview:start", START)
    session_id = ack["session_id"]
    await client.expect("interview:question", session_id=session_id)
    for seq in range(3):
        await client.call("answer:chunk", {"session_id": session_id, "index": 0, "seq": seq,
                                           "data": CHUNK})
    await settled(app)
    TALLY.phase = "interview:resume"
    await client.call("interview:resume", {"session_id": session_id})
    TALLY.phase = "interview:end"
    await client.call("interview:end", {"session_id": session_id})
    TALLY.phase = "after the ack"
    await client.expect("interview:complete", session_id=session_id)
    await settled(app)
    TALLY.phase = "disconnect"
    await client.close()
    await asyncio.sleep(0.3)  # the server's disconnect handler
    TALLY.phase = "done"


async def answer_case(url: str, app: web.Application, token: str) -> None:
    client = await Candidate(url, token).connect()
    ack = await client.call("interview:start", START)
    session_id = ack["session_id"]
    await client.expect("interview:question", session_id=session_id)
    await settled(app)
    TALLY.phase = "answer:submit"
    await client.call("answer:submit", {
        "session_id": session_id, "index": 0,
        "text": "I led the migration of our billing service to a queue, measured the latency "
                "before and after, and cut the p95 from two seconds to 300 milliseconds."})
    TALLY.phase = "after the ack"
    await client.expect("interview:complete", session_id=session_id)
    await settled(app)
    TALLY.phase = "disconnect"
    await client.close()
    await asyncio.sleep(0.3)
    TALLY.phase = "done"


def report(name: str, as_json: bool) -> dict[str, Any]:
    def rows(store: Counter[tuple[str, str, str]]) -> list[dict[str, Any]]:
        return [{"phase": p, "origin": o, "command": c, "count": n}
                for (p, o, c), n in store.items() if p not in ("setup", "done")]

    mongo, redis = rows(TALLY.mongo), rows(TALLY.redis)
    result = {"case": name, "mongo": mongo, "redis": redis}
    if not as_json:
        print(f"\n=== {name} ===")
        for label, table in (("MongoDB", mongo), ("Redis", redis)):
            print(f"-- {label}")
            for r in table:
                print(f"  {r['count']:3d}  {r['phase']:<16} {r['origin']:<48} {r['command']}")
            path = sum(r["count"] for r in table if r["origin"] != POLL)
            polls = sum(r["count"] for r in table if r["origin"] == POLL)
            print(f"  total {path} (+{polls} by the job queue's polling)")
    return result


async def run(as_json: bool) -> None:
    logging.basicConfig(level=logging.WARNING)
    instrument()
    with tempfile.TemporaryDirectory() as tmp, redis_server() as redis_url, \
            mongo_server(Path(tmp) / "mongo") as mongo_url:
        env = {**test_env(redis_url, mongo_url, uuid.uuid4().hex[:12], Path(tmp) / "data"),
               # No sweeps during the count: they are not part of an interview's end.
               "MOCKMATE_EXPIRY_SWEEP_S": "3600", "MOCKMATE_TAKEOVER_S": "600"}
        results = []
        async with serving(env) as (url, app):
            cases: list[tuple[str, Callable[..., Awaitable[None]]]] = [
                ("stream (zero answers, interview:end)", stream_case),
                ("answer (one typed answer, completes by itself)", answer_case),
            ]
            for (name, case), repeat in itertools.product(cases, (False, True)):
                token = await register(url, f"{uuid.uuid4().hex[:10]}@example.com")
                if repeat:  # the candidate's first interview pays badges a later one does not
                    await case(url, app, token)
                TALLY.phase = "setup"
                TALLY.mongo.clear()
                TALLY.redis.clear()
                await case(url, app, token)
                which = "a later interview" if repeat else "the candidate's first interview"
                results.append(report(f"{name}, {which}", as_json))
        if as_json:
            json.dump(results, sys.stdout, indent=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--json", action="store_true", help="print JSON, not tables")
    asyncio.run(run(parser.parse_args().json))


if __name__ == "__main__":
    main()
