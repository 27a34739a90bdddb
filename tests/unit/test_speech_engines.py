"""The offline speech engines, for real: Piper speaks, pocketsphinx listens to Piper.

pocketsphinx is exact on short clear sentences only, so these tests assert on key words that it
recognized every time in repeated trials, never on whole sentences.
"""

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import av
import numpy as np
import pytest

from mockmate.speech.base import PcmAudio, SpeechError, Transcript
from mockmate.speech.piper_tts import PiperTextToSpeech, PiperVoiceFiles, split_sentences
from mockmate.speech.sphinx_stt import SphinxSpeechToText

QUESTION = (
    "Tell me about a production incident you handled. What went wrong, e.g. in the database? "
    "How did you fix it!"
)
# Sentence -> words pocketsphinx got right in every one of 100+ trials on Piper's joe voice.
# Near misses left out: "network" 248/250 ("i'm at work"), "memory" 249/250, "describe" 94/100
# ("the scribe"), "payments" 60/100 ("payment"); "cache" is nearly always "cash".
CLEAR_SENTENCES = {
    "The server sends a message.": {"server", "message"},
    "The customer was happy.": {"customer", "happy"},
    "Explain the difference.": {"difference"},
    "I like programming.": {"programming"},
}


@pytest.fixture
async def tts() -> AsyncIterator[PiperTextToSpeech]:
    engine = PiperTextToSpeech()
    yield engine
    await engine.aclose()


@pytest.fixture
async def stt() -> AsyncIterator[SphinxSpeechToText]:
    engine = SphinxSpeechToText()
    yield engine
    await engine.aclose()


def to_16k(pieces: list[PcmAudio]) -> PcmAudio:
    """Resample Piper's output to what pocketsphinx hears, as the app's audio layer would."""
    (rate,) = {piece.sample_rate for piece in pieces}
    samples = np.frombuffer(b"".join(piece.data for piece in pieces), dtype="<i2")
    frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = rate
    resampler = av.AudioResampler(format="s16", layout="mono", rate=16000)
    frames = resampler.resample(frame) + resampler.resample(None)
    out = np.concatenate([f.to_ndarray().reshape(-1) for f in frames]).astype("<i2")
    return PcmAudio(out.tobytes(), 16000)


async def speak(tts: PiperTextToSpeech, text: str) -> PcmAudio:
    return to_16k([piece async for piece in tts.stream(text)])


def assert_heard(transcript: Transcript, audio: PcmAudio, key_words: set[str]) -> None:
    assert key_words <= set(transcript.text.split()), transcript.text
    assert 0.0 <= transcript.confidence <= 1.0
    assert transcript.duration_s == pytest.approx(audio.duration_s)
    assert " ".join(w.text for w in transcript.words) == transcript.text
    previous_end = 0.0
    for word in transcript.words:
        assert previous_end <= word.start_s <= word.end_s <= transcript.duration_s
        previous_end = word.end_s


