"""Load benchmark: N scripted candidates take TEXT interviews against running MockMate servers.

Each candidate registers its own user (`POST /api/auth/register`, unique email per run; all
registrations happen first), then connects (WebSocket, `auth={"token": ...}`, `--url`s taken
round-robin, connects spread over `--ramp-s`), starts a `mixed` interview, answers each
`interview:question` with a typed 60-120 word answer after `--think-ms`, and awaits
`interview:complete`. `--reconnect` also drops the socket once after the first question,
reconnects to the next URL and sends `interview:resume`.

Prints ack latency per event (p50/p95/p99/max, count), acks/s, register/connect latency, what
a user feels (submit ack -> `answer:transcript` / `answer:evaluation`, last submit ack ->
`interview:complete` and -> the last `gamification:update`), errors by code and wall time.
Every wait has a timeout, the run has a deadline, failed candidates are counted, and only
loopback URLs are accepted. Example:

    python bench/text_interviews.py --url http://127.0.0.1:8081 --url http://127.0.0.1:8082 \\
        --candidates 50 --ramp-s 5 --json /tmp/bench.json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import math
import random
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

import aiohttp
import socketio

T = TypeVar("T")
EVENTS = ("interview:question", "answer:transcript", "answer:evaluation",
          "interview:complete", "gamification:update", "error")
OPENERS = ["In my last role as a backend engineer, our checkout service kept timing out "
           "during peak sales.", "At my previous company I led a small team that owned the "
           "billing pipeline.", "A good example is a project where two teams disagreed on the "
           "design of a shared API."]
MIDDLES = ["I was responsible for finding the root cause and proposing a fix within two weeks.",
           "First I gathered metrics and traced the slowest requests to a single database query.",
           "I set up a short meeting with both leads so that everyone could explain constraints.",
           "Then I wrote a design document comparing caching, batching and an index change.",
           "We agreed to ship the smallest change first and measure it behind a feature flag.",
           "I paired with a junior engineer so the knowledge would not stay with me alone.",
           "Along the way I kept stakeholders updated with a short written summary every day.",
           "When the first attempt failed in staging, I rolled it back and tried the next one."]
CLOSERS = ["As a result, p95 latency dropped by about sixty percent and incidents stopped.",
           "In the end we cut costs by roughly thirty percent and shipped a week early.",
           "What I learned is to measure before optimizing and to over-communicate tradeoffs."]


def answer_text(rng: random.Random) -> str:
    """A STAR-shaped answer of 60-120 words (opener, 3-6 middle sentences, closer)."""
    parts, target = [rng.choice(OPENERS), rng.choice(CLOSERS)], rng.randint(60, 120)
    for i in sorted(rng.sample(range(len(MIDDLES)), rng.randint(3, len(MIDDLES)))):
        sentence, words = MIDDLES[i], sum(len(x.split()) for x in parts)
        if words >= target or words + len(sentence.split()) > 120:
            break
        parts.insert(-1, sentence)
    return " ".join(parts)


def summary(values: list[float]) -> dict[str, float]:
    """count, nearest-rank p50/p95/p99 and max."""
    v = sorted(values)
    cut = {f"p{q}": v[max(0, math.ceil(q / 100 * len(v)) - 1)] for q in (50, 95, 99)} if v else {}
    return {"count": len(v), **cut, **({"max": v[-1]} if v else {})}


@dataclass
class Results:
    acks_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    setup_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    user_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    failed_at: Counter[str] = field(default_factory=Counter)


class Failure(Exception):
    def __init__(self, stage: str, code: str):
        super().__init__(f"{stage}: {code}")
        self.stage, self.code = stage, code  # where it failed, and the contract error code


class Candidate:
    def __init__(self, n: int, urls: list[str], run_id: str, args: argparse.Namespace,
                 http: aiohttp.ClientSession, res: Results):
        self.n, self.urls, self.args, self.http, self.res = n, urls, args, http, res
        self.url = urls[n % len(urls)]
        self.email = f"bench-{run_id}-{n}@example.com"
        self.rng = random.Random(f"{run_id}-{n}")
        self.timeout: float = args.timeout_s
        self.queues: dict[str, asyncio.Queue[tuple[float, dict[str, Any]]]] = {}
        self.arrived: dict[str, dict[str, float]] = defaultdict(dict)  # event -> answer_id -> t
        self.sio = self._client()

    def _client(self) -> socketio.AsyncClient:
        sio = socketio.AsyncClient(reconnection=False)
        for name in EVENTS:
            self.queues.setdefault(name, asyncio.Queue())
            sio.on(name, self._recorder(name))
        return sio

    def _recorder(self, name: str) -> Any:
        async def record(data: Any) -> None:
            now = time.perf_counter()
            if not isinstance(data, dict):
                return
            if "answer_id" in data:  # the first arrival counts (a retried job may repeat it)
                self.arrived[name].setdefault(str(data["answer_id"]), now)
            if name == "error":
                self.res.errors[f"event:{data.get('code', '?')}"] += 1
            self.queues[name].put_nowait((now, data))
        return record

    async def call(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            ack = await self.sio.call(event, data, timeout=self.timeout)
        except socketio.exceptions.TimeoutError:
            raise Failure(event, "ack_timeout") from None
        self.res.acks_ms[event].append((time.perf_counter() - started) * 1000)
        if not isinstance(ack, dict) or not ack.get("ok"):
            code = (ack.get("error") or {}).get("code", "?") if isinstance(ack, dict) else "?"
            raise Failure(event, str(code))
        return ack

    async def expect(self, event: str, **match: Any) -> tuple[float, dict[str, Any]]:
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    at, data = await self.queues[event].get()
                    if all(data.get(k) == v for k, v in match.items()):
                        return at, data
        except TimeoutError:
            raise Failure(event, "timeout") from None

    async def register(self) -> str:
        body = {"email": self.email, "password": "horse battery", "display_name": f"Bench {self.n}"}
        started = time.perf_counter()
        try:
            async with self.http.post(f"{self.url}/api/auth/register", json=body) as resp:
                data = await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise Failure("register", type(exc).__name__) from None
        if resp.status != 201:
            raise Failure("register", str((data or {}).get("error", {}).get("code", resp.status)))
        self.res.setup_ms["register"].append((time.perf_counter() - started) * 1000)
        return str(data["token"])

    async def connect(self, token: str) -> None:
        started = time.perf_counter()
        try:
            await self.sio.connect(self.url, auth={"token": token}, transports=["websocket"],
                                   wait_timeout=self.timeout)
        except socketio.exceptions.ConnectionError as exc:
            raise Failure("connect", str(exc) or "connect_error") from None
        self.res.setup_ms["connect"].append((time.perf_counter() - started) * 1000)

    async def interview(self, token: str) -> bool:
        await asyncio.sleep(self.args.ramp_s * self.n / self.args.candidates)
        await self.connect(token)
        ack = await self.call("interview:start", {
            "role": "Backend Engineer", "interview_type": "mixed", "difficulty": "mid",
            "question_count": self.args.questions, "adaptive": not self.args.no_follow_ups,
            "speak": not self.args.no_audio})
        session_id, total = ack["session_id"], int(ack["total_questions"])
        acked: dict[str, float] = {}
        for index in range(total):
            await self.expect("interview:question", session_id=session_id, index=index)
            if index == 0 and self.args.reconnect:
                await self.sio.disconnect()
                self.url = self.urls[(self.n + 1) % len(self.urls)]
                self.sio = self._client()
                await self.connect(token)
                snap = await self.call("interview:resume", {"session_id": session_id})
                if snap["snapshot"]["index"] != 0:
                    raise Failure("interview:resume", "wrong_index")
            await asyncio.sleep(self.args.think_ms / 1000)
            ack = await self.call("answer:submit", {
                "session_id": session_id, "index": index, "text": answer_text(self.rng)})
            acked[str(ack["answer_id"])] = time.perf_counter()
            await self.expect("answer:transcript", answer_id=ack["answer_id"])
        last_ack = max(acked.values())
        at, _ = await self.expect("interview:complete", session_id=session_id)
        self.res.user_ms["last submit ack -> complete"].append((at - last_ack) * 1000)
        # One update per answer and one for the interview (sent before `interview:complete`).
        updates = [await self.expect("gamification:update") for _ in range(total + 1)]
        latest = max(t for t, _ in updates)
        self.res.user_ms["last submit ack -> last gamification:update"].append(
            max(0.0, latest - last_ack) * 1000)
        for answer_id, t in acked.items():
            for event, label in (("answer:transcript", "submit ack -> transcript"),
                                 ("answer:evaluation", "submit ack -> evaluation")):
                if answer_id in self.arrived[event]:
                    late = self.arrived[event][answer_id] - t
                    self.res.user_ms[label].append(max(0.0, late) * 1000)
                else:
                    self.res.errors[f"missing:{event}"] += 1
        return True

    async def guarded(self, step: Awaitable[T]) -> T | None:
        """`step`'s result, or None with the failure counted (never raises but cancellation)."""
        try:
            return await step
        except Failure as exc:
            self.res.errors[exc.code] += 1
            self.res.failed_at[exc.stage] += 1
        except asyncio.CancelledError:
            self.res.errors["deadline"] += 1
            self.res.failed_at["deadline"] += 1
            raise
        except Exception as exc:  # a bench bug or a protocol surprise: count it, go on
            self.res.errors[type(exc).__name__] += 1
            self.res.failed_at["unexpected"] += 1
        finally:
            if self.sio.connected:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self.sio.disconnect(), 5)
        return None


