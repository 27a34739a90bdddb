"""ElevenLabs streaming text-to-speech through the official SDK, against a local server speaking
its wire format: streamed PCM pieces, voices, 429, 5xx and the breaker, timeouts, 401, breaks."""

import time
from collections.abc import AsyncIterator

import pytest

from mockmate.providers.elevenlabs_tts import (
    DEFAULT_MODEL,
    DEFAULT_VOICES,
    ElevenLabsTextToSpeech,
    classify_elevenlabs,
    make_elevenlabs_tts,
)
from mockmate.providers.resilience import (
    RetryPolicy,
)
from mockmate.speech.base import PcmAudio, SpeechError, TextToSpeech
from tests.fakes.elevenlabs import FakeElevenLabs, Reply, tone
from tests.fakes.guard import RecordingGuard, state

TEXT = "Tell me about a project you led from start to finish."


class Harness(RecordingGuard):
    """Fake server, guard with recorded sleeps and a manual clock, and a way to build TTSs."""

    def __init__(self, fake: FakeElevenLabs) -> None:
        self.fake = fake
        super().__init__("elevenlabs", classify_elevenlabs)
        self._made: list[ElevenLabsTextToSpeech] = []
        self.tts = self.make()

    def make(
        self, api_key: str | None = None, *, voices: dict[str, str] | None = None,
        model_id: str = DEFAULT_MODEL,
    ) -> ElevenLabsTextToSpeech:
        tts = make_elevenlabs_tts(
            api_key or self.fake.api_key, self.fake.url, guard=self.guard, voices=voices,
            model_id=model_id, chunk_bytes=1001,  # odd reads: samples split across pieces
        )
        self._made.append(tts)
        return tts

    async def close(self) -> None:
        for tts in self._made:
            await tts.aclose()


@pytest.fixture
async def h() -> AsyncIterator[Harness]:
    async with FakeElevenLabs() as fake:
        harness = Harness(fake)
        try:
            yield harness
        finally:
            await harness.close()


async def speak(tts: TextToSpeech, text: str = TEXT, voice: str | None = None) -> list[PcmAudio]:
    return [piece async for piece in tts.stream(text, voice)]


async def test_streams_whole_samples_as_they_arrive(h: Harness) -> None:
    arrivals: list[float] = []
    pieces: list[PcmAudio] = []
    async for piece in h.tts.stream(TEXT):
        arrivals.append(time.monotonic())
        pieces.append(piece)
    assert len(pieces) > 10
    assert all(p.sample_rate == 24_000 and len(p.data) % 2 == 0 for p in pieces)
    assert any(len(p.data) != 1001 for p in pieces)  # odd reads were re-aligned
    audio = b"".join(p.data for p in pieces)
    assert audio == h.fake.sent[0] == tone(TEXT)  # not a byte lost or shifted
    assert arrivals[-1] - arrivals[0] > 0.1  # pieces came as the fake streamed them
    (request,) = h.fake.requests
    assert request.query["output_format"] == "pcm_24000"
    assert request.body["model_id"] == "eleven_flash_v2_5" and request.text == TEXT
    assert request.api_key == h.fake.api_key
    assert h.sleeps == [] and h.errors("timeout") == 0


async def test_each_voice_name_maps_to_its_voice_id(h: Harness) -> None:
    for name in ("professional_female", "professional_male", "stern", None, "pirate"):
        assert await speak(h.tts, "Hello.", name)
    assert [r.voice_id for r in h.fake.requests] == [
        "21m00Tcm4TlvDq8ikWAM", "pNInz6obpgDQGcFmaJgB", DEFAULT_VOICES["stern"],
        "21m00Tcm4TlvDq8ikWAM", "21m00Tcm4TlvDq8ikWAM",
    ]
    custom = h.make(voices={"stern": "custom-voice"}, model_id="eleven_turbo_v2_5")
    await speak(custom, "Hello.", "stern")
    assert h.fake.requests[-1].voice_id == "custom-voice"
    assert h.fake.requests[-1].body["model_id"] == "eleven_turbo_v2_5"


async def test_429_waits_for_retry_after_then_streams(h: Harness) -> None:
    h.fake.script(Reply.error(429, "Too many concurrent requests", retry_after="7"))
    pieces = await speak(h.tts)
    assert b"".join(p.data for p in pieces) == tone(TEXT)
    assert len(h.fake.requests) == 2 and h.sleeps == [7.0]
    assert h.errors("rate_limited") == 1


async def test_500s_open_the_breaker_then_calls_short_circuit(h: Harness) -> None:
    h.fake.default = Reply.error(500, "backend error")
    with pytest.raises(SpeechError) as failed:
        await speak(h.tts)
    assert failed.value.retryable
    assert len(h.fake.requests) == 3 and h.sleeps == [0.25, 0.5]
    assert state(h.guard.breaker) == "open" and h.errors("server_error") == 3

    with pytest.raises(SpeechError) as short:
        await speak(h.tts)
    assert short.value.retryable and "circuit open" in str(short.value)
    assert len(h.fake.requests) == 3  # no request reached the server
    assert h.errors("circuit_open") == 1

    h.clock.now += 30.0  # cool-down over: one trial call, which succeeds
    h.fake.default = Reply.audio()
    assert await speak(h.tts)
    assert state(h.guard.breaker) == "closed" and len(h.fake.requests) == 4


async def test_slow_first_byte_times_out_as_retryable(h: Harness) -> None:
    h.guard.policy = RetryPolicy(attempts=2, timeout_s=0.3)
    h.fake.default = Reply.audio(delay_s=10.0)
    with pytest.raises(SpeechError) as failed:
        await speak(h.tts)
    assert failed.value.retryable
    assert len(h.fake.requests) == 2 and len(h.sleeps) == 1
    assert h.errors("timeout") == 2


async def test_wrong_api_key_is_not_retried(h: Harness) -> None:
    with pytest.raises(SpeechError) as failed:
        await speak(h.make(api_key="wrong-key"))
    assert not failed.value.retryable
    assert len(h.fake.requests) == 1 and h.fake.requests[0].api_key == "wrong-key"
    assert h.sleeps == [] and h.errors("auth") == 1


async def test_stream_breaking_mid_way_raises_without_retrying(h: Harness) -> None:
    h.fake.script(Reply.broken(after_bytes=3001))
    received: list[PcmAudio] = []
    with pytest.raises(SpeechError) as failed:
        async for piece in h.tts.stream(TEXT):
            received.append(piece)
    assert failed.value.retryable and "mid-way" in str(failed.value)
    assert received  # audio had already flowed when the stream broke
    got = b"".join(p.data for p in received)
    assert tone(TEXT).startswith(got) and len(got) <= 3000
    assert len(h.fake.requests) == 1 and h.sleeps == []
    assert await speak(h.tts, "Next question.")  # the provider is still usable
