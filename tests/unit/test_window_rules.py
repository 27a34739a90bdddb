"""How much audio a Whisper call works on: the fitted window and the silence that pads it,
when the engine may stop reading segments (only quiet follows the last word), and where the
decoder left speech out (the engine decodes from there again)."""

import numpy as np
from numpy.typing import NDArray

from mockmate.speech.window_rules import (
    MARGIN_S,
    MAX_WORD_VOICED_S,
    QUIET_BELOW_PEAK_DB,
    SILENCE_BELOW_LOUDEST,
    QuietTail,
    content_frames,
    fitted_window,
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


def words_with_gaps(count: int) -> NDArray[np.float32]:
    """`count` 0.4 s words, each followed by 0.1 s of silence (0.5 s per word)."""
    return np.concatenate([np.concatenate([tone(0.4, 8000), silence(0.1)])] * count)


def test_voiced_time_counts_only_the_frames_near_the_speech_level() -> None:
    audio = np.concatenate([tone(1.0, 8000), silence(1.0), tone(1.0, 8000 * 10 ** (-40 / 20))])
    quiet = QuietTail(audio, RATE)
    assert abs(quiet.voiced_s(0.0, 3.0) - 1.0) < 0.03
    assert quiet.voiced_s(1.0, 3.0) == 0.0  # silence, then a tone 40 dB down
    assert abs(quiet.voiced_s(0.5, 0.8) - 0.3) < 0.03
    assert quiet.voiced_s(2.5, 2.5) == 0.0 and quiet.voiced_s(5.0, 9.0) == 0.0


def test_words_that_cover_the_speech_leave_nothing_out() -> None:
    audio = np.concatenate([words_with_gaps(6), silence(1.0)])
    words = [(i * 0.5, i * 0.5 + 0.4) for i in range(6)]
    assert QuietTail(audio, RATE).untranscribed_from(words) is None


def test_a_word_stretched_over_a_skipped_sentence_marks_where_it_begins() -> None:
    # Six words spoken; the decoder wrote two, and the aligner stretched the second over the
    # four it skipped (as "and" lasting 2.4 s did): decode again from its start.
    audio = words_with_gaps(6)
    assert QuietTail(audio, RATE).untranscribed_from([(0.0, 0.4), (0.5, 3.0)]) == 0.5
    assert QuietTail(audio, RATE).untranscribed_from([(0.0, 0.4), (0.5, 3.0), (3.0, 3.0)]) == 0.5


def test_a_long_thinking_pause_inside_a_word_is_not_skipped_speech() -> None:
    # The aligner often runs a word's end over the silence after it: only voiced time counts.
    audio = np.concatenate([tone(0.4, 8000), silence(3.0), tone(0.4, 8000)])
    assert QuietTail(audio, RATE).untranscribed_from([(0.0, 3.4), (3.4, 3.8)]) is None


def test_a_word_voiced_just_under_the_limit_passes() -> None:
    voiced = MAX_WORD_VOICED_S - 0.1
    audio = np.concatenate([tone(voiced, 8000), silence(0.5)])
    assert QuietTail(audio, RATE).untranscribed_from([(0.0, voiced)]) is None
    longer = np.concatenate([tone(MAX_WORD_VOICED_S + 0.1, 8000), silence(0.5)])
    assert QuietTail(longer, RATE).untranscribed_from([(0.0, MAX_WORD_VOICED_S + 0.1)]) == 0.0


def test_a_long_word_before_the_end_is_left_alone() -> None:
    # espeak-ng's first word stretched to 1.2 s: re-decoding the whole answer would double
    # the call and hide no skipped ending.
    audio = words_with_gaps(6)
    assert QuietTail(audio, RATE).untranscribed_from([(0.0, 1.4), (1.5, 1.9), (2.0, 2.4)]) \
        is None


def test_no_words_are_not_judged() -> None:
    assert QuietTail(words_with_gaps(3), RATE).untranscribed_from([]) is None


def test_the_window_is_the_audio_and_its_padding_in_whole_seconds() -> None:
    assert window_frames(6.2, 10.0) == 1700
    assert window_frames(0.0, 10.0) == 1000
    assert window_frames(12.0, 10.0) == 2200


def test_the_window_never_exceeds_whisper_s_thirty_seconds() -> None:
    assert window_frames(25.0, 10.0) == 3000
    assert window_frames(95.0, 10.0) == 3000
    assert window_frames(5.0, 30.0) == 3000


def padded_window(spoken: int, frames: int = 3000) -> NDArray[np.float32]:
    """A window as faster-whisper hands it to the encoder: `spoken` frames of log-mel
    features (never zero in every band), then zeros up to `frames`."""
    features = np.zeros((80, frames), dtype=np.float32)
    features[:, :spoken] = -0.7
    features[3, :spoken:7] = 0.0  # single bands can be zero
    return features


def test_a_window_holds_the_frames_before_its_zero_padding() -> None:
    assert content_frames(padded_window(640)) == 640
    assert content_frames(padded_window(3000)) == 3000
    assert content_frames(padded_window(0)) == 0
    # with the batch axis faster-whisper may add
    assert content_frames(padded_window(1234)[np.newaxis]) == 1234


def test_a_later_window_is_fitted_to_what_it_holds_not_to_the_whole_call() -> None:
    # A 35 s answer: its second window holds 5 s and is encoded as 15 s.
    assert window_frames(content_frames(padded_window(500)) / 100, 10.0) == 1500
    assert window_frames(content_frames(padded_window(3000)) / 100, 10.0) == 3000


def test_the_encoder_sees_the_audio_then_silence_at_the_loudest_less_two() -> None:
    features = padded_window(640)
    features[10, 100] = 1.3  # the loudest value of the audio
    window = fitted_window(features, 6.0)
    assert window.shape == (80, 1300)  # 6.4 s of audio and 6 s, in whole seconds
    assert np.array_equal(window[:, :640], features[:, :640])
    assert np.allclose(window[:, 640:], 1.3 - SILENCE_BELOW_LOUDEST)
    assert features[0, 700] == 0.0  # faster-whisper's own array is left alone
    assert window.flags["C_CONTIGUOUS"]


def test_a_full_window_keeps_its_length_and_is_padded_with_silence_too() -> None:
    window = fitted_window(padded_window(2700), 6.0)
    assert window.shape == (80, 3000)
    assert np.allclose(window[:, 2700:], 0.0 - SILENCE_BELOW_LOUDEST)  # its loudest: 0
    assert np.array_equal(fitted_window(padded_window(3000), 6.0), padded_window(3000))


def test_a_window_with_no_audio_is_left_as_it_is_but_fitted() -> None:
    window = fitted_window(padded_window(0), 6.0)
    assert window.shape == (80, 600)
    assert not window.any()


def test_a_batch_of_one_is_fitted_on_its_last_axis() -> None:
    window = fitted_window(padded_window(250)[np.newaxis], 6.0)
    assert window.shape == (1, 80, 900)
    assert np.allclose(window[0, :, 250:], 0.0 - SILENCE_BELOW_LOUDEST)
