"""Observable features of a voice, measured from the audio: how loud, how much the loudness
varies, and how much the pitch moves (a flat pitch is flagged as monotone).

Only what can be measured is reported; no emotion or confidence is guessed from it. Pure numpy
on 16-bit PCM and the speech stretches that `delivery` found, so it is cheap and testable.

Pitch is estimated per 40 ms frame inside speech by normalised autocorrelation (computed with
an FFT), keeping frames whose best lag between 70 and 400 Hz correlates at least 0.5 with the
frame (voiced sounds). The range is taken between the 10th and 90th percentiles, in semitones,
so that octave slips of a few frames do not stretch it.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mockmate.speech.base import PcmAudio

PITCH_FRAME_S = 0.04
PITCH_MIN_HZ = 70.0
PITCH_MAX_HZ = 400.0
VOICED_CORRELATION = 0.5
MIN_VOICED_FRAMES = 20  # fewer voiced frames: no pitch figures
MONOTONE_SEMITONES = 3.0  # a 10th-90th percentile range narrower than this is monotone


@dataclass(frozen=True)
class VoiceFeatures:
    loudness_dbfs: float | None
    loudness_variation_db: float | None
    pitch_median_hz: float | None
    pitch_range_semitones: float | None

    @property
    def monotone(self) -> bool | None:
        if self.pitch_range_semitones is None:
            return None
        return self.pitch_range_semitones < MONOTONE_SEMITONES


def voice_features(
    pcm: PcmAudio, speech: list[tuple[float, float]], frame_db: npt.NDArray[np.float64],
    frame_s: float,
) -> VoiceFeatures:
    """Features of the speech in `pcm`; `speech` holds its (start_s, end_s) stretches and
    `frame_db` the level of each `frame_s` frame."""
    loud, spread = _loudness(speech, frame_db, frame_s)
    median, semitones = _pitch(pcm, speech)
    return VoiceFeatures(loud, spread, median, semitones)


def _loudness(
    speech: list[tuple[float, float]], frame_db: npt.NDArray[np.float64], frame_s: float
) -> tuple[float | None, float | None]:
    picked = [frame_db[round(a / frame_s):round(b / frame_s)] for a, b in speech]
    levels = np.concatenate(picked) if picked else np.zeros(0)
    if levels.size == 0:
        return None, None
    power = float(np.mean(10.0 ** (levels / 10.0)))
    return round(10.0 * np.log10(max(power, 1e-12)), 1), round(float(np.std(levels)), 1)


def _pitch(pcm: PcmAudio, speech: list[tuple[float, float]]) -> tuple[float | None, float | None]:
    rate = pcm.sample_rate
    size = round(PITCH_FRAME_S * rate)
    if rate <= 0 or size < 8:
        return None, None
    samples = np.frombuffer(pcm.data[: len(pcm.data) // 2 * 2], dtype="<i2")
    frames: list[npt.NDArray[np.int16]] = []
    for start_s, end_s in speech:
        part = samples[round(start_s * rate):round(end_s * rate)]
        count = part.size // size
        if count:
            frames.extend(part[: count * size].reshape(count, size))
    if len(frames) < MIN_VOICED_FRAMES:
        return None, None
    block = np.asarray(frames, dtype=np.float64)
    block -= block.mean(axis=1, keepdims=True)
    n_fft = 1 << (2 * size - 1).bit_length()
    spectrum = np.fft.rfft(block, n_fft, axis=1)
    corr = np.fft.irfft(spectrum * np.conj(spectrum), n_fft, axis=1)[:, :size]
    energy = corr[:, 0]
    lo, hi = int(rate / PITCH_MAX_HZ), min(size - 2, int(rate / PITCH_MIN_HZ))
    window = corr[:, lo:hi + 1]
    lags = np.argmax(window, axis=1) + lo
    rows = np.arange(len(lags))
    peak = corr[rows, lags] / np.maximum(energy, 1e-9)
    voiced = (peak >= VOICED_CORRELATION) & (energy > 0)
    if int(voiced.sum()) < MIN_VOICED_FRAMES:
        return None, None
    # Parabolic interpolation around the peak lag for a sub-sample pitch period.
    lag = lags[voiced].astype(np.float64)
    left = corr[rows[voiced], lags[voiced] - 1]
    mid = corr[rows[voiced], lags[voiced]]
    right = corr[rows[voiced], np.minimum(lags[voiced] + 1, size - 1)]
    denominator = left - 2 * mid + right
    shift = np.where(np.abs(denominator) > 1e-9, 0.5 * (left - right) / denominator, 0.0)
    f0 = rate / (lag + np.clip(shift, -0.5, 0.5))
    low, median, high = np.percentile(f0, [10, 50, 90])
    return round(float(median), 1), round(float(12.0 * np.log2(high / low)), 1)
