"""Failure handling shared by every cloud provider: timeouts, retries, circuit breaking, metrics.

An interview is real time: a slow or failing AI service must cost the candidate seconds, not
the interview. Every provider call therefore goes through `call` (or a `ProviderGuard`, which
bundles its arguments), which bounds each attempt with a timeout, retries only failures that
may succeed on a second try (429, 5xx, timeouts, dropped connections) with exponential backoff
and full jitter, honours the server's Retry-After (capped), and short-circuits through a
per-provider `CircuitBreaker` while the provider is known to be down, so callers fall back to
their offline path at once. SDK-level retries must be disabled so retries happen only here.

The sleep, clock and jitter source are injectable, so the whole policy is tested without
waiting. Providers describe their own errors with a `classify` function returning `Failure`.
"""

import asyncio
import email.utils
import math
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol, TypeVar

from prometheus_client import CollectorRegistry, Counter, Histogram

__all__ = [
    "CircuitBreaker", "CircuitOpenError", "Failure", "PrometheusProviderMetrics", "ProviderGuard",
    "ProviderMetrics", "ProviderTimeoutError", "RetryPolicy", "Vendor", "call", "classify_basic",
    "classify_status", "make_guard", "parse_retry_after",
]

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]
BreakerState = Literal["closed", "open", "half_open"]


class CircuitOpenError(Exception):
    """The provider's breaker is open: the call was not attempted."""

    def __init__(self, provider: str, retry_in_s: float) -> None:
        super().__init__(f"{provider}: circuit open, next trial in {retry_in_s:.1f}s")
        self.provider = provider
        self.retry_in_s = retry_in_s


class ProviderTimeoutError(TimeoutError):
    """One attempt took longer than the policy's per-call timeout."""


@dataclass(frozen=True)
class Failure:
    """How a provider error should be treated.

    `kind` labels metrics ("timeout", "rate_limited", "server_error", ...). `counts` says
    whether it is evidence the provider is unhealthy (a 400 for a bad prompt is not).
    """

    retryable: bool
    kind: str = "error"
    retry_after: float | None = None
    counts: bool = True


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts (including the first), per-attempt timeout, backoff and an overall budget."""

    attempts: int = 3
    timeout_s: float = 15.0
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    max_retry_after_s: float = 20.0
    deadline_s: float | None = None  # all attempts and waits together

    def backoff(self, retry: int, jitter: float) -> float:
        """Full jitter: uniform in [0, min(max, base * 2**retry)); `jitter` is in [0, 1)."""
        ceiling = min(self.max_delay_s, self.base_delay_s * (2.0**retry))
        return max(0.0, ceiling * jitter)


class ProviderMetrics(Protocol):
    """Where provider latency and outcomes are recorded (one observation per attempt)."""

    def observe(self, provider: str, operation: str, seconds: float, outcome: str) -> None: ...


PROVIDER_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)


class PrometheusProviderMetrics:
    """`ProviderMetrics` on a registry owned by the app: latency histogram and error counter."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.seconds = Histogram(
            "mockmate_provider_seconds", "Latency of one provider call attempt",
            ["provider", "operation", "outcome"], buckets=PROVIDER_BUCKETS, registry=registry,
        )
        self.errors = Counter(
            "mockmate_provider_errors", "Failed or short-circuited provider calls",
            ["provider", "kind"], registry=registry,
        )

    def observe(self, provider: str, operation: str, seconds: float, outcome: str) -> None:
        if outcome != "circuit_open":
            self.seconds.labels(provider, operation, outcome).observe(seconds)
        if outcome != "ok":
            self.errors.labels(provider, outcome).inc()


@dataclass
class CircuitBreaker:
    """Per-provider breaker: closed -> open after `failure_threshold` consecutive failures ->
    half-open once `cooldown_s` has passed, letting exactly one trial call through; the
    trial's success closes it, its failure re-opens it for another cool-down."""

    name: str
    failure_threshold: int = 5
    cooldown_s: float = 30.0
    clock: Clock = time.monotonic
    _failures: int = field(default=0, init=False)
    _opened_at: float | None = field(default=None, init=False)
    _trial_in_flight: bool = field(default=False, init=False)

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return "closed"
        if self.clock() - self._opened_at >= self.cooldown_s:
            return "half_open"
        return "open"

    def acquire(self) -> None:
        """Permission for one call; raises `CircuitOpenError` when none may be made now."""
        state = self.state
        if state == "closed":
            return
        if state == "half_open" and not self._trial_in_flight:
            self._trial_in_flight = True
            return
        raise CircuitOpenError(self.name, self.retry_in_s())

    def retry_in_s(self) -> float:
        """Seconds until the next trial call may be made (0 when one may be made now)."""
        if self._opened_at is None:
            return 0.0
        return max(0.0, self._opened_at + self.cooldown_s - self.clock())

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._trial_in_flight = False

    def record_failure(self) -> None:
        self._failures += 1
        if self._trial_in_flight or self._failures >= self.failure_threshold:
            self._opened_at = self.clock()
        self._trial_in_flight = False

    def release(self) -> None:
        """The call ended without a verdict (cancelled): free the half-open trial slot."""
        self._trial_in_flight = False


def parse_retry_after(value: str | None, *, now: Clock = time.time) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - now()
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)


