"""What a load test records and how it is summarised (pure: no I/O, no clock).

Every figure is a list of milliseconds under a label: `acks` per client event (or REST
request), `intervals` for what a user feels (submit → transcript, → evaluation,
→ complete; question → first audio chunk), `setup` for the rest. Errors are counted by code;
`ops` counts everything that could fail (calls, awaited events, requests), so
`error_rate = errors / ops`.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

# The user-felt intervals, by the short name `--slo` uses (`p95_transcript_ms`...).
TRANSCRIPT = "submit → transcript"
EVALUATION = "submit → evaluation"
COMPLETE = "last submit → complete"
FIRST_AUDIO = "question → first audio"
INTERVALS = {"transcript": TRANSCRIPT, "evaluation": EVALUATION, "complete": COMPLETE,
             "first_audio": FIRST_AUDIO}
PERCENTILES = (50, 95, 99)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of non-empty `values`."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summary(values: list[float]) -> dict[str, float]:
    """count, p50/p95/p99 and max (only the count when there is nothing)."""
    if not values:
        return {"count": 0}
    return {"count": len(values), **{f"p{q}": percentile(values, q) for q in PERCENTILES},
            "max": max(values)}


@dataclass
class Results:
    acks: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    intervals: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    setup: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    failed_at: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)  # e.g. bookings: `book:409`
    # Refusals the server marked retryable (`unavailable`) that the client retried, as the
    # contract asks; an error only when the last attempt failed too.
    retried: Counter[str] = field(default_factory=Counter)
    # The first server message of each error, per stage and code (what to look into).
    examples: dict[str, str] = field(default_factory=dict)
    ops: int = 0
    # Progress, for the live line.
    started: int = 0
    finished: int = 0
    failed: int = 0
    units: int = 0  # interviews (or bookings) completed

    def error(self, code: str) -> None:
        """A failed operation that was not counted in `ops` yet (it is, now)."""
        self.ops += 1
        self.errors[code] += 1

    @property
    def error_rate(self) -> float:
        return sum(self.errors.values()) / self.ops if self.ops else 0.0

    def all_acks(self) -> list[float]:
        return [v for values in self.acks.values() for v in values]

    def figures(self) -> dict[str, Any]:
        return {
            "ack_ms": {"all": summary(self.all_acks()),
                       **{k: summary(v) for k, v in sorted(self.acks.items())}},
            "interval_ms": {k: summary(v) for k, v in sorted(self.intervals.items())},
            "setup_ms": {k: summary(v) for k, v in sorted(self.setup.items())},
            "errors": dict(self.errors.most_common()),
            "failed_at": dict(self.failed_at.most_common()),
            "outcomes": dict(sorted(self.outcomes.items())),
            "retried": dict(self.retried.most_common()),
            "examples": dict(sorted(self.examples.items())),
            "ops": self.ops,
            "error_rate": self.error_rate,
        }


# What the echo baseline is compared on: the streamed chunks' acks. Its `interview:start`
# stores nothing and would only dilute (or, as 1 % of the acks, dominate) a pooled p99.
COMPARED_ACK = "answer:chunk"


def ack_ratios(target: dict[str, Any], baseline: dict[str, Any]) -> dict[str, float | None]:
    """The target's p95 and p99 of `COMPARED_ACK` acks over the baseline's (two
    `figures()`), by percentile; None where either was not measured (or the baseline's is 0)."""
    empty: dict[str, float] = {}
    ours = target["ack_ms"].get(COMPARED_ACK, empty)
    theirs = baseline["ack_ms"].get(COMPARED_ACK, empty)
    return {q: (ours[q] / theirs[q] if ours.get(q) is not None and theirs.get(q) else None)
            for q in ("p95", "p99")}
