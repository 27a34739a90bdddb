"""The pure rules of how much audio one Whisper call works on, so short stretches of an answer
cost what they hold, not a whole 30 s window.

**Fitted windows.** faster-whisper pads every call's features to 3,000 frames (30 s),
whatever the audio's length, and the encoder's cost follows the frames: a 6 s stretch of an
answer paid for 30 s. CTranslate2's encoder takes any length up to that (whisper.cpp calls
the same trick its audio context; `speech.fitted_whisper` applies it). Measured on the
accuracy test's twelve answers, Piper and espeak-ng, cut into pieces of at most 12 s: 10 s of
padding after the audio halved the CPU of a call and left the word error rate where it was.

**Padded with silence.** What pads the window matters as much as how long it is. Whisper
was trained on windows whose padding is the log-mel of digital silence (openai/whisper pads
the audio with zeros, then takes the spectrogram); faster-whisper 1.2.1 pads the features
with zeros instead, which to the model is a steady, moderate noise. With that noise, 3 s of
padding made espeak-ng's whole answers hallucinate (WER 55 % in one run); 6 s of silence
costs 15-25 % less CPU than the 10 s of noise before (3 % on one set), at the same WER within
about a point (docs/voice.md). Shorter fails either way, by chance: with 3-4 s of silence, a
stretch cut in the middle of a sentence looped on a word. So `fitted_window` pads with
silence, and the padding has a floor (`MIN_PAD_S`).

Every window of a call is fitted to its own audio: faster-whisper hands the encoder one
window at a time, the audio's frames first and then zeros (its `pad_or_trim`), so the audio a
window holds is read from the features themselves (`content_frames`). A later window of a
35 s answer holds 5 s and is encoded as 11 s (6 s of padding), not as the first window's 30 s.

**A quiet tail.** With word timestamps, faster-whisper starts its next window at the last
word's end unless the window closed on a lone timestamp. For audio shorter than a window
that happens on about half the calls, and the leftover, often a fraction of a second of
silence, is padded and encoded again: a third of the call's CPU for no words. The engine
stops reading the segments once `QuietTail` says only quiet follows the last word. Quiet
is relative to the speech itself, so a microphone's steady noise floor counts as quiet and
anything with a burst in it does not: then the next window is decoded as before.

**Skipped speech.** Now and then the decoder closes its last segment early and claims the
window's end for it: the words of a sentence or more are never written, and faster-whisper's
aligner stretches the last word it has over them ("and" lasting 2.4 s, a whole sentence
under it). Which calls do it is chaotic: the same 14.8 s of audio lost its last sentence
with 6 s of padding and kept it with 5, 7, 8 or 9 s. `QuietTail.untranscribed_from` finds
where the words stop covering the speech (a word at their end under which the audio stays
voiced longer than any spoken word), and the engine transcribes the audio from there once
more.

Figures and commands: docs/voice.md, bench/whisper_tail.py.
"""

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["FRAMES_PER_S", "FRAME_S", "MARGIN_S", "MAX_WORD_VOICED_S", "MIN_PAD_S",
           "QUIET_BELOW_PEAK_DB", "SILENCE_BELOW_LOUDEST", "QuietTail", "content_frames",
           "fitted_window", "window_frames"]

FRAMES_PER_S = 100  # Whisper's log-mel hop: 10 ms
FULL_WINDOW_FRAMES = 30 * FRAMES_PER_S
# 3-4 s of silence made stretches cut mid-sentence loop on a word (2 s of faster-whisper's
# zero features already hallucinated on whole answers).
MIN_PAD_S = 5.0
# Whisper's log-mel floors every value at 8 (log10 units) below the loudest, then maps x to
# (x + 4) / 4: digital silence sits this far below the loudest value.
SILENCE_BELOW_LOUDEST = 2.0

FRAME_S = 0.02
# Whisper's word ends are often early by a syllable's fade: the tail is judged from here on.
MARGIN_S = 0.3
# A tail whose loudest 20 ms is this far below the speech's loudest is quiet.
QUIET_BELOW_PEAK_DB = 30.0
_QUIET_RATIO = 10.0 ** (-QUIET_BELOW_PEAK_DB / 20.0)  # the same, as a ratio of RMS
# Shorter leftovers than this are not worth a window whatever they hold.
_NEGLIGIBLE_S = 0.1
# No spoken word keeps the audio voiced this long (a long word of a fluent speaker: under half
# a second): a word that does has speech the decoder skipped under it. A drawn-out "so" may
# pass it and costs one more decode of the audio after it, nothing else.
MAX_WORD_VOICED_S = 1.0


