"""Runs a load test: users in bulk, candidates ramped in, a live progress line, a deadline.

Tokens come from one admin request per 500 users (`POST /api/admin/loadtest/users`), so no
candidate costs the server an argon2 hash. Candidate n starts at `ramp_s * n / N`; each
repeats its scenario until `duration_s` has passed; the load phase stops at `deadline_s`
(candidates still running are cancelled and counted as `deadline`). A candidate that fails is
counted (`failed_at`, error code), never fatal to the run. With an echo baseline (`echo.py`)
the same candidates, with the same tokens, first run against the echo, then the real target:
two phases, each with its own progress line, duration and deadline.
"""

import asyncio
import contextlib
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TextIO

import aiohttp

from mockmate.loadtest.bookings import Bookings
from mockmate.loadtest.client import Failure, collector_paused
from mockmate.loadtest.echo import cpu_seconds
from mockmate.loadtest.scenarios import InterviewCandidate, InterviewOptions
from mockmate.loadtest.stats import Results

BATCH = 500


@dataclass(frozen=True)
class RunOptions:
    urls: list[str]
    admin_token: str
    interview: InterviewOptions
    candidates: int = 10
    ramp_s: float = 0.0
    duration_s: float = 0.0
    deadline_s: float = 900.0
    experts: int = 3  # bookings
    spread: int = 3  # bookings
    answer_text: str = ""  # voice/stream: what the candidates say ("" = the default)
    progress: TextIO | None = field(default=None, compare=False)
    server_pids: list[int] = field(default_factory=list)  # to report their CPU per ack


@dataclass(frozen=True)
class Echo:
    """A running echo baseline server (`echo.py`)."""
    url: str
    pid: int


@dataclass(frozen=True)
class Target:
    """What one target's load phase measured, and its facts (walls, CPU, extras)."""
    res: Results
    facts: dict[str, Any]


@dataclass(frozen=True)
class Run:
    target: Target
    baseline: Target | None = None  # the echo, with --echo-baseline


async def mint_users(http: aiohttp.ClientSession, url: str, admin_token: str, count: int,
                     prefix: str) -> list[str]:
    """Tokens of `count` synthetic users named after `prefix` (one request per 500)."""
    tokens: list[str] = []
    while len(tokens) < count:
        body = {"count": min(BATCH, count - len(tokens)), "prefix": prefix,
                "first": len(tokens)}
        async with http.post(f"{url}/api/admin/loadtest/users", json=body,
                             headers={"Authorization": f"Bearer {admin_token}"}) as resp:
            data = await resp.json(content_type=None)
        if resp.status != 201:
            error = data.get("error", {}) if isinstance(data, dict) else {}
            raise SystemExit(f"minting load-test users on {url} failed ({resp.status}): "
                             f"{error.get('code', '?')}: {error.get('message', data)}")
        tokens += [str(u["token"]) for u in data["users"]]
    return tokens


async def guarded(res: Results, work: Awaitable[None]) -> None:
    """Runs one candidate; its failure is counted, never raised (cancellation is)."""
    res.started += 1
    try:
        await work
        res.finished += 1
        return
    except Failure as exc:
        res.errors[exc.code] += 1
        res.failed_at[exc.stage] += 1
        if exc.message:
            res.examples.setdefault(f"{exc.stage} {exc.code}", exc.message)
    except asyncio.CancelledError:
        res.error("deadline")
        res.failed_at["deadline"] += 1
        res.failed += 1
        raise
    except Exception as exc:  # a protocol surprise: count it, go on
        res.error(type(exc).__name__)
        res.failed_at["unexpected"] += 1
    res.failed += 1


async def progress_line(res: Results, opts: RunOptions, out: TextIO, label: str = "") -> None:
    """Every second (a TTY) or five (a log), where the run stands (`label`: which target)."""
    tty = out.isatty()
    began = time.perf_counter()
    while True:
        await asyncio.sleep(1.0 if tty else 5.0)
        acks = res.all_acks()
        recent = sorted(acks[-500:])
        p95 = recent[int(0.95 * (len(recent) - 1))] if recent else 0.0
        line = (f"{label}[{time.perf_counter() - began:6.1f}s] candidates {res.started}/"
                f"{opts.candidates} running {res.started - res.finished - res.failed} "
                f"done {res.finished} failed {res.failed} | units {res.units} acks {len(acks)}"
                f" p95 {p95:.0f}ms | errors {sum(res.errors.values())}")
        out.write(f"\r{line}\033[K" if tty else f"{line}\n")
        out.flush()


