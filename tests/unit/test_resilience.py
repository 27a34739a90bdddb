"""Provider failure handling, with a fake clock and a recording sleep: no real waiting."""

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
from prometheus_client import CollectorRegistry

from mockmate.providers.resilience import (
    CircuitBreaker,
    CircuitOpenError,
    Failure,
    PrometheusProviderMetrics,
    ProviderGuard,
    ProviderTimeoutError,
    RetryPolicy,
    call,
    classify_basic,
    classify_status,
    parse_retry_after,
)

POLICY = RetryPolicy(attempts=4, timeout_s=5.0, base_delay_s=1.0, max_delay_s=3.0,
                     max_retry_after_s=10.0)
ONE = RetryPolicy(attempts=1)


class HttpError(Exception):
    def __init__(self, status: int, retry_after: str | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.retry_after = retry_after


def classify(exc: BaseException) -> Failure:
    if isinstance(exc, HttpError):
        return classify_status(exc.status, exc.retry_after, now=lambda: 0.0)
    return classify_basic(exc)


class Env:
    """A fake clock, a sleep that records and advances it, a metrics recorder, a breaker."""

    def __init__(self, threshold: int = 3) -> None:
        self.now = 1000.0
        self.waits: list[float] = []
        self.seen: list[tuple[str, str, float, str]] = []
        self.breaker = CircuitBreaker("p", failure_threshold=threshold, cooldown_s=30.0,
                                      clock=self.clock)

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def observe(self, provider: str, operation: str, seconds: float, outcome: str) -> None:
        self.seen.append((provider, operation, seconds, outcome))

    @property
    def outcomes(self) -> list[str]:
        return [o for *_, o in self.seen]

    @property
    def state(self) -> str:
        return self.breaker.state

    def trip(self) -> None:
        for _ in range(self.breaker.failure_threshold):
            self.breaker.record_failure()

    async def run(self, fn: Callable[[], Awaitable[str]], policy: RetryPolicy = POLICY) -> str:
        return await call(fn, policy=policy, breaker=self.breaker, classify=classify,
                          operation="op", sleep=self.sleep, clock=self.clock,
                          jitter=lambda: 0.5, metrics=self)


def script(*steps: object) -> tuple[Callable[[], Awaitable[str]], list[int]]:
    """fn that raises or returns each step in turn (the last repeats), and its call counter."""
    calls = [0]

    async def fn() -> str:
        step = steps[min(calls[0], len(steps) - 1)]
        calls[0] += 1
        if isinstance(step, BaseException):
            raise step
        return str(step)

    return fn, calls


async def hangs() -> str:
    await asyncio.Event().wait()
    return "never"


@pytest.fixture
def env() -> Env:
    return Env()


async def test_success_first_time(env: Env) -> None:
    fn, calls = script("ok")
    assert await env.run(fn) == "ok"
    assert calls[0] == 1 and env.waits == []
    assert env.seen == [("p", "op", 0.0, "ok")]


async def test_retryable_failures_back_off_exponentially_with_full_jitter() -> None:
    env = Env(threshold=10)
    fn, calls = script(HttpError(503), HttpError(500), ConnectionResetError(), "ok")
    assert await env.run(fn) == "ok"
    assert calls[0] == 4
    assert env.waits == [0.5, 1.0, 1.5]  # min(3, 1 * 2**n) times jitter 0.5
    assert env.outcomes == ["server_error", "server_error", "connection", "ok"]


def test_backoff_ceiling_and_jitter_range() -> None:
    policy = RetryPolicy(base_delay_s=0.5, max_delay_s=4.0)
    assert [policy.backoff(n, 0.999) for n in range(6)] == pytest.approx(
        [0.4995, 0.999, 1.998, 3.996, 3.996, 3.996]
    )
    assert policy.backoff(3, 0.0) == 0.0


async def test_non_retryable_failure_raises_at_once(env: Env) -> None:
    fn, calls = script(HttpError(400), "ok")
    with pytest.raises(HttpError):
        await env.run(fn)
    assert calls[0] == 1 and env.waits == [] and env.outcomes == ["client_error"]


async def test_attempts_exhausted_raises_the_last_error() -> None:
    env = Env(threshold=10)
    fn, calls = script(HttpError(500), HttpError(502), HttpError(503))
    with pytest.raises(HttpError) as info:
        await env.run(fn, RetryPolicy(attempts=3, base_delay_s=1.0))
    assert info.value.status == 503
    assert calls[0] == 3 and len(env.waits) == 2


async def test_retry_after_is_honoured_and_capped(env: Env) -> None:
    fn, _ = script(HttpError(429, "7"), HttpError(429, "120"), "ok")
    assert await env.run(fn) == "ok"
    assert env.waits == [7.0, 10.0]


async def test_timeout_is_retried_then_reported(env: Env) -> None:
    calls = [0]

    async def counted() -> str:
        calls[0] += 1
        return await hangs()

    with pytest.raises(ProviderTimeoutError):
        await env.run(counted, RetryPolicy(attempts=2, timeout_s=0.01))
    assert calls[0] == 2 and len(env.waits) == 1
    assert env.outcomes == ["timeout", "timeout"]


async def test_a_timeout_raised_by_fn_itself_is_classified_not_converted(env: Env) -> None:
    fn, _ = script(TimeoutError("sdk timeout"))
    with pytest.raises(TimeoutError) as info:
        await env.run(fn, ONE)
    assert not isinstance(info.value, ProviderTimeoutError)
    assert env.outcomes == ["timeout"]


async def test_deadline_stops_retrying() -> None:
    env = Env(threshold=10)
    fn, calls = script(HttpError(429, "4"), HttpError(429, "4"), "ok")
    with pytest.raises(HttpError):
        await env.run(fn, RetryPolicy(attempts=5, timeout_s=30.0, deadline_s=6.0))
    assert calls[0] == 2 and env.waits == [4.0]  # a second 4 s wait would pass 6 s


async def test_deadline_shortens_the_last_attempt(env: Env) -> None:
    # The first attempt uses 5.95 s of a 6 s budget: the second may only take 0.05 s.
    calls = [0]

    async def slow_then_hang() -> str:
        calls[0] += 1
        if calls[0] == 1:
            env.now += 5.95
            raise HttpError(500)
        return await hangs()

    policy = RetryPolicy(attempts=3, timeout_s=30.0, base_delay_s=0.0, deadline_s=6.0)
    with pytest.raises(ProviderTimeoutError, match=r"0\.05s"):
        await env.run(slow_then_hang, policy)


async def test_breaker_opens_after_consecutive_failures(env: Env) -> None:
    fn, calls = script(HttpError(500))
    for _ in range(3):
        with pytest.raises(HttpError):
            await env.run(fn, ONE)
    assert env.state == "open"
    with pytest.raises(CircuitOpenError) as info:
        await env.run(fn, ONE)
    assert calls[0] == 3  # short-circuited: fn not called
    assert info.value.provider == "p" and info.value.retry_in_s == 30.0
    assert env.outcomes[-1] == "circuit_open"


async def test_success_resets_the_consecutive_count(env: Env) -> None:
    for step in [HttpError(500), HttpError(500), "ok", HttpError(500), HttpError(500)]:
        fn, _ = script(step)
        with pytest.raises(HttpError) if isinstance(step, HttpError) else nullcontext():
            await env.run(fn, ONE)
    assert env.state == "closed"


async def test_failures_that_do_not_count_keep_the_breaker_closed(env: Env) -> None:
    fn, _ = script(HttpError(400))
    for _ in range(5):
        with pytest.raises(HttpError):
            await env.run(fn)
    assert env.state == "closed"


async def test_breaker_opening_mid_retry_stops_without_waiting(env: Env) -> None:
    fn, calls = script(HttpError(500))
    with pytest.raises(CircuitOpenError) as info:
        await env.run(fn, RetryPolicy(attempts=10, base_delay_s=1.0))
    assert calls[0] == 3 and len(env.waits) == 2
    assert isinstance(info.value.__cause__, HttpError)


async def test_half_open_allows_one_trial_which_closes_on_success(env: Env) -> None:
    env.trip()
    assert env.state == "open"
    env.now += 29.9
    assert env.state == "open" and env.breaker.retry_in_s() == pytest.approx(0.1)
    env.now += 0.1
    assert env.state == "half_open"

    gate = asyncio.Event()

    async def trial() -> str:
        await gate.wait()
        return "ok"

    first = asyncio.create_task(env.run(trial))
    await asyncio.sleep(0)
    fn, calls = script("ok")
    with pytest.raises(CircuitOpenError):  # only one trial at a time
        await env.run(fn)
    assert calls[0] == 0
    gate.set()
    assert await first == "ok"
    assert env.state == "closed"
    assert await env.run(fn) == "ok"


async def test_failed_trial_reopens_for_another_cooldown(env: Env) -> None:
    env.trip()
    env.now += 30.0
    fn, calls = script(HttpError(503))
    with pytest.raises(HttpError):
        await env.run(fn, ONE)
    assert calls[0] == 1 and env.state == "open"
    assert env.breaker.retry_in_s() == 30.0


async def test_cancelled_trial_frees_the_slot(env: Env) -> None:
    env.trip()
    env.now += 30.0
    task = asyncio.create_task(env.run(hangs))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert env.state == "half_open"
    assert await env.run(script("ok")[0]) == "ok"
    assert env.state == "closed"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("7", 7.0), (" 2.5 ", 2.5), ("-3", 0.0), ("", None), (None, None), ("soon", None),
     ("nan", None), ("Wed, 21 Oct 2015 07:28:00", None)],
)
def test_parse_retry_after_seconds(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


def test_parse_retry_after_http_date() -> None:
    now = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC).timestamp()
    later = format_datetime(datetime(2030, 1, 1, 12, 0, 42, tzinfo=UTC), usegmt=True)
    assert parse_retry_after(later, now=lambda: now) == 42.0
    assert parse_retry_after("Tue, 01 Jan 2030 11:00:00 GMT", now=lambda: now) == 0.0


