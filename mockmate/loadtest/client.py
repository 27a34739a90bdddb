"""One scripted candidate's Socket.IO client: calls that record their ack latency, server
events recorded on arrival and awaited with a timeout, failures counted by contract code."""

import asyncio
import gc
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import socketio

from mockmate.loadtest.stats import Results

SERVER_EVENTS = ("interview:question", "interview:audio", "answer:transcript",
                 "answer:evaluation", "interview:complete", "gamification:update", "error")

OPENERS = ["In my last role as a backend engineer, our checkout service kept timing out "
           "during peak sales.", "At my previous company I led a small team that owned the "
           "billing pipeline.", "A good example is a project where two teams disagreed on the "
           "design of a shared API."]
MIDDLES = ["I was responsible for finding the root cause and proposing a fix within two weeks.",
           "First I gathered metrics and traced the slowest requests to a single database query.",
           "I set up a short meeting with both leads so that everyone could explain constraints.",
           "Then I wrote a design document comparing caching, batching and an index change.",
           "We agreed to ship the smallest change first and measure it behind a feature flag.",
           "I paired with a junior engineer so the knowledge would not stay with me alone.",
           "Along the way I kept stakeholders updated with a short written summary every day.",
           "When the first attempt failed in staging, I rolled it back and tried the next one."]
CLOSERS = ["As a result, p95 latency dropped by about sixty percent and incidents stopped.",
           "In the end we cut costs by roughly thirty percent and shipped a week early.",
           "What I learned is to measure before optimizing and to over-communicate tradeoffs."]


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection in this client process while it measures a target.

    A collection stops every simulated candidate's clock at once (30-70 ms each at 200
    streaming candidates, longer in the second phase, which starts with more objects), so
    the acks would measure this process as well as the server. Reference counting still
    frees nearly everything; the cycles left wait for the collection at the end."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


def answer_text(rng: random.Random) -> str:
    """A STAR-shaped typed answer of 60-120 words (opener, 3-6 middle sentences, closer)."""
    parts, target = [rng.choice(OPENERS), rng.choice(CLOSERS)], rng.randint(60, 120)
    for i in sorted(rng.sample(range(len(MIDDLES)), rng.randint(3, len(MIDDLES)))):
        sentence, words = MIDDLES[i], sum(len(x.split()) for x in parts)
        if words >= target or words + len(sentence.split()) > 120:
            break
        parts.insert(-1, sentence)
    return " ".join(parts)


ATTEMPTS = 6  # of a call the server refused as retryable, backing off in between


def backoff_s(attempt: int, rng: random.Random) -> float:
    """Exponential backoff with jitter: about 0.25 s, 0.5 s, 1 s, ... capped at 4 s."""
    return float(min(4.0, 0.25 * 2.0 ** attempt) * (0.5 + rng.random()))


class Failure(Exception):
    """A candidate's run stopped: where (`stage`) and why (a contract code or `timeout`)."""

    def __init__(self, stage: str, code: str, message: str = ""):
        super().__init__(f"{stage}: {code}" + (f" ({message})" if message else ""))
        self.stage, self.code, self.message = stage, code, message


class Refused(Exception):
    """A handshake the server refused (for good, or after the last retry)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


async def connect_retrying(sio: socketio.AsyncClient, url: str, auth: dict[str, Any], *,
                           transport: str, timeout_s: float, rng: random.Random,
                           on_retry: Callable[[], None]) -> None:
    """Connect `sio`; a handshake refused as retryable (`unavailable`) is tried again after
    a backoff, as the contract asks of clients. The refusal's `{code, retryable}` comes
    with the `connect_error` event: python-socketio's ConnectionError only ever says "One
    or more namespaces failed to connect"."""
    refusal: dict[str, Any] = {}

    async def refused(data: Any = None) -> None:
        refusal.clear()
        refusal.update(data if isinstance(data, dict) else {"message": str(data)})

    sio.on("connect_error", refused)
    for attempt in range(ATTEMPTS):
        refusal.clear()
        try:
            await sio.connect(url, auth=auth, transports=[transport], wait_timeout=timeout_s)
            return
        except socketio.exceptions.ConnectionError as exc:
            data = refusal.get("data")
            data = data if isinstance(data, dict) else {}
            if not data.get("retryable") or attempt == ATTEMPTS - 1:
                raise Refused(str(data.get("code") or refusal.get("message") or exc),
                              str(exc)) from None
            on_retry()
            await asyncio.sleep(backoff_s(attempt, rng))


