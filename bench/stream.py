"""Load benchmark: N candidates stream spoken answers in real time through `answer:chunk`.

Against a MockMate server that is **already running** (with real Redis), and, in the same
run, against a bare python-socketio echo server that this script starts as a child process
(`mockmate/loadtest/echo.py`, the one `mockmate loadtest stream --echo-baseline` uses), which
acks `answer:chunk` with the same shape and does nothing else. The echo is the baseline: what
Socket.IO itself costs on this machine, with this client. `mockmate loadtest stream
--echo-baseline` measures the same comparison without direct database access (users minted
over the admin API) and with `--slo p99_ack_ratio=...`; this script remains for its
multi-process client (`--procs`) and its stored-bytes check.

Each candidate connects over WebSocket, (MockMate only) starts a text-less interview
(`speak: false`, one question) and then sends 100 ms `pcm_16000` chunks (3200 bytes) in real
time: chunk k is due at start + k x 100 ms on a monotonic clock; each awaits its ack before
the next is sent (a late ack delays the next chunk, it is never sent out of order). After
`--duration-s` it checks, with `interview:resume`, that the server holds exactly the bytes
it acknowledged, and ends the interview.

Tokens are minted with the server's JWT secret (`--jwt-secret`, or MOCKMATE_JWT_SECRET),
and the candidates' user documents are written straight into the server's database
(`--mongodb-url`, `--mongodb-db`), so no argon2 hash is computed. Reports, per target, ack
latency p50/p95/p99/max, errors by code (an error or a timeout is resent with the same seq),
lost chunks (acknowledged but not held by the server),
send lag behind the schedule, and the ratio of MockMate's p99 to the echo's: over the whole
run, and over the chunks sent while every candidate streams (after the ramp, before the first
ends; the connections and `interview:start`s of the ramp and the `interview:end`s weigh on
the others), with p50 / p99 per 5 s of the run. The client processes do not collect garbage
while they measure (`collector_paused`), so their own pauses do not count against either
server. Example:

    python bench/stream.py --url http://127.0.0.1:8300 --candidates 200 --duration-s 20 \\
        --mongodb-url 'mongodb://127.0.0.1:27117/?directConnection=true' --mongodb-db bench
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import jwt
import socketio

# The same retry rule as `mockmate loadtest`: what a client does with a retryable refusal.
from mockmate.loadtest.client import ATTEMPTS, backoff_s, collector_paused, connect_retrying
from mockmate.loadtest.echo import cpu_seconds, echo_server

CHUNK_S = 0.1
CHUNK = b"\x01\x00" * int(16000 * CHUNK_S)  # 100 ms of 16 kHz s16le mono: 3200 bytes
START = {"role": "Backend Engineer", "interview_type": "behavioral", "difficulty": "mid",
         "question_count": 1, "speak": False, "adaptive": False, "auto_advance": False}


@dataclass
class Results:
    acks_ms: list[float] = field(default_factory=list)
    # When each acknowledged chunk was sent, in seconds from the run's start (its first
    # candidate's due time): to tell the acks taken while every candidate streams from those
    # taken while others are still connecting and starting, or already ending.
    sent_s: list[float] = field(default_factory=list)
    lag_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    sent: int = 0
    acked: int = 0
    lost: int = 0
    candidates_failed: int = 0
    retries: Counter[str] = field(default_factory=Counter)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


RNG = random.Random()


async def connect(sio: socketio.AsyncClient, url: str, token: str, args: argparse.Namespace,
                  res: Results) -> None:
    """Connect, retrying a handshake refused as retryable (a busy or absent backing
    service), as the contract asks clients to."""

    def retried() -> None:
        res.retries["connect"] += 1

    await connect_retrying(sio, url, {"token": token}, transport="websocket",
                           timeout_s=args.timeout_s, rng=RNG, on_retry=retried)


async def call(sio: socketio.AsyncClient, event: str, payload: dict[str, Any],
               args: argparse.Namespace, res: Results) -> Any:
    """`sio.call`, retrying an ack that says `retryable` (it changed nothing)."""
    for attempt in range(ATTEMPTS):
        ack = await sio.call(event, payload, timeout=args.timeout_s)
        retryable = (isinstance(ack, dict) and not ack.get("ok")
                     and ack.get("error", {}).get("retryable"))
        if not retryable or attempt == ATTEMPTS - 1:
            return ack
        res.retries[event] += 1
        await asyncio.sleep(backoff_s(attempt, RNG))
    raise AssertionError("unreachable")


async def candidate(n: int, url: str, token: str, args: argparse.Namespace, res: Results,
                    t0: float, start_at: float, mockmate: bool) -> None:
    sio = socketio.AsyncClient(reconnection=False)
    loop = asyncio.get_running_loop()
    await asyncio.sleep(max(0.0, start_at - loop.time()))
    try:
        await connect(sio, url, token, args, res)
        sid = f"echo-{n}"
        if mockmate:
            ack = await call(sio, "interview:start", START, args, res)
            if not ack.get("ok"):
                res.errors[f"start:{ack['error']['code']}"] += 1
                res.candidates_failed += 1
                return
            sid = ack["session_id"]
        began = loop.time()
        chunks = int(args.duration_s / CHUNK_S)
        held = 0
        seq = 0
        for k in range(chunks):
            due = began + k * CHUNK_S
            now = loop.time()
            if due > now:
                await asyncio.sleep(due - now)
            else:
                res.lag_ms.append((now - due) * 1000)
            payload = {"session_id": sid, "index": 0, "seq": seq, "data": CHUNK}
            res.sent += 1
            sent_at, sent_s = time.perf_counter(), loop.time() - t0
            try:
                ack = await sio.call("answer:chunk", payload, timeout=args.timeout_s)
            except socketio.exceptions.TimeoutError:
                res.errors["ack_timeout"] += 1
                continue
            res.acks_ms.append((time.perf_counter() - sent_at) * 1000)
            res.sent_s.append(sent_s)
            if not isinstance(ack, dict) or not ack.get("ok"):
                code = ack.get("error", {}).get("code", "?") if isinstance(ack, dict) else "?"
                res.errors[str(code)] += 1
                continue
            res.acked += 1
            seq += 1
            held = int(ack["received_bytes"])
        if mockmate:
            snap = await call(sio, "interview:resume", {"session_id": sid}, args, res)
            if not snap.get("ok"):  # could not check: an error, not a loss
                res.errors[f"resume:{snap.get('error', {}).get('code', '?')}"] += 1
            else:
                stored = int(snap["snapshot"]["received_bytes"])
                if stored != held or stored != seq * len(CHUNK):
                    res.errors["stored_mismatch"] += 1
                    res.lost += abs(seq * len(CHUNK) - stored) // len(CHUNK)
            await call(sio, "interview:end", {"session_id": sid}, args, res)
    except Exception as exc:  # counted, not fatal: one candidate must not end the run
        res.errors[type(exc).__name__] += 1
        res.candidates_failed += 1
    finally:
        if sio.connected:
            await sio.disconnect()


async def run_target(url: str, tokens: list[str], args: argparse.Namespace,
                     mockmate: bool) -> Results:
    res = Results()
    loop = asyncio.get_running_loop()
    t0 = loop.time() + 0.5
    step = args.ramp_s / max(1, len(tokens))
    await asyncio.gather(*(
        candidate(n, url, tok, args, res, t0, t0 + n * step, mockmate)
        for n, tok in enumerate(tokens)
    ))
    return res


def steady_acks(res: Results, args: argparse.Namespace) -> list[float]:
    """The acks of chunks sent while every candidate was streaming: after the ramp (and a
    second for the last connections and starts), before the first candidate ends."""
    lo, hi = args.ramp_s + 1.0, args.duration_s
    return [ms for ms, at in zip(res.acks_ms, res.sent_s, strict=True) if lo <= at < hi]


def timeline(res: Results, step_s: float = 5.0) -> list[dict[str, float]]:
    """Ack p50 and p99 by when the chunk was sent, in `step_s` slices of the run: where
    the ramp's connections and starts, and the ends, weigh on the acks."""
    slices: dict[int, list[float]] = {}
    for ms, at in zip(res.acks_ms, res.sent_s, strict=True):
        slices.setdefault(int(at // step_s), []).append(ms)
    return [{"from_s": k * step_s, "acks": len(v), "p50_ms": round(percentile(v, 0.5), 1),
             "p99_ms": round(percentile(v, 0.99), 1)} for k, v in sorted(slices.items())]


def summary(name: str, res: Results, args: argparse.Namespace) -> dict[str, Any]:
    steady = steady_acks(res, args)
    return {
        "target": name, "acks": len(res.acks_ms), "sent": res.sent, "acked_ok": res.acked,
        "p50_ms": round(percentile(res.acks_ms, 0.50), 2),
        "p95_ms": round(percentile(res.acks_ms, 0.95), 2),
        "p99_ms": round(percentile(res.acks_ms, 0.99), 2),
        "max_ms": round(max(res.acks_ms, default=float("nan")), 2),
        "steady_acks": len(steady),
        "steady_p50_ms": round(percentile(steady, 0.50), 2),
        "steady_p99_ms": round(percentile(steady, 0.99), 2),
        "mean_ms": round(statistics.fmean(res.acks_ms), 2) if res.acks_ms else None,
        "late_sends": len(res.lag_ms),
        "lag_p99_ms": round(percentile(res.lag_ms, 0.99), 2) if res.lag_ms else 0.0,
        "errors": dict(res.errors), "lost_chunks": res.lost,
        "candidates_failed": res.candidates_failed, "retries": dict(res.retries),
    }


async def insert_users(args: argparse.Namespace, user_ids: list[str]) -> None:
    from datetime import UTC, datetime

    from pymongo import AsyncMongoClient

    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(args.mongodb_url)
    try:
        await client[args.mongodb_db].users.insert_many([
            {"_id": uid, "email": f"stream-{uid}@example.com", "display_name": "bench",
             "password_hash": "!bench-no-login", "roles": ["user"],
             "created_at": datetime.now(UTC)}
            for uid in user_ids
        ])
    finally:
        await client.close()


def mint(secret: str, user_id: str) -> str:
    now = int(time.time())
    return jwt.encode({"sub": user_id, "roles": ["user"], "iat": now, "exp": now + 3600,
                       "iss": "mockmate"}, secret, algorithm="HS256")


def client_process(args: argparse.Namespace, tokens: list[str], echo_url: str,
                   barrier: Any, out: Any) -> None:
    """One of `--procs` client processes: its share of candidates, echo first, then MockMate."""

    async def phase(url: str, mockmate: bool) -> Results:
        with collector_paused():  # the acks measure the servers, not this process
            return await run_target(url, tokens, args, mockmate=mockmate)

    async def both() -> tuple[Results, Results]:
        await asyncio.to_thread(barrier.wait)
        echo = await phase(echo_url, mockmate=False)
        print(f"echo done in one client: {summary('echo', echo, args)['p99_ms']} ms p99",
              file=sys.stderr, flush=True)
        await asyncio.to_thread(barrier.wait)
        return echo, await phase(args.url, mockmate=True)

    out.put(asyncio.run(both()))


def merge(parts: list[Results]) -> Results:
    total = Results()
    for r in parts:
        total.acks_ms += r.acks_ms
        total.sent_s += r.sent_s
        total.lag_ms += r.lag_ms
        total.errors.update(r.errors)
        total.retries.update(r.retries)
        total.sent += r.sent
        total.acked += r.acked
        total.lost += r.lost
        total.candidates_failed += r.candidates_failed
    return total


def measure(args: argparse.Namespace, secret: str, echo_url: str,
            echo_pid: int) -> dict[str, Any]:
    import multiprocessing

    # CPU seconds each server spends per acknowledged chunk: unlike latency, this does not
    # depend on what else the machine is doing (both servers idle through the other's phase).
    pids = ([echo_pid], [args.server_pid] if args.server_pid else [])
    cpu_before = [cpu_seconds(p) for p in pids]

    user_ids = [uuid.uuid4().hex for _ in range(args.candidates)]
    asyncio.run(insert_users(args, user_ids))
    tokens = [mint(secret, uid) for uid in user_ids]
    # The client side is spread over `--procs` processes, so that it is not what saturates.
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(args.procs), ctx.Queue()
    procs = [ctx.Process(target=client_process,
                         args=(args, tokens[i::args.procs], echo_url, barrier, out))
             for i in range(args.procs)]
    for proc in procs:
        proc.start()
    parts = [out.get() for _ in procs]
    for proc in procs:
        proc.join()
    echo, mockmate = merge([e for e, _ in parts]), merge([m for _, m in parts])
    rows = [summary("echo", echo, args), summary("mockmate", mockmate, args)]
    for row, before, after in zip(rows, cpu_before, [cpu_seconds(p) for p in pids],
                                  strict=True):
        if before is not None and after is not None and row["acks"]:
            row["server_cpu_us_per_ack"] = round((after - before) / row["acks"] * 1e6, 1)
    ratio = rows[1]["p99_ms"] / rows[0]["p99_ms"] if rows[0]["p99_ms"] else float("nan")
    steady_ratio = (rows[1]["steady_p99_ms"] / rows[0]["steady_p99_ms"]
                    if rows[0]["steady_p99_ms"] else float("nan"))
    report = {"candidates": args.candidates, "duration_s": args.duration_s,
              "ramp_s": args.ramp_s, "rows": rows, "p99_ratio": round(ratio, 2),
              "steady_p99_ratio": round(steady_ratio, 2),
              "timeline": {"echo": timeline(echo), "mockmate": timeline(mockmate)}}
    return report


def main(args: argparse.Namespace) -> int:
    secret = args.jwt_secret or os.environ.get("MOCKMATE_JWT_SECRET", "")
    if len(secret) < 32:
        print("--jwt-secret (or MOCKMATE_JWT_SECRET) of the server is required", file=sys.stderr)
        return 2
    with echo_server() as (echo_url, echo_pid):
        report = measure(args, secret, echo_url, echo_pid)
    rows = report["rows"]
    print(f"{args.candidates} candidates x {args.duration_s:.0f} s of 100 ms chunks (ramp "
          f"{args.ramp_s:.0f} s, {args.procs} client processes)")
    print(f"{'target':<9} {'acks':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} "
          f"{'lost':>5} {'late':>5}  errors; retried")
    for r in rows:
        print(f"{r['target']:<9} {r['acks']:>6} {r['p50_ms']:>8} {r['p95_ms']:>8} "
              f"{r['p99_ms']:>8} {r['max_ms']:>8} {r['lost_chunks']:>5} {r['late_sends']:>5}  "
              f"{r['errors'] or 'none'}; {r['retries'] or 'none'}")
    print(f"p99 ratio mockmate/echo: {report['p99_ratio']}")
    print(f"while all {args.candidates} stream (sent {args.ramp_s + 1:.0f}-{args.duration_s:.0f} s"
          f" into the run): echo {rows[0]['steady_acks']} acks, p50 {rows[0]['steady_p50_ms']}"
          f" p99 {rows[0]['steady_p99_ms']}; mockmate {rows[1]['steady_acks']} acks, p50 "
          f"{rows[1]['steady_p50_ms']} p99 {rows[1]['steady_p99_ms']}; p99 ratio "
          f"{report['steady_p99_ratio']}")
    print("sent at (s)   echo p50 / p99   mockmate p50 / p99")
    by_start = [{s["from_s"]: s for s in report["timeline"][t]} for t in ("echo", "mockmate")]
    blank = {"p50_ms": "-", "p99_ms": "-"}
    for start in sorted(by_start[0].keys() | by_start[1].keys()):
        e, m = (side.get(start, blank) for side in by_start)
        print(f"{start:>5.0f}-{start + 5:<5.0f} {e['p50_ms']:>8} / {e['p99_ms']:<8}"
              f" {m['p50_ms']:>8} / {m['p99_ms']}")
    cpu = [r.get("server_cpu_us_per_ack") for r in rows]
    if all(c is not None for c in cpu):
        print(f"server CPU per ack: echo {cpu[0]} us, mockmate {cpu[1]} us")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
    return 0


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8080")
    p.add_argument("--candidates", type=int, default=100)
    p.add_argument("--duration-s", type=float, default=20.0)
    p.add_argument("--ramp-s", type=float, default=5.0)
    p.add_argument("--timeout-s", type=float, default=30.0)
    p.add_argument("--jwt-secret", default="")
    p.add_argument("--server-pid", type=int, default=None,
                   help="the mockmate server's pid, to report its CPU time per chunk")
    p.add_argument("--mongodb-url", default="mongodb://127.0.0.1:27017/?directConnection=true")
    p.add_argument("--mongodb-db", default="mockmate")
    p.add_argument("--procs", type=int, default=2, help="client processes")
    p.add_argument("--json", default="")
    args = p.parse_args()
    if not 1 <= args.procs <= 32:
        p.error("--procs must be 1..32")
    if not 1 <= args.candidates <= 5000:
        p.error("--candidates must be 1..5000")
    if "127.0.0.1" not in args.url and "localhost" not in args.url:
        p.error("loopback URLs only")
    return args


if __name__ == "__main__":
    sys.exit(main(parse_args()))