class QuietTail:
    """Whether only quiet follows a moment of one piece of audio, asked as often as the engine
    reads a segment.

    The sums of squares are accumulated once, so each question costs one look per 20 ms
    frame rather than a pass over every sample: a 2-minute answer read segment by segment
    asked about 30 times, 0.14 s of CPU when each question re-read the audio."""

    def __init__(self, samples: NDArray[np.float32], sample_rate: int) -> None:
        self._rate = sample_rate
        self._frame = max(1, int(FRAME_S * sample_rate))
        squares = np.square(samples, dtype=np.float64)
        self._energy = np.concatenate(([0.0], np.cumsum(squares)))

    def _frame_rms(self, start: int, end: int) -> NDArray[np.float64]:
        """RMS of each frame of samples[start:end], frames laid from `start`; a short last
        piece counts as a frame padded with silence."""
        begins = np.arange(start, end, self._frame)
        ends = np.minimum(begins + self._frame, end)
        # Differences of running sums can dip a hair below zero where the audio is silent.
        sums: NDArray[np.float64] = np.maximum(self._energy[ends] - self._energy[begins], 0.0)
        return np.sqrt(sums / self._frame)

    def _loudest(self, start: int, end: int) -> float:
        """RMS of the loudest frame of samples[start:end] (`_frame_rms`)."""
        return float(self._frame_rms(start, end).max())

    def after(self, end_s: float) -> bool:
        """True when the audio from `end_s` + `MARGIN_S` on is negligible or quiet: its
        loudest 20 ms frame is at least `QUIET_BELOW_PEAK_DB` below the loudest frame before
        it."""
        total = len(self._energy) - 1
        cut = min(total, max(0, round((end_s + MARGIN_S) * self._rate)))
        if total - cut < _NEGLIGIBLE_S * self._rate:
            return True
        if cut == 0:
            return False
        peak = self._loudest(0, cut)
        loudest_tail = self._loudest(cut, total)
        if peak <= 0.0:
            return loudest_tail <= 0.0
        return bool(loudest_tail <= peak * _QUIET_RATIO)

    def voiced_s(self, start_s: float, end_s: float) -> float:
        """Seconds between `start_s` and `end_s` in 20 ms frames that are not quiet: less than
        `QUIET_BELOW_PEAK_DB` below the loudest frame of the whole audio."""
        total = len(self._energy) - 1
        start = min(total, max(0, round(start_s * self._rate)))
        end = min(total, max(start, round(end_s * self._rate)))
        whole = (end - start) // self._frame  # whole frames only
        if not whole:
            return 0.0
        loud = self._frame_rms(start, start + whole * self._frame) > (
            self._loudest(0, total) * _QUIET_RATIO
        )
        return float(np.count_nonzero(loud)) * FRAME_S

    def untranscribed_from(self, words: Sequence[tuple[float, float]]) -> float | None:
        """Where speech that `words` (their start and end, in order) leave out at their end
        begins: the start of the first word that ends with them (within `MARGIN_S` of the last
        word's end) and over which the audio stays voiced longer than `MAX_WORD_VOICED_S`.
        None when there is no such word. A long word earlier on is left alone: re-decoding
        everything after it costs a call, and what it hides is no decoder closing early."""
        if not words:
            return None
        last_end = words[-1][1]
        for start, end in words:
            if end >= last_end - MARGIN_S and self.voiced_s(start, end) > MAX_WORD_VOICED_S:
                return start
        return None


def window_frames(audio_s: float, pad_s: float) -> int:
    """Frames the encoder should see for `audio_s` of audio: the audio and `pad_s` after it,
    in whole seconds, never more than the full window."""
    wanted = int(np.ceil(max(0.0, audio_s) + pad_s)) * FRAMES_PER_S
    return min(FULL_WINDOW_FRAMES, wanted)


def content_frames(features: NDArray[np.float32]) -> int:
    """Frames of one window's log-mel features (`(mels, frames)`, or with a leading batch
    axis of one) up to its last frame that is not all zeros: the audio it holds, without the
    zeros faster-whisper pads a window with. A frame of the audio itself is never all zeros
    (a log-mel value is zero only at one loudness, never in every band at once)."""
    spoken = np.flatnonzero(np.any(features.reshape(-1, features.shape[-1]) != 0, axis=0))
    return int(spoken[-1]) + 1 if spoken.size else 0


def fitted_window(features: NDArray[np.float32], pad_s: float) -> NDArray[np.float32]:
    """One window as the encoder should see it: the audio it holds (`content_frames`), then
    `pad_s` of the log-mel of digital silence (`window_frames` long in all), never longer
    than the window it was given. The silence's level is taken from the window's loudest
    frame, which is exact when the window holds the call's loudest (one-window calls)."""
    spoken = content_frames(features)
    frames = min(features.shape[-1], window_frames(spoken / FRAMES_PER_S, pad_s))
    window = np.array(features[..., :frames], dtype=np.float32)  # a contiguous copy
    if 0 < spoken < frames:
        window[..., spoken:] = window[..., :spoken].max() - SILENCE_BELOW_LOUDEST
    return window