def classify_status(
    status: int, retry_after_header: str | None = None, *, now: Clock = time.time
) -> Failure:
    """The usual treatment of an HTTP error status and its Retry-After (for `classify`)."""
    retry_after = parse_retry_after(retry_after_header, now=now)
    if status == 429:
        return Failure(retryable=True, kind="rate_limited", retry_after=retry_after)
    if status == 408 or status >= 500:
        return Failure(retryable=True, kind="server_error", retry_after=retry_after)
    if status in (401, 403):
        return Failure(retryable=False, kind="auth")
    return Failure(retryable=False, kind="client_error", counts=False)


def classify_basic(exc: BaseException) -> Failure:
    """Transport-level errors every provider shares: timeouts and connection failures."""
    if isinstance(exc, TimeoutError):
        return Failure(retryable=True, kind="timeout")
    if isinstance(exc, OSError):
        return Failure(retryable=True, kind="connection")
    return Failure(retryable=False, kind="error")


async def call(
    fn: Callable[[], Awaitable[T]],
    *,
    policy: RetryPolicy,
    breaker: CircuitBreaker,
    classify: Callable[[BaseException], Failure],
    operation: str = "call",
    sleep: Sleep = asyncio.sleep,
    clock: Clock = time.monotonic,
    jitter: Callable[[], float] = random.random,
    metrics: ProviderMetrics | None = None,
) -> T:
    """Run `fn` under `policy` and `breaker`; return its result or raise its last error.

    Raises `CircuitOpenError` (chained to the last error, if any) when the breaker refuses a
    call, and `ProviderTimeoutError` when an attempt exceeds the policy's timeout.
    """
    provider = breaker.name
    started = clock()
    for attempt in range(max(1, policy.attempts)):
        try:
            breaker.acquire()
        except CircuitOpenError:
            if metrics is not None:
                metrics.observe(provider, operation, 0.0, "circuit_open")
            raise
        timeout = policy.timeout_s
        if policy.deadline_s is not None:
            timeout = min(timeout, max(0.0, policy.deadline_s - (clock() - started)))
        t0 = clock()
        try:
            result = await _attempt(fn, timeout, f"{provider} {operation}")
        except asyncio.CancelledError:
            breaker.release()
            raise
        except Exception as exc:
            failure = classify(exc)
            if metrics is not None:
                metrics.observe(provider, operation, clock() - t0, failure.kind)
            if failure.counts:
                breaker.record_failure()
            else:
                breaker.record_success()  # the provider answered: it is up
            wait = _wait_before_retry(policy, failure, attempt, jitter())
            if wait is None or not _fits_deadline(policy, clock() - started, wait):
                raise
            if breaker.state != "closed":
                raise CircuitOpenError(provider, breaker.retry_in_s()) from exc
            await sleep(wait)
            continue
        if metrics is not None:
            metrics.observe(provider, operation, clock() - t0, "ok")
        breaker.record_success()
        return result
    raise AssertionError("unreachable: the last attempt returns or raises")


async def _attempt(fn: Callable[[], Awaitable[T]], limit_s: float, what: str) -> T:
    """One attempt bounded by `limit_s`; its own expiry becomes `ProviderTimeoutError`."""
    scope = asyncio.timeout(limit_s)
    try:
        async with scope:
            return await fn()
    except TimeoutError as exc:
        if scope.expired():
            raise ProviderTimeoutError(f"{what}: no answer within {limit_s:.2f}s") from exc
        raise


def _wait_before_retry(
    policy: RetryPolicy, failure: Failure, attempt: int, jitter: float
) -> float | None:
    """Seconds to wait before the next attempt, or None if there is to be none."""
    if not failure.retryable or attempt + 1 >= policy.attempts:
        return None
    if failure.retry_after is not None:
        return min(failure.retry_after, policy.max_retry_after_s)
    return policy.backoff(attempt, jitter)


def _fits_deadline(policy: RetryPolicy, elapsed: float, wait: float) -> bool:
    return policy.deadline_s is None or elapsed + wait < policy.deadline_s


@dataclass
class ProviderGuard:
    """One provider's failure handling, built once at start-up and passed to its clients."""

    breaker: CircuitBreaker
    classify: Callable[[BaseException], Failure]
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    metrics: ProviderMetrics | None = None
    sleep: Sleep = asyncio.sleep
    clock: Clock = time.monotonic
    jitter: Callable[[], float] = random.random

    @property
    def provider(self) -> str:
        return self.breaker.name

    async def run(
        self, operation: str, fn: Callable[[], Awaitable[T]], *, policy: RetryPolicy | None = None
    ) -> T:
        return await call(
            fn, policy=policy or self.policy, breaker=self.breaker, classify=self.classify,
            operation=operation, sleep=self.sleep, clock=self.clock, jitter=self.jitter,
            metrics=self.metrics,
        )


@dataclass(frozen=True)
class Vendor:
    """What sets one cloud vendor's guard apart: its name (the breaker's and the metrics'
    label), how its SDK's errors are classified, and its retry policy and breaker limits.
    Each adapter module declares its vendor once (`GEMINI`, `GROQ`, `ELEVENLABS`, `STRIPE`)."""

    name: str
    classify: Callable[[BaseException], Failure]
    policy: RetryPolicy
    failure_threshold: int = 5
    cooldown_s: float = 30.0


def make_guard(
    vendor: Vendor, metrics: ProviderMetrics | None = None, *, policy: RetryPolicy | None = None,
) -> ProviderGuard:
    """The vendor's guard: its own breaker (shared by everything built on this guard), its
    error classification, and its policy (or `policy`)."""
    return ProviderGuard(
        breaker=CircuitBreaker(vendor.name, failure_threshold=vendor.failure_threshold,
                               cooldown_s=vendor.cooldown_s),
        classify=vendor.classify,
        policy=policy or vendor.policy,
        metrics=metrics,
    )
