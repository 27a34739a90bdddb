"""The three offline interviewer personas, measured: the same sentence spoken by each has the
pitch and the pace its persona promises, all from the one Piper voice, loaded once."""

from collections.abc import AsyncIterator

import numpy as np
import pytest

from mockmate.speech.personas import PERSONAS, shift_pitch
from mockmate.speech.piper_tts import PiperTextToSpeech

SENTENCE = ("Tell me about a time you disagreed with your manager, "
            "and what you did about it.")
# Piper draws each phoneme's duration with noise: a sentence's length varies by about 10 %
# from one synthesis to the next, so pace is measured on the mean of several (this voice
# measures 1.21-1.24 for the female persona's 1.15, inside the tolerance but near its edge).
TAKES = 8


@pytest.fixture
async def spoken() -> AsyncIterator[dict[str, list[tuple[np.ndarray, int]]]]:
    tts = PiperTextToSpeech(max_concurrency=1)
    try:
        out = {}
        for name in PERSONAS:
            takes = []
            for _ in range(TAKES):
                pieces = [p async for p in tts.stream(SENTENCE, voice=name)]
                samples = np.frombuffer(b"".join(p.data for p in pieces), dtype="<i2")
                takes.append((samples, pieces[0].sample_rate))
            out[name] = takes
        assert tts.loads == 1  # one model for every persona
        yield out
    finally:
        await tts.aclose()


def median_pitch_hz(samples: np.ndarray, rate: int) -> float:
    """Median F0 of the voiced 50 ms frames: the first autocorrelation peak above half the
    frame's energy between 50 and 300 Hz (the first, so a subharmonic is not taken)."""
    x = samples.astype(np.float64)
    frame = int(0.05 * rate)
    loud = 0.3 * np.sqrt(np.mean(x ** 2))
    lo, hi = int(rate / 300), int(rate / 50)
    pitches = []
    for start in range(0, x.size - frame, frame // 2):
        f = x[start:start + frame]
        if np.sqrt(np.mean(f ** 2)) < loud:
            continue
        f = f - f.mean()
        ac = np.correlate(f, f, mode="full")[frame - 1:]
        seg = ac[lo:hi] / ac[0]
        peaks = [i for i in range(1, seg.size - 1)
                 if seg[i] > 0.5 and seg[i] > seg[i - 1] and seg[i] >= seg[i + 1]]
        if peaks:
            pitches.append(rate / (lo + peaks[0]))
    return float(np.median(pitches))


def speech_seconds(samples: np.ndarray, rate: int) -> float:
    """From the first to the last sample above 2 % of full scale."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 655)
    return float((loud[-1] - loud[0]) / rate)


async def test_each_persona_has_its_pitch_and_pace(
    spoken: dict[str, list[tuple[np.ndarray, int]]],
) -> None:
    pitch = {name: median_pitch_hz(*takes[0]) for name, takes in spoken.items()}
    male = pitch["professional_male"]
    assert 70 < male < 180, pitch  # joe's own
    assert pitch["professional_female"] / male == pytest.approx(1.26, rel=0.1), pitch
    assert pitch["stern"] / male == pytest.approx(0.8, rel=0.1), pitch

    seconds = {name: float(np.mean([speech_seconds(*take) for take in takes]))
               for name, takes in spoken.items()}
    joe = seconds["professional_male"]
    # The same words: their time is inversely proportional to the pace (1.15 and 0.8 times joe's).
    assert joe / seconds["professional_female"] == pytest.approx(1.15, rel=0.1), seconds
    assert joe / seconds["stern"] == pytest.approx(0.8, rel=0.1), seconds
    print("PERSONAS", {n: (round(pitch[n], 1), round(seconds[n], 2)) for n in pitch})


def test_shifting_pitch_resamples_a_tone() -> None:
    rate = 16000
    tone = (10000 * np.sin(2 * np.pi * 200 * np.arange(rate) / rate)).astype("<i2")
    higher = shift_pitch(tone, 1.25)
    assert higher.size == round(rate / 1.25) and higher.dtype == np.dtype("<i2")
    assert median_pitch_hz(higher, rate) == pytest.approx(250, rel=0.02)
    assert shift_pitch(tone, 1.0) is tone
