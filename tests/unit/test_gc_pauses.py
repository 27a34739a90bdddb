"""Garbage-collector pauses are timed per generation (mockmate.server.gc_pauses)."""

import pytest
from prometheus_client import CollectorRegistry, Histogram

from mockmate.server.gc_pauses import GcPauses


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def histogram() -> tuple[Histogram, CollectorRegistry]:
    registry = CollectorRegistry()
    return Histogram("pause_seconds", "", ["generation"], buckets=(0.01, 0.1, 1.0),
                     registry=registry), registry


def observed(registry: CollectorRegistry, generation: str) -> tuple[float, float]:
    count = registry.get_sample_value("pause_seconds_count", {"generation": generation})
    total = registry.get_sample_value("pause_seconds_sum", {"generation": generation})
    return count or 0.0, total or 0.0


def test_each_collection_is_timed_under_its_generation() -> None:
    pauses_histogram, registry = histogram()
    clock = FakeClock()
    pauses = GcPauses(pauses_histogram, clock)
    pauses("start", {"generation": 2, "collected": 0, "uncollectable": 0})
    clock.now += 0.15
    pauses("stop", {"generation": 2, "collected": 7, "uncollectable": 0})
    pauses("start", {"generation": 0, "collected": 0, "uncollectable": 0})
    clock.now += 0.002
    pauses("stop", {"generation": 0, "collected": 1, "uncollectable": 0})
    assert observed(registry, "2") == (1.0, pytest.approx(0.15))
    assert observed(registry, "0")[0] == 1.0
    assert registry.get_sample_value(
        "pause_seconds_bucket", {"generation": "2", "le": "0.1"}) == 0.0


def test_a_stop_without_its_start_is_not_counted() -> None:
    # Installed while a collection runs: its end arrives first and has nothing to time.
    pauses_histogram, registry = histogram()
    pauses = GcPauses(pauses_histogram, FakeClock())
    pauses("stop", {"generation": 1, "collected": 0, "uncollectable": 0})
    assert observed(registry, "1") == (0.0, 0.0)
