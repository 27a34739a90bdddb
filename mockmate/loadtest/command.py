"""`mockmate loadtest`: the subcommand's options, and the run from arguments to exit status.

Exit status: 0 when every `--slo` is met (without `--slo`: when no candidate failed), 1 when
one is missed (or a candidate failed), 2 for bad arguments or a failed setup.
`stream --echo-baseline` first runs the scenario against a bare python-socketio echo server it
starts (`echo.py`), reports both and the ratios mockmate/echo (`--slo p99_ack_ratio=...`).
"""

import argparse
import asyncio
import contextlib
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from mockmate.loadtest import slo as slos
from mockmate.loadtest.client import Failure
from mockmate.loadtest.echo import cpu_seconds, echo_server
from mockmate.loadtest.report import comparison, render
from mockmate.loadtest.runner import Echo, Run, RunOptions, run
from mockmate.loadtest.scenarios import InterviewOptions
from mockmate.loadtest.stats import Results, ack_ratios

SCENARIOS = ("text", "voice", "stream", "bookings")


def _url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http(s) URL")
    return text.rstrip("/")


def _slo(text: str) -> slos.Slo:
    try:
        return slos.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_parser(commands: Any) -> None:
    p = commands.add_parser(
        "loadtest", help="drive scripted candidates against running servers (docs/loadtest.md)")
    p.add_argument("scenario", choices=SCENARIOS)
    p.add_argument("--url", action="append", type=_url,
                   help="server base URL; repeat to spread candidates round-robin")
    p.add_argument("--candidates", type=int, default=10)
    p.add_argument("--ramp-s", type=float, default=0.0, help="spread the starts over this long")
    p.add_argument("--duration-s", type=float, default=0.0,
                   help="each candidate repeats its scenario until this has passed (0: once)")
    p.add_argument("--deadline-s", type=float, default=900.0, help="limit of the whole run")
    p.add_argument("--timeout-s", type=float, default=60.0, help="limit of every single wait")
    p.add_argument("--admin-token", default="",
                   help="an admin's token (default: minted with this machine's settings)")
    p.add_argument("--questions", type=int, default=2, help="questions per interview")
    p.add_argument("--think-ms", type=float, default=200.0)
    p.add_argument("--transport", choices=("websocket", "polling"), default="websocket")
    p.add_argument("--follow-ups", action="store_true", help="adaptive interviews")
    p.add_argument("--speak", action="store_true", help="text: ask for question audio too")
    p.add_argument("--voice-answer", choices=("whole", "stream"), default="stream",
                   help="voice: one submit with the audio, or chunks in real time")
    p.add_argument("--chunk-ms", type=float, default=None,
                   help="streamed chunk length (default 250 for voice, 100 for stream)")
    p.add_argument("--answer-s", type=float, default=10.0, help="stream: seconds per answer")
    p.add_argument("--stream-submit", action="store_true",
                   help="stream: submit the answer (transcription) instead of ending")
    p.add_argument("--live-captions", action="store_true",
                   help="voice: ask for live captions (`answer:partial`, counted)")
    p.add_argument("--answer-text", default="", help="voice/stream: what Piper says")
    p.add_argument("--experts", type=int, default=3, help="bookings: experts to book")
    p.add_argument("--spread", type=int, default=3,
                   help="bookings: pick one of the first SPREAD free slots")
    p.add_argument("--slo", action="append", type=_slo, default=[], metavar="NAME=VALUE",
                   help="e.g. p95_ack_ms=250, error_rate=0.01; missed: exit status 1")
    p.add_argument("--json", nargs="?", const="-", metavar="PATH",
                   help="write the results as JSON to PATH (or stdout instead of the table)")
    p.add_argument("--no-progress", action="store_true", help="no live progress line")
    p.add_argument("--echo-baseline", action="store_true",
                   help="stream: first run against a bare python-socketio echo server, "
                        "report both and the ratios (SLOs p95_ack_ratio, p99_ack_ratio)")
    p.add_argument("--server-pid", action="append", type=int, default=[], metavar="PID",
                   help="a server process (on this machine) whose CPU time per ack to "
                        "report; repeatable")