def loopback(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if parts.scheme not in ("http", "https") or not ok:
        raise SystemExit(f"refusing {url}: only http(s) URLs on loopback are allowed")
    return url.rstrip("/")


async def phase(coros: list[Coroutine[Any, Any, T | None]], limit_s: float) -> list[T | None]:
    """Run `coros` concurrently for at most `limit_s`; the late ones are cancelled."""
    tasks = [asyncio.create_task(c) for c in coros]
    if tasks:
        _, late = await asyncio.wait(tasks, timeout=max(1.0, limit_s))
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
    return [None if t.cancelled() or t.exception() else t.result() for t in tasks]


MakeCandidate = Callable[[int, list[str], str, aiohttp.ClientSession], "Candidate"]


@dataclass
class Run:
    """When the phases of one bench run started and ended, and how many completed."""

    urls: list[str]
    started: float
    registered: float
    finished: float
    completed: int


async def drive(args: argparse.Namespace, make: MakeCandidate) -> Run:
    """Register every candidate (phase 1), then run their interviews (phase 2)."""
    urls = [loopback(u) for u in (args.url or ["http://127.0.0.1:8080"])]
    run_id = uuid.uuid4().hex[:10]
    deadline = time.perf_counter() + args.deadline_s
    gate = asyncio.Semaphore(args.register_concurrency)

    async def register(c: Candidate) -> str | None:
        async with gate:
            return await c.guarded(c.register())

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=args.timeout_s)) as http:
        people = [make(n, urls, run_id, http) for n in range(args.candidates)]
        started = time.perf_counter()
        tokens = await phase([register(c) for c in people], deadline - started)
        registered = time.perf_counter()
        runs = [c.guarded(c.interview(t)) for c, t in zip(people, tokens, strict=True) if t]
        done = await phase(runs, deadline - registered)
    finished = time.perf_counter()
    return Run(urls, started, registered, finished, sum(1 for d in done if d))


