"""The ratio to the echo baseline: computed on the streamed chunks' acks, and the
`p95|p99_ack_ratio` SLOs that read it (missed when it could not be measured)."""

from typing import Any

from mockmate.loadtest import slo
from mockmate.loadtest.stats import Results, ack_ratios


def _figures(chunks: list[float], starts: list[float]) -> dict[str, Any]:
    res = Results()
    res.acks["answer:chunk"] += chunks
    res.acks["interview:start"] += starts
    return res.figures()


def test_the_ratio_compares_chunk_acks_not_the_slow_starts() -> None:
    echo = _figures([2.0] * 99 + [4.0], [1.0])
    mockmate = _figures([6.0] * 99 + [10.0], [900.0])
    assert ack_ratios(mockmate, echo) == {"p95": 3.0, "p99": 3.0}
    assert ack_ratios(mockmate, _figures([], [1.0])) == {"p95": None, "p99": None}


def test_ratio_slos_read_the_ratio_and_are_missed_without_one() -> None:
    figures = {**_figures([6.0], []), "ack_ratio_to_echo": {"p95": 2.5, "p99": 3.0}}
    p99 = slo.parse("p99_ack_ratio=3")
    assert p99.needs_baseline and not slo.parse("p99_ack_ms=3").needs_baseline
    assert slo.check([p99, slo.parse("p95_ack_ratio=2")], figures) == [
        {"name": "p99_ack_ratio", "limit": 3.0, "value": 3.0, "met": True},
        {"name": "p95_ack_ratio", "limit": 2.0, "value": 2.5, "met": False}]
    assert slo.check([p99], _figures([6.0], []))[0]["met"] is False
