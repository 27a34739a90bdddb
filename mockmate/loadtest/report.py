"""The final table of a load test (and the JSON document `--json` writes)."""

from typing import Any, TextIO

COLUMNS = ("p50", "p95", "p99", "max")


def _table(out: TextIO, title: str, rows: dict[str, dict[str, float]]) -> None:
    if not rows:
        return
    out.write(f"\n{title:<34}{'count':>8}" + "".join(f"{c:>10}" for c in COLUMNS) + "\n")
    for name, s in rows.items():
        cells = "".join(f"{s[c]:>10.1f}" if c in s else f"{'-':>10}" for c in COLUMNS)
        out.write(f"{name:<34}{int(s['count']):>8}{cells}\n")


def render(doc: dict[str, Any], out: TextIO) -> None:
    run, fig = doc["run"], doc["figures"]
    out.write(f"scenario {run['scenario']}: {run['candidates']} candidates on "
              f"{', '.join(run['urls'])} (ramp {run['ramp_s']}s, duration {run['duration_s']}s)"
              f"\nfinished {run['finished']}, failed {run['failed']}; units {run['units']}; "
              f"load phase {run['load_s']:.1f}s, {run['acks_per_s']:.1f} acks/s\n")
    _table(out, "ack (ms)", fig["ack_ms"])
    _table(out, "user-felt interval (ms)", fig["interval_ms"])
    _table(out, "setup (ms)", fig["setup_ms"])
    errors = ", ".join(f"{k}: {v}" for k, v in fig["errors"].items()) or "none"
    out.write(f"\nerrors: {errors} (error rate {fig['error_rate']:.4f} of {fig['ops']} ops)\n")
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
