"""The pure rules of how much audio one Whisper call works on, so short stretches of an answer
cost what they hold, not a whole 30 s window.

**Fitted windows.** faster-whisper pads every call's features to 3,000 frames (30 s),
whatever the audio's length, and the encoder's cost follows the frames: a 6 s stretch of an
answer paid for 30 s. CTranslate2's encoder takes any length up to that (whisper.cpp calls
the same trick its audio context; `speech.fitted_whisper` applies it). Measured on the
accuracy test's twelve answers, Piper and espeak-ng, cut into pieces of at most 12 s: 10 s of
padding after the audio halved the CPU of a call and left the word error rate where it was;
2 s of padding made espeak-ng's answers hallucinate, so the padding has a floor.

**A quiet tail.** With word timestamps, faster-whisper starts its next window at the last
word's end unless the window closed on a lone timestamp. For audio shorter than a window
that happens on about half the calls, and the leftover, often a fraction of a second of
silence, is padded and encoded again: a third of the call's CPU for no words. The engine
stops reading the segments once `QuietTail` says only quiet follows the last word. Quiet
is relative to the speech itself, so a microphone's steady noise floor counts as quiet and
anything with a burst in it does not: then the next window is decoded as before.

Figures and commands: docs/voice.md, bench/whisper_tail.py.
"""

import numpy as np
from numpy.typing import NDArray

__all__ = ["FRAME_S", "MARGIN_S", "MIN_PAD_S", "QUIET_BELOW_PEAK_DB", "QuietTail",
           "window_frames"]

FRAMES_PER_S = 100  # Whisper's log-mel hop: 10 ms
FULL_WINDOW_FRAMES = 30 * FRAMES_PER_S
MIN_PAD_S = 3.0  # 2 s was measured to hallucinate on espeak-ng's voice

FRAME_S = 0.02
# Whisper's word ends are often early by a syllable's fade: the tail is judged from here on.
MARGIN_S = 0.3
# A tail whose loudest 20 ms is this far below the speech's loudest is quiet.
QUIET_BELOW_PEAK_DB = 30.0
# Shorter leftovers than this are not worth a window whatever they hold.
_NEGLIGIBLE_S = 0.1


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

    def _loudest(self, start: int, end: int) -> float:
        """RMS of the loudest frame of samples[start:end], frames laid from `start`; a
        short last piece counts as a frame padded with silence."""
        begins = np.arange(start, end, self._frame)
        ends = np.minimum(begins + self._frame, end)
        # Differences of running sums can dip a hair below zero where the audio is silent.
        sums = np.maximum(self._energy[ends] - self._energy[begins], 0.0)
        return float(np.sqrt(sums.max() / self._frame))

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
        return bool(loudest_tail <= peak * 10.0 ** (-QUIET_BELOW_PEAK_DB / 20.0))


def window_frames(audio_s: float, pad_s: float) -> int:
    """Frames the encoder should see for `audio_s` of audio: the audio and `pad_s` after it,
    in whole seconds, never more than the full window."""
    wanted = int(np.ceil(max(0.0, audio_s) + pad_s)) * FRAMES_PER_S
    return min(FULL_WINDOW_FRAMES, wanted)
