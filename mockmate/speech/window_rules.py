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
stops reading the segments once `quiet_after` says only quiet follows the last word. Quiet
is relative to the speech itself, so a microphone's steady noise floor counts as quiet and
anything with a burst in it does not: then the next window is decoded as before.

Figures and commands: docs/voice.md, bench/whisper_tail.py.
"""

import numpy as np
from numpy.typing import NDArray

__all__ = ["FRAME_S", "MARGIN_S", "MIN_PAD_S", "QUIET_BELOW_PEAK_DB", "quiet_after",
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


def _frame_levels(samples: NDArray[np.float32], frame: int) -> NDArray[np.float64]:
    """RMS per whole frame (a short last piece counts as a frame too), in amplitude."""
    count = -(-len(samples) // frame)
    padded = np.zeros(count * frame, dtype=np.float64)
    padded[: len(samples)] = samples
    frames = padded.reshape(count, frame)
    levels: NDArray[np.float64] = np.sqrt(np.mean(frames * frames, axis=1))
    return levels


def quiet_after(samples: NDArray[np.float32], end_s: float, sample_rate: int) -> bool:
    """True when the audio from `end_s` + `MARGIN_S` on is negligible or quiet: its loudest
    20 ms frame is at least `QUIET_BELOW_PEAK_DB` below the loudest frame before it."""
    cut = max(0, round((end_s + MARGIN_S) * sample_rate))
    tail = samples[cut:]
    if len(tail) < _NEGLIGIBLE_S * sample_rate:
        return True
    heard = samples[:cut]
    if not len(heard):
        return False
    frame = max(1, int(FRAME_S * sample_rate))
    peak = float(_frame_levels(heard, frame).max())
    loudest_tail = float(_frame_levels(tail, frame).max())
    if peak <= 0.0:
        return loudest_tail <= 0.0
    return bool(loudest_tail <= peak * 10.0 ** (-QUIET_BELOW_PEAK_DB / 20.0))


def window_frames(audio_s: float, pad_s: float) -> int:
    """Frames the encoder should see for `audio_s` of audio: the audio and `pad_s` after it,
    in whole seconds, never more than the full window."""
    wanted = int(np.ceil(max(0.0, audio_s) + pad_s)) * FRAMES_PER_S
    return min(FULL_WINDOW_FRAMES, wanted)
