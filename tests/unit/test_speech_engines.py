"""The offline speech synthesis engine, for real: Piper speaks (Whisper, which listens, is
tested in test_whisper_stt.py)."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from mockmate.speech.base import PcmAudio, SpeechError
from mockmate.speech.piper_tts import PiperTextToSpeech, PiperVoiceFiles, split_sentences

QUESTION = (
    "Tell me about a production incident you handled. What went wrong, e.g. in the database? "
    "How did you fix it!"
)


@pytest.fixture
async def tts() -> AsyncIterator[PiperTextToSpeech]:
    engine = PiperTextToSpeech()
    yield engine
    await engine.aclose()


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
    assert tts.voice_names == ("professional_male", "professional_female", "stern")
    assert tts.resolve_voice("rachel") == tts.resolve_voice(None) == \
        tts.resolve_voice("joe") == "professional_male"
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
