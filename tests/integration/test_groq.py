"""Groq Whisper speech-to-text through the official `groq` SDK, against a local server speaking
Groq's transcription wire format: success, the filler-keeping prompt, 429 with Retry-After,
500s until the breaker opens, slow answers past the timeout, and a rejected API key."""

import math
from collections.abc import AsyncIterator

import numpy as np
import pytest
from prometheus_client import CollectorRegistry

from mockmate.providers.groq_stt import (
    FILLER_PROMPT,
    GroqSpeechToText,
    classify_groq,
    make_groq_client,
    make_groq_stt,
)
from mockmate.providers.resilience import (
    PrometheusProviderMetrics,
    RetryPolicy,
)
from mockmate.speech.base import PcmAudio, SpeechError, Word
from tests.fakes.groq import FakeGroq, Reply
from tests.fakes.guard import RecordingGuard, state

RATE = 16000
ANSWER = "Umm, so I, like, sharded the queue by customer."
WORDS = (("Umm,", 0.0, 0.4), ("so", 0.5, 0.6), ("I,", 0.6, 0.7), ("like,", 0.8, 1.0),
         ("sharded", 1.1, 1.5), ("the", 1.5, 1.6), ("queue", 1.6, 1.9), ("by", 1.9, 2.0),
         ("customer.", 2.0, 2.4))


def tone(seconds: float) -> PcmAudio:
    t = np.arange(int(seconds * RATE)) / RATE
    samples = (0.3 * 32767 * np.sin(2 * np.pi * 220 * t)).astype("<i2")
    return PcmAudio(samples.tobytes(), RATE)


class Harness(RecordingGuard):
    """Fake server, SDK client, and a guard with a fake clock and recorded sleeps."""

    def __init__(self, fake: FakeGroq) -> None:
        self.fake = fake
        super().__init__("groq", classify_groq)
        self.stt = GroqSpeechToText(make_groq_client(fake.api_key, fake.url), self.guard)

    def count(self, metric: str, kind: str) -> float:
        labels = {"provider": "groq", "kind": kind}
        if metric == "seconds":
            labels = {"provider": "groq", "operation": "transcribe", "outcome": kind}
            metric = "mockmate_provider_seconds_count"
        else:
            metric = "mockmate_provider_errors_total"
        return self.registry.get_sample_value(metric, labels) or 0.0


@pytest.fixture
async def h() -> AsyncIterator[Harness]:
    async with FakeGroq() as fake:
        harness = Harness(fake)
        try:
            yield harness
        finally:
            await harness.stt.aclose()


async def test_transcribes_with_words_timings_and_confidence(h: Harness) -> None:
    h.fake.script(Reply.transcript(ANSWER, WORDS))
    transcript = await h.stt.transcribe(tone(2.5))
    assert transcript.text == ANSWER
    assert transcript.duration_s == pytest.approx(2.5)
    assert transcript.confidence == pytest.approx(math.exp(-0.2))
    assert transcript.words[0] == Word("Umm,", 0.0, 0.4)
    assert transcript.words[3] == Word("like,", 0.8, 1.0)
    assert len(transcript.words) == len(WORDS)
    assert h.count("seconds", "ok") == 1 and h.sleeps == []


async def test_request_carries_model_prompt_and_a_valid_wav(h: Harness) -> None:
    h.fake.script(Reply.transcript(ANSWER, WORDS))
    await h.stt.transcribe(tone(1.75))
    (request,) = h.fake.requests
    assert request.api_key == h.fake.api_key
    assert request.value("model") == "whisper-large-v3-turbo"
    assert request.value("response_format") == "verbose_json"
    assert sorted(request.granularities) == ["segment", "word"]
    assert request.value("prompt") == FILLER_PROMPT
    assert "Umm" in FILLER_PROMPT and "like" in FILLER_PROMPT
    assert request.value("language") == "en"
    assert request.file_name == "answer.wav" and request.file_type == "audio/wav"
    channels, width, rate, duration = request.wav()
    assert (channels, width, rate) == (1, 2, RATE)
    assert duration == pytest.approx(1.75)


