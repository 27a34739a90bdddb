"""A provider guard for tests: a manual clock, recorded sleeps (no real waiting), fixed
jitter, and its own metrics registry to read error counts from."""

from collections.abc import Callable

from prometheus_client import CollectorRegistry

from mockmate.providers.resilience import (
    CircuitBreaker,
    Failure,
    PrometheusProviderMetrics,
    ProviderGuard,
    RetryPolicy,
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def state(breaker: CircuitBreaker) -> str:
    """The breaker's state, read afresh (it changes with the clock)."""
    return breaker.state


class RecordingGuard:
    """`guard` fails over after 3 failures, cools down for 30 s of `clock`, and records the
    waits it asked for in `sleeps` instead of sleeping."""

    def __init__(
        self, provider: str, classify: Callable[[BaseException], Failure],
        policy: RetryPolicy | None = None,
    ) -> None:
        self.provider = provider
        self.clock = Clock()
        self.sleeps: list[float] = []
        self.registry = CollectorRegistry()
        self.guard = ProviderGuard(
            breaker=CircuitBreaker(provider, failure_threshold=3, cooldown_s=30.0,
                                   clock=self.clock),
            classify=classify,
            policy=policy or RetryPolicy(attempts=3, timeout_s=5.0, base_delay_s=0.5),
            metrics=PrometheusProviderMetrics(self.registry),
            sleep=self._sleep,
            jitter=lambda: 0.5,
        )

    async def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def errors(self, kind: str) -> float:
        value = self.registry.get_sample_value(
            "mockmate_provider_errors_total", {"provider": self.provider, "kind": kind}
        )
        return value or 0.0
