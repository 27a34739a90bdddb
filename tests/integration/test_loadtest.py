"""`mockmate loadtest` end to end: the real command against a real `mockmate serve` process,
every scenario with small numbers, SLOs that pass (exit 0) and one that fails (exit 1), and the
bulk-user endpoint it mints its candidates with."""

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from mockmate.config import Settings
from mockmate.loadtest.speech import spoken_answer
from tests.support.marketplace import Market
from tests.support.server import ServerProcess

Spawn = Callable[..., ServerProcess]


@pytest.fixture
async def server(spawn: Spawn) -> ServerProcess:
    return await spawn("lt").ready()


async def loadtest(env: dict[str, str], out: Path, *args: str,
                   timeout_s: float = 240) -> tuple[int, str, dict[str, Any]]:
    """Runs `mockmate loadtest ARGS --json OUT` with the deployment's settings (so it mints its
    own admin token, as an operator's machine would); exit status, stdout, the JSON."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "mockmate", "loadtest", *args, "--json", str(out),
        env={**os.environ, **env}, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    async with asyncio.timeout(timeout_s):
        stdout, _ = await proc.communicate()
    assert proc.returncode is not None
    written = await asyncio.to_thread(lambda: out.read_text() if out.exists() else "{}")
    return proc.returncode, stdout.decode(), json.loads(written)


async def test_text_interviews_meet_their_slos_and_report_every_interval(
    server: ServerProcess, deployment_env: dict[str, str], tmp_path: Path,
) -> None:
    code, text, doc = await loadtest(
        deployment_env, tmp_path / "text.json", "text", "--url", server.url,
        "--candidates", "3", "--questions", "2", "--ramp-s", "0.5", "--think-ms", "50",
        "--slo", "p95_ack_ms=60000", "--slo", "p99_ack_ms=60000",
        "--slo", "p95_transcript_ms=60000", "--slo", "p95_evaluation_ms=60000",
        "--slo", "error_rate=0")
    assert code == 0, text
    assert doc["run"]["finished"] == 3 and doc["run"]["failed"] == 0
    figures = doc["figures"]
    assert figures["ack_ms"]["interview:start"]["count"] == 3
    assert figures["ack_ms"]["answer:submit"]["count"] == 6
    intervals = figures["interval_ms"]
    assert intervals["submit → transcript"]["count"] == 6
    assert intervals["submit → evaluation"]["count"] == 6
    assert intervals["last submit → complete"]["count"] == 3
    assert figures["errors"] == {} and figures["error_rate"] == 0
    assert [row["met"] for row in doc["slo"]] == [True] * 5
    # The table a person reads says the same.
    assert "submit → evaluation" in text and "SLO error_rate <= 0: 0 met" in text


async def test_a_missed_slo_exits_non_zero_over_long_polling(
    server: ServerProcess, deployment_env: dict[str, str], tmp_path: Path,
) -> None:
    code, text, doc = await loadtest(
        deployment_env, tmp_path / "fail.json", "text", "--url", server.url,
        "--transport", "polling", "--candidates", "1", "--questions", "1",
        "--slo", "p95_ack_ms=60000", "--slo", "p95_evaluation_ms=0.001")
    assert code == 1, text
    assert doc["run"]["finished"] == 1
    assert [(r["name"], r["met"]) for r in doc["slo"]] == [
        ("p95_ack_ms", True), ("p95_evaluation_ms", False)]
    assert "SLO p95_evaluation_ms <= 0.001" in text and "MISSED" in text


async def test_an_slo_on_a_figure_the_scenario_never_measures_is_missed(
    server: ServerProcess, deployment_env: dict[str, str], tmp_path: Path,
) -> None:
    # Stream ends its interviews without submitting: nothing is ever transcribed.
    code, text, doc = await loadtest(
        deployment_env, tmp_path / "stream.json", "stream", "--url", server.url,
        "--candidates", "2", "--answer-s", "1", "--slo", "error_rate=0",
        "--slo", "p95_transcript_ms=60000")
    assert code == 1, text
    chunks = doc["figures"]["ack_ms"]["answer:chunk"]
    assert chunks["count"] == 20  # 2 candidates x 1 s in 100 ms chunks, every one acked
    assert doc["figures"]["ack_ms"]["interview:end"]["count"] == 2
    assert doc["figures"]["errors"] == {}
    assert [(r["name"], r["met"], r["value"]) for r in doc["slo"]] == [
        ("error_rate", True, 0.0), ("p95_transcript_ms", False, None)]
    assert "not measured MISSED" in text


@pytest.mark.parametrize(("limit", "code"), [("1000", 0), ("0.0001", 1)])
async def test_stream_is_compared_with_an_echo_baseline_in_the_same_run(
    limit: str, code: int, server: ServerProcess, deployment_env: dict[str, str],
    tmp_path: Path,
) -> None:
    status, text, doc = await loadtest(
        deployment_env, tmp_path / "echo.json", "stream", "--url", server.url,
        "--candidates", "3", "--answer-s", "1", "--echo-baseline",
        "--server-pid", str(server.proc.pid), "--slo", f"p99_ack_ratio={limit}")
    assert status == code, text
    rows = {row["target"]: row for row in doc["comparison"]["rows"]}
    assert list(rows) == ["echo", "mockmate"]
    # The same three candidates, each streaming 10 chunks of 100 ms, on both.
    for row in rows.values():
        assert row["acks"] == 3 * 10 and row["errors"] == 0 and row["failed"] == 0
        assert row["p99"] >= row["p95"] > 0
        assert row["server_cpu_us_per_ack"] is not None
    for figures in (doc["baseline"]["figures"], doc["figures"]):  # start and end acked too
        assert [figures["ack_ms"][e]["count"] for e in (
            "interview:start", "answer:chunk", "interview:end")] == [3, 30, 3]
    ratio = doc["comparison"]["p99_ack_ratio"]
    assert ratio == pytest.approx(rows["mockmate"]["p99"] / rows["echo"]["p99"])
    assert doc["figures"]["ack_ratio_to_echo"]["p99"] == ratio
    assert doc["slo"] == [{"name": "p99_ack_ratio", "limit": float(limit), "value": ratio,
                           "met": code == 0}]
    assert "ratio mockmate/echo: p95" in text and f"SLO p99_ack_ratio <= {limit}" in text


async def test_echo_baseline_misuse_and_an_unknown_server_pid_are_usage_errors(
    deployment_env: dict[str, str], tmp_path: Path,
) -> None:
    status, text, _ = await loadtest(
        deployment_env, tmp_path / "none.json", "stream", "--slo", "p99_ack_ratio=2")
    assert status == 2 and "add --echo-baseline" in text
    status, text, _ = await loadtest(
        deployment_env, tmp_path / "none.json", "text", "--echo-baseline")
    assert status == 2 and "--echo-baseline is for the stream scenario" in text
    status, text, _ = await loadtest(
        deployment_env, tmp_path / "none.json", "stream", "--server-pid", "999999999")
    assert status == 2 and "no such process" in text


@pytest.mark.timeout(400)
@pytest.mark.parametrize("answer", ["whole", "stream"])
async def test_spoken_interviews_are_transcribed(
    answer: str, server: ServerProcess, deployment_env: dict[str, str], tmp_path: Path,
) -> None:
    code, text, doc = await loadtest(
        deployment_env, tmp_path / "voice.json", "voice", "--url", server.url,
        "--candidates", "1", "--questions", "1", "--voice-answer", answer,
        "--timeout-s", "120", "--slo", "error_rate=0", timeout_s=380)
    assert code == 0, text
    figures = doc["figures"]
    assert doc["run"]["finished"] == 1
    assert figures["interval_ms"]["question → first audio"]["count"] == 1
    assert figures["interval_ms"]["submit → transcript"]["count"] == 1
    assert figures["interval_ms"]["submit → evaluation"]["count"] == 1
    streamed = figures["ack_ms"].get("answer:chunk", {}).get("count", 0)
    # ~6.6 s of Piper speech: 27 chunks of 250 ms when streamed, none when sent whole.
    assert (streamed > 20) if answer == "stream" else (streamed == 0)
    assert 5 < doc["run"]["extra"]["answer_audio_s"] < 9


async def test_every_run_speaks_the_same_answer() -> None:
    # So two runs (two commits, say) are compared on the same audio: the same pauses, the
    # same stretches left for after the submit.
    first, again = await spoken_answer(), await spoken_answer()
    assert first == again
    assert len(first) / 32000 > 4  # seconds of 16 kHz 16-bit speech and its silences


async def test_bookings_race_and_never_double_book(
    server: ServerProcess, deployment_env: dict[str, str], tmp_path: Path,
) -> None:
    code, text, doc = await loadtest(
        deployment_env, tmp_path / "bookings.json", "bookings", "--url", server.url,
        "--candidates", "6", "--experts", "1", "--spread", "2", "--slo", "error_rate=0")
    assert code == 0, text
    outcomes = doc["figures"]["outcomes"]
    # Six candidates, two slots: exactly two bookings are won and paid, the rest conflict.
    assert outcomes["book:201"] + outcomes.get("book:409", 0) == 6
    assert 1 <= outcomes["book:201"] <= 2 and outcomes["pay:200"] == outcomes["book:201"]
    assert doc["run"]["extra"]["overlapping_confirmed_bookings"] == 0
    assert doc["figures"]["ack_ms"]["POST bookings"]["count"] == 6


@pytest.fixture
async def market(server_url: str, settings: Settings) -> AsyncIterator[Market]:
    async with aiohttp.ClientSession() as http:
        m = Market(server_url, settings, http)
        yield m
        await m.close()


async def test_bulk_users_are_for_admins_bounded_and_stable(market: Market) -> None:
    admin, someone = await market.admin(), await market.user()
    body = {"count": 3, "prefix": "run-1"}
    status, reply = await someone.post("/api/admin/loadtest/users", body)
    assert (status, reply["error"]["code"]) == (403, "forbidden")
    status, reply = await admin.post("/api/admin/loadtest/users", {"count": 1001,
                                                                  "prefix": "x"})
    assert (status, reply["error"]["code"], reply["error"]["max_count"]) == (
        400, "invalid_payload", 1000)
    status, first = await admin.post("/api/admin/loadtest/users", body)
    assert status == 201 and len(first["users"]) == 3
    # The tokens work, and the same prefix names the same users.
    ids = [market.tokens().verify(u["token"]).user_id for u in first["users"]]
    assert ids == [u["user_id"] for u in first["users"]] and len(set(ids)) == 3
    _, again = await admin.post("/api/admin/loadtest/users", body)
    assert [u["user_id"] for u in again["users"]] == ids
    # They cannot log in: they have no password.
    status, _ = await market.anonymous().post("/api/auth/login", {
        "email": first["users"][0]["email"], "password": "anything at all"})
    assert status == 401
