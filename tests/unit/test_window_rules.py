"""How much audio a Whisper call works on: the fitted window, and when the engine may stop
reading segments (only quiet follows the last word)."""

import numpy as np
from numpy.typing import NDArray

from mockmate.speech.window_rules import (
    MARGIN_S,
    QUIET_BELOW_PEAK_DB,
    QuietTail,
    window_frames,
)

RATE = 16000


def tone(seconds: float, amplitude: float) -> NDArray[np.float32]:
    t = np.arange(int(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def noise(seconds: float, amplitude: float) -> NDArray[np.float32]:
    rng = np.random.default_rng(7)
    return (amplitude * rng.uniform(-1, 1, int(seconds * RATE))).astype(np.float32)


def silence(seconds: float) -> NDArray[np.float32]:
    return np.zeros(int(seconds * RATE), dtype=np.float32)


def test_digital_silence_after_the_last_word_is_quiet() -> None:
    audio = np.concatenate([tone(2.0, 8000), silence(3.0)])
    assert QuietTail(audio, RATE).after(2.0)


def test_another_word_after_a_pause_is_not() -> None:
    audio = np.concatenate([tone(2.0, 8000), silence(1.5), tone(0.4, 3000), silence(0.5)])
    assert not QuietTail(audio, RATE).after(2.0)


def test_a_steady_noise_floor_well_below_the_speech_is_quiet() -> None:
    floor = 8000 * 10 ** (-(QUIET_BELOW_PEAK_DB + 6) / 20)
    audio = np.concatenate([tone(2.0, 8000) + noise(2.0, floor), noise(3.0, floor)])
    assert QuietTail(audio.astype(np.float32), RATE).after(2.0)


def test_noise_near_the_speech_level_is_not() -> None:
    loud = 8000 * 10 ** (-(QUIET_BELOW_PEAK_DB - 10) / 20)
    audio = np.concatenate([tone(2.0, 8000), noise(3.0, loud)])
    assert not QuietTail(audio, RATE).after(2.0)


def test_the_fade_of_the_last_word_is_not_judged() -> None:
    # Whisper's word end came 0.2 s early: the word's own end is inside the margin.
    audio = np.concatenate([tone(2.2, 8000), silence(2.0)])
    assert QuietTail(audio, RATE).after(2.2 - MARGIN_S + 0.05)
    assert not QuietTail(audio, RATE).after(2.2 - MARGIN_S - 0.1)


def test_a_leftover_too_short_for_a_window_counts_as_quiet() -> None:
    audio = np.concatenate([tone(2.0, 8000), tone(0.35, 8000)])
    assert QuietTail(audio, RATE).after(2.0)
    assert QuietTail(audio, RATE).after(9.0)  # a word end past the audio


def test_nothing_heard_before_the_tail_is_not_quiet() -> None:
    assert not QuietTail(tone(2.0, 8000), RATE).after(-MARGIN_S)
    assert QuietTail(silence(2.0), RATE).after(0.0)
    assert not QuietTail(np.concatenate([silence(1.0), tone(1.0, 100)]), RATE).after(0.0)


def test_the_window_is_the_audio_and_its_padding_in_whole_seconds() -> None:
    assert window_frames(6.2, 10.0) == 1700
    assert window_frames(0.0, 10.0) == 1000
    assert window_frames(12.0, 10.0) == 2200


def test_the_window_never_exceeds_whisper_s_thirty_seconds() -> None:
    assert window_frames(25.0, 10.0) == 3000
    assert window_frames(95.0, 10.0) == 3000
    assert window_frames(5.0, 30.0) == 3000