def main(args: argparse.Namespace, admin_token: Callable[[], str]) -> int:
    if not 1 <= args.candidates <= 10_000 or args.questions < 1 or args.experts < 1:
        print("loadtest: --candidates must be 1..10000, --questions and --experts >= 1",
              file=sys.stderr)
        return 2
    if min(args.ramp_s, args.duration_s, args.think_ms) < 0 or min(
            args.timeout_s, args.deadline_s, args.answer_s) <= 0:
        print("loadtest: times must not be negative; timeouts must be positive",
              file=sys.stderr)
        return 2
    if args.echo_baseline and args.scenario != "stream":
        print("loadtest: --echo-baseline is for the stream scenario", file=sys.stderr)
        return 2
    if not args.echo_baseline and (ratios := [s.name for s in args.slo if s.needs_baseline]):
        print(f"loadtest: --slo {', '.join(ratios)} compares with the echo baseline: "
              "add --echo-baseline", file=sys.stderr)
        return 2
    if missing := [pid for pid in args.server_pid if cpu_seconds([pid]) is None]:
        print(f"loadtest: --server-pid {missing[0]}: no such process on this machine",
              file=sys.stderr)
        return 2
    chunk_ms = args.chunk_ms or (100.0 if args.scenario == "stream" else 250.0)
    opts = RunOptions(
        urls=args.url or ["http://127.0.0.1:8080"],
        admin_token=args.admin_token or admin_token(),
        interview=InterviewOptions(
            scenario=args.scenario, questions=args.questions, think_ms=args.think_ms,
            timeout_s=args.timeout_s, transport=args.transport, follow_ups=args.follow_ups,
            speak=args.speak, voice_answer=args.voice_answer, chunk_ms=chunk_ms,
            answer_s=args.answer_s, stream_submit=args.stream_submit,
            live_captions=args.live_captions),
        candidates=args.candidates, ramp_s=args.ramp_s, duration_s=args.duration_s,
        deadline_s=args.deadline_s, experts=args.experts, spread=args.spread,
        answer_text=args.answer_text, progress=None if args.no_progress else sys.stderr,
        server_pids=args.server_pid)
    try:
        with echo_server() if args.echo_baseline else contextlib.nullcontext() as echo:
            done = asyncio.run(run(args.scenario, opts, today=datetime.now(UTC).date(),
                                   echo=Echo(*echo) if echo else None))
    except Failure as exc:
        print(f"loadtest: setup failed at {exc.stage}: {exc.code}", file=sys.stderr)
        return 2
    doc = document(args, opts, done)
    if args.json != "-":
        render(doc, sys.stdout)
    if args.json:
        text = json.dumps(doc, indent=2, ensure_ascii=False)
        if args.json == "-":
            print(text)
        else:
            with open(args.json, "w", encoding="utf-8") as out:
                out.write(text + "\n")
    rows, failed = doc["slo"], done.target.res.failed
    ok = all(r["met"] for r in rows) if rows else failed == 0
    return 0 if ok else 1


def _summary(res: Results, facts: dict[str, Any]) -> dict[str, Any]:
    return {"finished": res.finished, "failed": res.failed, "units": res.units,
            "load_s": facts.pop("load_s"), "acks_per_s": facts.pop("acks_per_s")}


def document(args: argparse.Namespace, opts: RunOptions, done: Run) -> dict[str, Any]:
    """The results as `--json` writes them (and the table renders them)."""
    res, facts = done.target.res, done.target.facts
    figures = res.figures()
    doc: dict[str, Any] = {"run": {
        "scenario": args.scenario, "urls": opts.urls, "candidates": args.candidates,
        "ramp_s": args.ramp_s, "duration_s": args.duration_s, "questions": args.questions,
        **_summary(res, facts), "extra": facts}}
    if done.baseline is not None:
        echo = done.baseline.res.figures()
        figures["ack_ratio_to_echo"] = ack_ratios(figures, echo)
        doc["baseline"] = {"target": "echo", **_summary(done.baseline.res, done.baseline.facts),
                           "extra": done.baseline.facts, "figures": echo}
        doc["comparison"] = comparison(doc, figures)
    doc.update(figures=figures, slo=slos.check(args.slo, figures))
    return doc