# Sentence splitting


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two? Three! Four; five", ["One.", "Two?", "Three!", "Four;", "five"]),
        ("Use a cache, e.g. Redis. Then scale.", ["Use a cache, e.g. Redis.", "Then scale."]),
        (
            "Version 3.5 of node.js is out.  Really?!  Yes",
            ["Version 3.5 of node.js is out.", "Really?!", "Yes"],
        ),
        ('He said "stop." Then left.', ['He said "stop."', "Then left."]),
        ("  ...  ", []),
        ("", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


# Piper


async def test_piper_streams_a_question_piece_by_piece(tts: PiperTextToSpeech) -> None:
    pieces = [piece async for piece in tts.stream(QUESTION)]

    assert len(pieces) >= 3
    total = sum(piece.duration_s for piece in pieces)
    assert pieces[0].duration_s < total
    for piece in pieces:
        assert piece.sample_rate == 22050
        assert len(piece.data) % 2 == 0 and piece.duration_s > 0.3
        samples = np.frombuffer(piece.data, dtype="<i2").astype(np.float64)
        assert np.sqrt(np.mean(samples**2)) > 300  # speech, not silence
    assert tts.loads == 1


async def test_piper_concurrent_first_calls_load_the_voice_once(tts: PiperTextToSpeech) -> None:
    async def first_piece() -> PcmAudio:
        async for piece in tts.stream("Hello there."):
            return piece
        raise AssertionError("no audio")

    results = await asyncio.gather(tts.warm_up(), *(first_piece() for _ in range(3)))

    assert all(isinstance(piece, PcmAudio) for piece in results[1:])
    assert tts.loads == 1


async def test_piper_unknown_voice_falls_back_to_joe(tts: PiperTextToSpeech) -> None:
    assert tts.voice_names == ("joe",)
    assert tts.resolve_voice("rachel") == "joe" and tts.resolve_voice(None) == "joe"
    pieces = [piece async for piece in tts.stream("Good morning.", voice="rachel")]
    assert pieces and tts.loads == 1


async def test_piper_nothing_to_say_yields_nothing_and_loads_nothing(
    tts: PiperTextToSpeech,
) -> None:
    assert [piece async for piece in tts.stream(" ... ")] == []
    assert tts.loads == 0


async def test_piper_stream_closed_early_leaves_the_engine_usable(tts: PiperTextToSpeech) -> None:
    stream = tts.stream(QUESTION)
    first = await anext(stream)
    await stream.aclose()  # e.g. the candidate hung up mid-question

    assert first.duration_s > 0
    assert [piece async for piece in tts.stream("Next question.")]


async def test_piper_failures_are_speech_errors(tmp_path: Path) -> None:
    missing = PiperVoiceFiles(tmp_path / "none.onnx", tmp_path / "none.onnx.json")
    engine = PiperTextToSpeech(voices={"joe": missing})
    with pytest.raises(SpeechError) as failure:
        [piece async for piece in engine.stream("Hello.")]
    assert failure.value.retryable
    await engine.aclose()
    with pytest.raises(SpeechError) as closed:
        [piece async for piece in engine.stream("Hello.")]
    assert not closed.value.retryable


# pocketsphinx


async def test_sphinx_transcribes_piper_speech_with_word_timings(
    tts: PiperTextToSpeech, stt: SphinxSpeechToText
) -> None:
    for sentence, key_words in CLEAR_SENTENCES.items():
        audio = await speak(tts, sentence)
        transcript = await stt.transcribe(audio)
        assert_heard(transcript, audio, key_words)
        assert transcript.confidence > 0.0 and transcript.words


async def test_sphinx_concurrent_transcriptions_all_succeed(
    tts: PiperTextToSpeech, stt: SphinxSpeechToText
) -> None:
    clips = [(await speak(tts, sentence), words) for sentence, words in CLEAR_SENTENCES.items()]
    clips = clips * 2

    transcripts = await asyncio.gather(*(stt.transcribe(audio) for audio, _ in clips))

    for (audio, key_words), transcript in zip(clips, transcripts, strict=True):
        assert_heard(transcript, audio, key_words)
    # Decoding happens in at most 2 worker processes, never in this one: pocketsphinx holds
    # the GIL while decoding, so a thread would stall the event loop.
    assert 1 <= len(stt.worker_pids) <= 2 and os.getpid() not in stt.worker_pids


@pytest.mark.parametrize(
    "audio",
    [
        PcmAudio(bytes(32000), 16000),  # digital silence: pocketsphinx alone would say "dog"
        PcmAudio(b"", 16000),
        PcmAudio(
            np.random.default_rng(7).normal(0, 8, 16000).astype("<i2").tobytes(), 16000
        ),  # a quiet room
    ],
    ids=["zeros", "empty", "quiet-room"],
)
async def test_sphinx_silence_gives_an_empty_transcript(
    stt: SphinxSpeechToText, audio: PcmAudio
) -> None:
    transcript = await stt.transcribe(audio)
    assert transcript == Transcript(text="", confidence=0.0, duration_s=audio.duration_s)


async def test_sphinx_refuses_other_sample_rates(stt: SphinxSpeechToText) -> None:
    with pytest.raises(ValueError, match="16000"):
        await stt.transcribe(PcmAudio(bytes(44100), 22050))
    assert not stt.worker_pids


async def test_sphinx_recovers_from_a_dead_worker(tts: PiperTextToSpeech) -> None:
    engine = SphinxSpeechToText(max_concurrency=1)
    await engine.warm_up()
    (pid,) = engine.worker_pids
    audio = await speak(tts, "I like programming.")

    os.kill(pid, signal.SIGKILL)  # the worker this test's engine started, e.g. OOM-killed
    with pytest.raises(SpeechError) as died:
        await engine.transcribe(audio)
    assert died.value.retryable

    assert_heard(await engine.transcribe(audio), audio, {"programming"})
    assert len(engine.worker_pids) == 2
    await engine.aclose()


async def test_sphinx_bad_decoder_settings_are_speech_errors(tmp_path: Path) -> None:
    engine = SphinxSpeechToText(max_concurrency=1, decoder_options={"hmm": str(tmp_path)})
    with pytest.raises(SpeechError, match="decoder"):
        await engine.warm_up()
    await engine.aclose()


async def test_sphinx_warm_up_and_close() -> None:
    engine = SphinxSpeechToText(max_concurrency=2)
    await engine.warm_up()
    assert 1 <= len(engine.worker_pids) <= 2
    await engine.aclose()
    with pytest.raises(SpeechError) as closed:
        await engine.transcribe(PcmAudio(bytes(3200), 16000))
    assert not closed.value.retryable