class SocketClient:
    """A connected candidate. `arrived[event][answer_id]` is when that event first came."""

    def __init__(self, url: str, token: str, res: Results, *, timeout_s: float,
                 transport: str = "websocket"):
        self.url, self.token, self.res = url, token, res
        self.timeout_s, self.transport = timeout_s, transport
        self.queues: dict[str, asyncio.Queue[tuple[float, dict[str, Any]]]] = defaultdict(
            asyncio.Queue)
        self.arrived: dict[str, dict[str, float]] = defaultdict(dict)
        self.sio = socketio.AsyncClient(reconnection=False)
        self.rng = random.Random()
        for name in SERVER_EVENTS:
            self.sio.on(name, self._recorder(name))

    def _recorder(self, name: str) -> Any:
        async def record(data: Any) -> None:
            now = time.perf_counter()
            if not isinstance(data, dict):
                return
            if "answer_id" in data:  # the first arrival counts (a retried job may repeat it)
                self.arrived[name].setdefault(str(data["answer_id"]), now)
            if name == "error":
                self.res.errors[f"event:{data.get('code', '?')}"] += 1
            self.queues[name].put_nowait((now, data))
        return record

    async def connect(self) -> None:
        """Connect; a handshake refused as retryable is tried again after a backoff."""
        started = time.perf_counter()
        self.res.ops += 1

        def retried() -> None:
            self.res.retried["connect"] += 1

        try:
            await connect_retrying(self.sio, self.url, {"token": self.token},
                                   transport=self.transport, timeout_s=self.timeout_s,
                                   rng=self.rng, on_retry=retried)
        except Refused as exc:
            raise Failure("connect", exc.code, exc.message) from None
        self.res.setup["connect"].append((time.perf_counter() - started) * 1000)

    async def call(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        """The ack of `event`; a Failure for an error ack or none within the timeout. An
        ack marked `retryable` changed nothing, so the same call is sent again after a
        backoff; its latency is measured from the first attempt."""
        started = time.perf_counter()
        self.res.ops += 1
        for attempt in range(ATTEMPTS):
            try:
                ack = await self.sio.call(event, data, timeout=self.timeout_s)
            except socketio.exceptions.TimeoutError:
                raise Failure(event, "ack_timeout") from None
            error = ack.get("error") if isinstance(ack, dict) else None
            if (isinstance(error, dict) and error.get("retryable")
                    and attempt < ATTEMPTS - 1):
                self.res.retried[event] += 1
                await asyncio.sleep(backoff_s(attempt, self.rng))
                continue
            break
        self.res.acks[event].append((time.perf_counter() - started) * 1000)
        if not isinstance(ack, dict) or not ack.get("ok"):
            if not isinstance(error, dict):
                raise Failure(event, "?")
            raise Failure(event, str(error.get("code", "?")), str(error.get("message", "")))
        return ack

    async def expect(self, event: str, **match: Any) -> tuple[float, dict[str, Any]]:
        """The next `event` whose fields equal `match`, and when it arrived."""
        self.res.ops += 1
        try:
            async with asyncio.timeout(self.timeout_s):
                while True:
                    at, data = await self.queues[event].get()
                    if all(data.get(k) == v for k, v in match.items()):
                        return at, data
        except TimeoutError:
            raise Failure(event, "timeout") from None

    async def close(self) -> None:
        if not self.sio.connected:
            return
        if self.sio.transport() == "polling":
            # python-engineio's client otherwise waits out its pending long-poll (~25 s).
            await self.sio.eio.disconnect(abort=True)
            return
        await asyncio.wait_for(self.sio.disconnect(), 5)