async def test_a_stretch_is_prompted_with_the_last_words_said_before_it(h: Harness) -> None:
    h.fake.script(Reply.transcript(ANSWER, WORDS))
    before = " ".join(f"word{n}" for n in range(100))
    await h.stt.transcribe(tone(1.0), context=before)
    (request,) = h.fake.requests
    # The filler prompt first (it keeps "um"s in the transcript), then the last 40 words.
    last = " ".join(f"word{n}" for n in range(60, 100))
    assert request.value("prompt") == f"{FILLER_PROMPT} {last}"


async def test_confidence_weighs_segments_and_falls_back_to_no_speech(h: Harness) -> None:
    segments = (
        {"id": 0, "start": 0.0, "end": 3.0, "text": "a", "avg_logprob": -0.1,
         "no_speech_prob": 0.0},
        {"id": 1, "start": 3.0, "end": 4.0, "text": "b", "no_speech_prob": 0.6},
    )
    h.fake.script(Reply.transcript("a b", segments=segments), Reply.transcript(""))
    transcript = await h.stt.transcribe(tone(4.0))
    assert transcript.confidence == pytest.approx((3 * math.exp(-0.1) + 0.4) / 4)
    assert transcript.words == ()
    silent = await h.stt.transcribe(tone(0.5))
    assert silent.text == "" and silent.confidence == 0.0


async def test_empty_audio_is_not_sent(h: Harness) -> None:
    transcript = await h.stt.transcribe(PcmAudio(b"", RATE))
    assert transcript.text == "" and h.fake.requests == []


async def test_429_waits_for_retry_after_then_succeeds(h: Harness) -> None:
    h.fake.script(Reply.error(429, "Rate limit reached", retry_after="7"),
                  Reply.transcript(ANSWER, WORDS))
    transcript = await h.stt.transcribe(tone(1.0))
    assert transcript.text == ANSWER
    assert len(h.fake.requests) == 2 and h.sleeps == [7.0]
    assert h.count("errors", "rate_limited") == 1


async def test_500s_open_the_breaker_then_calls_short_circuit(h: Harness) -> None:
    h.fake.default = Reply.error(500, "Internal Server Error")
    with pytest.raises(SpeechError) as failed:
        await h.stt.transcribe(tone(1.0))
    assert failed.value.retryable
    assert len(h.fake.requests) == 3 and h.sleeps == [0.25, 0.5]
    assert state(h.guard.breaker) == "open"

    with pytest.raises(SpeechError) as short_circuited:
        await h.stt.transcribe(tone(1.0))
    assert short_circuited.value.retryable and "unavailable" in str(short_circuited.value)
    assert len(h.fake.requests) == 3  # the server was not called
    assert h.count("errors", "server_error") == 3 and h.count("errors", "circuit_open") == 1

    h.clock.now += 30.0  # cool-down over: one trial call, which succeeds
    h.fake.script(Reply.transcript(ANSWER, WORDS))
    assert (await h.stt.transcribe(tone(1.0))).text == ANSWER
    assert state(h.guard.breaker) == "closed" and len(h.fake.requests) == 4


async def test_slow_response_times_out_as_retryable(h: Harness) -> None:
    stt = GroqSpeechToText(make_groq_client(h.fake.api_key, h.fake.url), h.guard,
                           policy=RetryPolicy(attempts=2, timeout_s=0.3))
    h.fake.default = Reply.transcript(ANSWER, delay_s=10.0)
    try:
        with pytest.raises(SpeechError) as failed:
            await stt.transcribe(tone(1.0))
    finally:
        await stt.aclose()
    assert failed.value.retryable
    assert len(h.fake.requests) == 2 and len(h.sleeps) == 1
    assert h.count("errors", "timeout") == 2


async def test_rejected_api_key_is_not_retried() -> None:
    registry = CollectorRegistry()
    async with FakeGroq() as fake:
        stt = make_groq_stt("wrong-key", fake.url, PrometheusProviderMetrics(registry))
        try:
            with pytest.raises(SpeechError) as failed:
                await stt.transcribe(tone(1.0))
        finally:
            await stt.aclose()
    assert not failed.value.retryable
    assert len(fake.requests) == 1 and fake.requests[0].api_key == "wrong-key"
    auth = registry.get_sample_value(
        "mockmate_provider_errors_total", {"provider": "groq", "kind": "auth"})
    assert auth == 1