async def measured(res: Results, opts: RunOptions, work: Callable[[], Awaitable[None]], *,
                   pids: list[int], label: str = "") -> dict[str, Any]:
    """Runs one target's load phase with the progress line; its wall time, acks/s and, when
    the servers' `pids` are known, their CPU time per ack."""
    ticker = (asyncio.create_task(progress_line(res, opts, opts.progress, label))
              if opts.progress else None)
    cpu_before, started = cpu_seconds(pids), time.perf_counter()
    try:
        with collector_paused():
            await work()
    finally:
        if ticker:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
            if opts.progress is not None and opts.progress.isatty():
                opts.progress.write("\n")
    load_s, cpu_after = time.perf_counter() - started, cpu_seconds(pids)
    acks = len(res.all_acks())
    facts: dict[str, Any] = {"load_s": load_s, "acks_per_s": acks / max(1e-9, load_s)}
    if cpu_before is not None and cpu_after is not None and acks:
        facts["server_cpu_us_per_ack"] = round((cpu_after - cpu_before) / acks * 1e6, 1)
    return facts


async def _phase(coros: list[Awaitable[None]], limit_s: float) -> None:
    tasks = [asyncio.ensure_future(c) for c in coros]
    if not tasks:
        return
    _, late = await asyncio.wait(tasks, timeout=max(1.0, limit_s))
    for task in late:
        task.cancel()
    await asyncio.gather(*late, return_exceptions=True)


async def run(scenario: str, opts: RunOptions, *, today: date,
              echo: Echo | None = None) -> Run:
    """Runs the scenario (first against `echo`, when given, with the same tokens)."""
    res = Results()
    loop = asyncio.get_running_loop()
    prefix = f"lt-{uuid.uuid4().hex[:10]}"
    pcm = b""
    if scenario in ("voice", "stream"):
        from mockmate.loadtest.speech import spoken_answer  # Piper: heavy, only when spoken

        pcm = await (spoken_answer(opts.answer_text) if opts.answer_text else spoken_answer())
    facts: dict[str, Any] = {"answer_audio_s": len(pcm) / 32000} if pcm else {}
    timeout = aiohttp.ClientTimeout(total=opts.interview.timeout_s)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        extra = opts.experts if scenario == "bookings" else 0
        started = time.perf_counter()
        tokens = await mint_users(http, opts.urls[0], opts.admin_token,
                                  opts.candidates + extra, prefix)
        minted = time.perf_counter()
        res.setup["mint users (per call)"].append(
            (minted - started) * 1000 / max(1, -(-len(tokens) // BATCH)))

        def ramped(res: Results, n: int, work: Callable[[], Awaitable[None]]) -> Awaitable[None]:
            async def later() -> None:
                await asyncio.sleep(opts.ramp_s * n / opts.candidates)
                await work()
            return guarded(res, later())

        async def interviews(res: Results, urls: list[str]) -> None:
            until = loop.time() + opts.duration_s
            people = [InterviewCandidate(n, urls[n % len(urls)], t, opts.interview, res, pcm)
                      for n, t in enumerate(tokens)]
            await _phase([ramped(res, c.n, lambda c=c: c.run(until))  # type: ignore[misc]
                          for c in people], opts.deadline_s)

        async def bookings() -> None:
            book = Bookings(http, opts.urls, opts.admin_token, res, spread=opts.spread,
                            today=today)
            expert_tokens = tokens[opts.candidates:]
            experts = [await book.expert(n, t) for n, t in enumerate(expert_tokens)]
            work = [ramped(res, n, lambda n=n, t=t: book.book(n, t, experts))  # type: ignore[misc]
                    for n, t in enumerate(tokens[: opts.candidates])]
            await _phase(work, opts.deadline_s - (time.perf_counter() - minted))
            facts["overlapping_confirmed_bookings"] = bad = await book.overlaps(expert_tokens)
            if bad:
                res.error("double_booking")

        baseline = None
        if echo is not None:
            echo_res = Results()
            echo_facts = await measured(
                echo_res, opts, lambda: interviews(echo_res, [echo.url]), pids=[echo.pid],
                label="echo ")
            baseline = Target(echo_res, echo_facts)
        facts.update(await measured(
            res, opts, bookings if scenario == "bookings" else lambda: interviews(res, opts.urls),
            pids=opts.server_pids, label="mockmate " if echo else ""))
    facts["mint_s"] = minted - started
    return Run(Target(res, facts), baseline)
