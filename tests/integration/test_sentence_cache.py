"""Offline speech cached sentence by sentence in a real Redis: a new text made of known
sentences (an offline follow-up) is spoken without synthesis, by any process, and the bank
and its follow-ups can be prepared once across processes before anyone is asked them; a
server does that in the background and still stops at once."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from mockmate.evaluators.models import Evaluation
from mockmate.follow_ups.rules import (
    FollowUpRequest,
    follow_up_reason,
    offline_texts,
    template_follow_up,
)
from mockmate.questions.bank import load_bank
from mockmate.speech.base import PcmAudio, SpeechError
from mockmate.speech.piper_tts import split_sentences
from mockmate.speech.sentence_cache import SentenceCachedSpeech
from tests.support.server import running_app, settings_from
from tests.support.waiting import eventually


class EchoSpeech:
    """Speaks a sentence as its own UTF-8 bytes (so audio shows what was said) in two
    pieces; records every sentence it is asked to make."""

    def __init__(self, *, broken: bool = False) -> None:
        self.calls: list[str] = []
        self.broken = broken

    async def stream(self, text: str, voice: str | None = None) -> AsyncIterator[PcmAudio]:
        if self.broken:
            raise SpeechError("speech service unavailable", retryable=True)
        self.calls.append(text)
        data = echo(text)
        half = len(data) // 4 * 2
        yield PcmAudio(data[:half], 22050)
        yield PcmAudio(data[half:], 22050)


def echo(sentence: str) -> bytes:
    return sentence.encode() + b"\x00" * (len(sentence.encode()) % 2)


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


def cached(inner: EchoSpeech, redis: Redis, prefix: str) -> SentenceCachedSpeech:
    return SentenceCachedSpeech(inner, redis, prefix=prefix, ttl_s=60,
                                resolve_voice=lambda voice: voice or "joe")


async def spoken(speech: SentenceCachedSpeech, text: str, voice: str | None = None) -> bytes:
    return b"".join([audio.data async for audio in speech.stream(text, voice)])


async def test_known_sentences_are_spoken_from_the_cache_in_any_process(redis: Redis) -> None:
    prefix = f"t:{uuid.uuid4().hex}"
    first, second = EchoSpeech(), EchoSpeech()
    one, other = cached(first, redis, prefix), cached(second, redis, prefix)

    assert await spoken(one, "Tell me about a conflict. What happened?") == (
        echo("Tell me about a conflict.") + echo("What happened?"))
    assert await spoken(one, "Tell me about a conflict. What did you learn?") == (
        echo("Tell me about a conflict.") + echo("What did you learn?"))
    assert first.calls == ["Tell me about a conflict.", "What happened?", "What did you learn?"]

    # Another process, and the voice name its engine resolves None to, share the entries.
    text = "What did you learn? What happened?"
    assert await spoken(other, text, voice="joe") == echo("What did you learn?") + echo(
        "What happened?")
    assert second.calls == [] and one.syntheses == 3 and other.syntheses == 0
    await spoken(other, "What happened?", voice="amy")
    assert second.calls == ["What happened?"]  # another voice is another recording


async def test_prewarming_the_bank_makes_every_offline_follow_up_free(redis: Redis) -> None:
    prefix = f"t:{uuid.uuid4().hex}"
    bank = [q for q in load_bank() if q.category == "behavioral"][:3]
    texts = offline_texts(bank)
    a_inner, b_inner = EchoSpeech(), EchoSpeech()
    a, b = cached(a_inner, redis, prefix), cached(b_inner, redis, prefix)

    # Two processes starting together: each sentence is made once between them.
    warmed = [await a.warm_all(texts), await b.warm_all(texts)]
    made = a_inner.calls + b_inner.calls
    assert sum(warmed) == len(made) == len(set(made))
    assert await a.warm_all(texts) == 0

    # A weak, storyless answer to a bank question: the follow-up it gets is spoken for free.
    evaluation = Evaluation.model_validate({
        "score": 3, "rubric": {"relevance": 3, "examples": 2, "clarity": 4,
                               "technical_accuracy": 3, "job_alignment": 3},
        "star": {"situation": "At my last job", "task": None, "action": None, "result": None},
    })
    reason = follow_up_reason(bank[1], evaluation)
    assert reason is not None and reason.missing_star
    follow_up = template_follow_up(FollowUpRequest(
        user_id="u", index=1, question=bank[1], answer_text="I did stuff.",
        evaluation=evaluation, reason=reason))
    later = EchoSpeech()
    assert await spoken(cached(later, redis, prefix), follow_up.text)
    assert later.calls == []


async def test_a_speech_failure_stops_the_prewarm_and_leaves_nothing(redis: Redis) -> None:
    prefix = f"t:{uuid.uuid4().hex}"
    speech = cached(EchoSpeech(broken=True), redis, prefix)
    assert await speech.warm_all(["One. Two.", "Three."]) == 0
    assert await redis.keys(f"{prefix}:*") == []  # no audio, no claim left behind
    with pytest.raises(SpeechError):
        await spoken(speech, "One.")


async def test_a_listener_stopping_early_leaves_no_error_behind(
    redis: Redis, caplog: pytest.LogCaptureFixture,
) -> None:
    prefix = f"t:{uuid.uuid4().hex}"
    speech = cached(EchoSpeech(), redis, prefix)
    stream = speech.stream("First. Second. Third.")
    first = await anext(stream)
    await stream.aclose()  # a barge-in
    assert first.data == echo("First.")[:len(first.data)]
    assert "never retrieved" not in caplog.text


async def test_a_server_prewarms_the_bank_in_the_background_and_stops_cleanly(
    deployment_env: dict[str, str], redis: Redis,
) -> None:
    settings = settings_from(deployment_env, MOCKMATE_TTS_PREWARM="true")
    prefix = f"{settings.redis_prefix}:tts-sentence:"

    async def recorded() -> list[bytes]:
        keys = [k async for k in redis.scan_iter(match=f"{prefix}*")]
        return [k for k in keys if not k.endswith(b":warming")]

    async with running_app(settings):
        # Generous: the prewarm runs at low priority, behind anything else on the machine.
        first = (await eventually(recorded, timeout_s=180))[0]
        # Stopped while Piper is still working through the bank: shutdown must not wait.
    audio = await redis.get(first)
    assert audio is not None
    rate, pcm = audio.split(b":", 1)
    assert int(rate) == 22050 and len(pcm) / 2 / 22050 > 0.3  # a spoken sentence
    texts = offline_texts(load_bank())
    every = {sentence for text in texts for sentence in split_sentences(text)}
    assert len(await recorded()) < len(every)  # stopped before the end of the bank


class HeldSpeech(EchoSpeech):
    """Live speech that holds each sentence until the test lets it go."""

    def __init__(self) -> None:
        super().__init__()
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def stream(self, text: str, voice: str | None = None) -> AsyncIterator[PcmAudio]:
        self.started.set()
        await self.release.wait()
        async for piece in super().stream(text, voice):
            yield piece


async def test_the_prewarm_waits_while_a_candidate_is_spoken_to(redis: Redis) -> None:
    prefix = f"t:{uuid.uuid4().hex}"
    order: list[str] = []
    live = HeldSpeech()

    async def background(sentence: str, voice: str | None) -> list[PcmAudio]:
        order.append(f"warm:{sentence}")
        return [PcmAudio(echo(sentence), 22050)]

    speech = SentenceCachedSpeech(live, redis, prefix=prefix, ttl_s=60,
                                  resolve_voice=lambda voice: voice or "joe",
                                  background=background)
    asking = asyncio.create_task(spoken(speech, "Tell me about yourself."))
    await asyncio.wait_for(live.started.wait(), 10)
    warming = asyncio.create_task(speech.warm_all(["One. Two.", "Three."]))
    await asyncio.wait_for(speech.paused_for_live.wait(), 10)
    assert order == [] and speech.live == 1  # nothing warmed while the question is made

    live.release.set()
    assert await asyncio.wait_for(asking, 10) == echo("Tell me about yourself.")
    order.append("live done")
    assert await asyncio.wait_for(warming, 10) == 3
    assert order == ["live done", "warm:One.", "warm:Two.", "warm:Three."]
    assert live.calls == ["Tell me about yourself."]  # the warm sentences took the slow lane
    assert await spoken(speech, "Two.") == echo("Two.")  # and were cached


async def test_piper_warms_on_the_low_priority_thread() -> None:
    from mockmate.speech.piper_tts import PiperTextToSpeech

    engine = PiperTextToSpeech(max_concurrency=1)
    pieces = await engine.synthesize_in_background("Ready when you are.")
    assert pieces and all(p.sample_rate == 22050 and p.data for p in pieces)
    assert engine.loads == 1
    await engine.aclose()
