"""The final table of a load test (and the JSON document `--json` writes): per-event and
per-interval percentiles, errors, SLOs and, with an echo baseline, both targets side by side."""

from typing import Any, TextIO

from mockmate.loadtest.stats import COMPARED_ACK

COLUMNS = ("p50", "p95", "p99", "max")


def _table(out: TextIO, title: str, rows: dict[str, dict[str, float]]) -> None:
    if not rows:
        return
    out.write(f"\n{title:<34}{'count':>8}" + "".join(f"{c:>10}" for c in COLUMNS) + "\n")
    for name, s in rows.items():
        cells = "".join(f"{s[c]:>10.1f}" if c in s else f"{'-':>10}" for c in COLUMNS)
        out.write(f"{name:<34}{int(s['count']):>8}{cells}\n")


def _row(target: str, figures: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    acks = figures["ack_ms"].get(COMPARED_ACK, {"count": 0})
    return {"target": target, "event": COMPARED_ACK, "acks": acks["count"],
            **{c: acks.get(c) for c in COLUMNS}, "errors": sum(figures["errors"].values()),
            "error_rate": figures["error_rate"], "failed": part["failed"],
            "server_cpu_us_per_ack": part["extra"].get("server_cpu_us_per_ack")}


def comparison(doc: dict[str, Any], figures: dict[str, Any]) -> dict[str, Any]:
    """The echo baseline and MockMate side by side (`COMPARED_ACK` acks; errors and CPU per
    ack of every event), and the ratios."""
    ratios = figures["ack_ratio_to_echo"]
    return {"rows": [_row("echo", doc["baseline"]["figures"], doc["baseline"]),
                     _row("mockmate", figures, doc["run"])],
            "p95_ack_ratio": ratios["p95"], "p99_ack_ratio": ratios["p99"]}


def _compared(out: TextIO, cmp: dict[str, Any]) -> None:
    title = f"{COMPARED_ACK} ack (ms)"
    out.write(f"\n{title:<34}{'count':>8}" + "".join(f"{c:>10}" for c in COLUMNS)
              + f"{'errors':>8}{'CPU us/ack':>12}\n")
    for row in cmp["rows"]:
        cells = "".join(f"{'-':>10}" if row[c] is None else f"{row[c]:>10.1f}"
                        for c in COLUMNS)
        cpu = row["server_cpu_us_per_ack"]
        out.write(f"{row['target']:<34}{row['acks']:>8}{cells}{row['errors']:>8}"
                  f"{'-' if cpu is None else f'{cpu:.1f}':>12}\n")
    p95, p99 = (cmp[f"{q}_ack_ratio"] for q in ("p95", "p99"))
    out.write("ratio mockmate/echo: " + ", ".join(
        f"{q} {'-' if r is None else f'{r:.2f}'}" for q, r in (("p95", p95), ("p99", p99)))
        + "\n")


def render(doc: dict[str, Any], out: TextIO) -> None:
    run, fig = doc["run"], doc["figures"]
    out.write(f"scenario {run['scenario']}: {run['candidates']} candidates on "
              f"{', '.join(run['urls'])} (ramp {run['ramp_s']}s, duration {run['duration_s']}s)"
              f"\nfinished {run['finished']}, failed {run['failed']}; units {run['units']}; "
              f"load phase {run['load_s']:.1f}s, {run['acks_per_s']:.1f} acks/s\n")
    if "comparison" in doc:
        base = doc["baseline"]
        out.write(f"echo baseline: finished {base['finished']}, failed {base['failed']}; "
                  f"load phase {base['load_s']:.1f}s, {base['acks_per_s']:.1f} acks/s\n")
        _compared(out, doc["comparison"])
    _table(out, "ack (ms)", fig["ack_ms"])
    _table(out, "user-felt interval (ms)", fig["interval_ms"])
    _table(out, "setup (ms)", fig["setup_ms"])
    errors = ", ".join(f"{k}: {v}" for k, v in fig["errors"].items()) or "none"
    out.write(f"\nerrors: {errors} (error rate {fig['error_rate']:.4f} of {fig['ops']} ops)\n")
    for where, message in fig.get("examples", {}).items():
        out.write(f"  e.g. {where}: {message}\n")
    if fig["failed_at"]:
        out.write("failed at: " + ", ".join(f"{k}: {v}" for k, v in fig["failed_at"].items())
                  + "\n")
    if fig.get("retried"):
        out.write("retried (retryable refusals): "
                  + ", ".join(f"{k}: {v}" for k, v in fig["retried"].items()) + "\n")
    if fig["outcomes"]:
        out.write("outcomes: " + ", ".join(f"{k}: {v}" for k, v in fig["outcomes"].items())
                  + "\n")
    for key, value in run.get("extra", {}).items():
        out.write(f"{key}: {value}\n")
    for row in doc["slo"]:
        value = "not measured" if row["value"] is None else f"{row['value']:.4g}"
        out.write(f"SLO {row['name']} <= {row['limit']:g}: {value} "
                  f"{'met' if row['met'] else 'MISSED'}\n")