def results(args: argparse.Namespace, res: Results, run: Run) -> dict[str, Any]:
    """The figures every bench reports."""
    acks = sum(len(v) for v in res.acks_ms.values())
    return {"urls": run.urls, "candidates": args.candidates, "questions": args.questions,
            "ramp_s": args.ramp_s, "think_ms": args.think_ms,
            "completed": run.completed, "failed": args.candidates - run.completed,
            "failed_at": dict(res.failed_at), "errors": dict(res.errors),
            "register_wall_s": run.registered - run.started,
            "interview_wall_s": run.finished - run.registered,
            "wall_s": run.finished - run.started, "acks": acks,
            "acks_per_s": acks / max(1e-9, run.finished - run.registered),
            "ack_ms": {k: summary(v) for k, v in sorted(res.acks_ms.items())},
            "setup_ms": {k: summary(v) for k, v in sorted(res.setup_ms.items())},
            "user_ms": {k: summary(v) for k, v in sorted(res.user_ms.items())}}


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    res = Results()
    run = await drive(args, lambda n, urls, run_id, http: Candidate(n, urls, run_id, args,
                                                                     http, res))
    return {**results(args, res, run), "reconnect": args.reconnect}


def report(r: dict[str, Any]) -> None:
    print(f"candidates {r['candidates']} x {r['questions']} questions on {', '.join(r['urls'])}"
          f" (ramp {r['ramp_s']}s, think {r['think_ms']}ms, reconnect {r['reconnect']})")
    print(f"completed {r['completed']}, failed {r['failed']} {r['failed_at'] or ''}")
    for title in ("ack_ms", "setup_ms", "user_ms"):
        print(f"\n{title:<30}{'count':>7}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}")
        for name, s in r[title].items():
            cells = "".join(f"{s.get(k, float('nan')):>9.1f}" for k in ("p50", "p95", "p99", "max"))
            print(f"{name:<30}{s['count']:>7}{cells}")
    print(f"\nacks {r['acks']}, {r['acks_per_s']:.1f} acks/s over the interview phase;"
          f" wall {r['wall_s']:.1f}s (registering {r['register_wall_s']:.1f}s,"
          f" interviews {r['interview_wall_s']:.1f}s)")
    print(f"errors: {r['errors'] or 'none'}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", action="append", help="server base URL (repeat; loopback only)")
    p.add_argument("--candidates", type=int, default=10)
    p.add_argument("--questions", type=int, default=3, choices=range(1, 21), metavar="1..20")
    p.add_argument("--ramp-s", type=float, default=0.0, help="spread connects over this long")
    p.add_argument("--think-ms", type=float, default=200.0, help="question -> answer delay")
    p.add_argument("--timeout-s", type=float, default=60.0, help="limit of every single wait")
    p.add_argument("--deadline-s", type=float, default=900.0, help="limit of the whole run")
    p.add_argument("--register-concurrency", type=int, default=8,
                   help="registrations in flight at once (phase 1)")
    p.add_argument("--reconnect", action="store_true", help="reconnect + resume once each")
    p.add_argument("--no-audio", action="store_true",
                   help="start interviews with speak: false (questions as text only)")
    p.add_argument("--no-follow-ups", action="store_true",
                   help="start interviews with adaptive: false (no follow-up questions)")
    p.add_argument("--json", help="also write the results to this file")
    args = p.parse_args(argv)
    if not 1 <= args.candidates <= 10_000 or args.register_concurrency < 1:
        p.error("--candidates must be 1..10000 and --register-concurrency at least 1")
    if min(args.ramp_s, args.think_ms) < 0 or min(args.timeout_s, args.deadline_s) <= 0:
        p.error("times must not be negative; timeouts must be positive")
    results = asyncio.run(bench(args))
    report(results)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=2)
    return 0 if results["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