def test_classify_status() -> None:
    assert classify_status(429, "3") == Failure(True, "rate_limited", 3.0)
    assert classify_status(503) == Failure(True, "server_error")
    assert classify_status(408).retryable
    assert classify_status(401) == Failure(False, "auth")
    assert classify_status(403).counts
    assert classify_status(404) == Failure(False, "client_error", counts=False)


def test_classify_basic() -> None:
    assert classify_basic(ProviderTimeoutError()) == Failure(True, "timeout")
    assert classify_basic(ConnectionResetError()) == Failure(True, "connection")
    assert classify_basic(ValueError()) == Failure(False, "error")


def test_prometheus_metrics() -> None:
    registry = CollectorRegistry()
    metrics = PrometheusProviderMetrics(registry)
    metrics.observe("gemini", "evaluate_answer", 0.3, "ok")
    metrics.observe("gemini", "evaluate_answer", 2.0, "timeout")
    metrics.observe("gemini", "evaluate_answer", 0.0, "circuit_open")

    def sample(name: str, **labels: str) -> float | None:
        return registry.get_sample_value(name, {"provider": "gemini", **labels})

    op = "evaluate_answer"
    assert sample("mockmate_provider_seconds_count", operation=op, outcome="ok") == 1
    assert sample("mockmate_provider_seconds_sum", operation=op, outcome="timeout") == 2.0
    assert sample("mockmate_provider_seconds_count", operation=op, outcome="circuit_open") is None
    assert sample("mockmate_provider_errors_total", kind="timeout") == 1
    assert sample("mockmate_provider_errors_total", kind="circuit_open") == 1
    assert sample("mockmate_provider_errors_total", kind="ok") is None


async def test_guard_runs_with_its_parts_and_a_policy_override(env: Env) -> None:
    guard = ProviderGuard(
        breaker=env.breaker, classify=classify, policy=ONE, metrics=env,
        sleep=env.sleep, clock=env.clock, jitter=lambda: 1.0,
    )
    assert guard.provider == "p"
    fn, calls = script(HttpError(500), "ok")
    assert await guard.run("x", fn, policy=RetryPolicy(attempts=2, base_delay_s=0.25)) == "ok"
    assert calls[0] == 2 and env.waits == [0.25]
    assert env.outcomes == ["server_error", "ok"]
    with pytest.raises(HttpError):
        await guard.run("x", script(HttpError(500))[0])  # the guard's own policy: one try
    assert len(env.waits) == 1
