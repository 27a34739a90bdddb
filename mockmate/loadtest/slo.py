"""`--slo NAME=VALUE` thresholds: parsed once, checked against the figures (pure).

Names: `p50|p95|p99` + `_ack_ms` (every ack and REST request), `_transcript_ms`,
`_evaluation_ms`, `_complete_ms`, `_first_audio_ms` (the user-felt intervals, see `stats.py`),
`error_rate` (errors / operations, 0..1), and `p95_ack_ratio`, `p99_ack_ratio` (that percentile
of all acks over the echo baseline's, only with `--echo-baseline`). A percentile SLO with no
samples is missed: a pipeline must not pass on a figure that was never measured.
"""

import re
from dataclasses import dataclass
from typing import Any

from mockmate.loadtest.stats import INTERVALS

_NAME = re.compile(r"^p(50|95|99)_(ack|" + "|".join(INTERVALS) + r")_ms$")
_RATIO = re.compile(r"^p(95|99)_ack_ratio$")


@dataclass(frozen=True)
class Slo:
    name: str
    limit: float

    @property
    def needs_baseline(self) -> bool:
        """A ratio to the echo baseline: meaningless without one."""
        return bool(_RATIO.match(self.name))

    def measure(self, figures: dict[str, Any]) -> float | None:
        """This SLO's figure in a report's `figures`, or None when it was not measured."""
        if self.name == "error_rate":
            return float(figures["error_rate"])
        if ratio := _RATIO.match(self.name):
            value = figures.get("ack_ratio_to_echo", {}).get(f"p{ratio.group(1)}")
            return None if value is None else float(value)
        match = _NAME.match(self.name)
        assert match is not None  # parse() only builds valid names
        q, kind = match.groups()
        stats = (figures["ack_ms"]["all"] if kind == "ack"
                 else figures["interval_ms"].get(INTERVALS[kind], {}))
        value = stats.get(f"p{q}")
        return None if value is None else float(value)


def parse(text: str) -> Slo:
    """`NAME=VALUE`, or ValueError saying what is wrong."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not (name == "error_rate" or _NAME.match(name) or _RATIO.match(name)):
        raise ValueError(
            f"{text!r}: expected NAME=VALUE with NAME error_rate, p95|p99_ack_ratio or "
            f"p50|p95|p99_(ack|{'|'.join(INTERVALS)})_ms"
        )
    try:
        limit = float(value)
    except ValueError:
        raise ValueError(f"{text!r}: {value!r} is not a number") from None
    if limit < 0 or (name == "error_rate" and limit > 1):
        raise ValueError(f"{text!r}: out of range")
    return Slo(name, limit)


def check(slos: list[Slo], figures: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per SLO: name, limit, measured value (None if unmeasured), met."""
    rows = []
    for slo in slos:
        value = slo.measure(figures)
        rows.append({"name": slo.name, "limit": slo.limit, "value": value,
                     "met": value is not None and value <= slo.limit})
    return rows
