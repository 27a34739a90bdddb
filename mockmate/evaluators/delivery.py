"""How an answer was spoken — pace, filler words, pauses, loudness, pitch — measured from its
audio, its text and (when the engine gives them) its word timings.

Interview coaching cares about delivery as much as content, and these numbers feed the
contract's `answer:transcript.delivery`. Everything here is pure computation on PCM and a
transcript (no I/O, no engine), so it is cheap, deterministic and testable.

Voice activity is judged from the energy of 30 ms frames in dBFS, relative to the loudness of
the speech itself and to the recording's noise floor, so overall gain and a steady background
hiss do not change the result.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from mockmate.evaluators.fillers import count_fillers, count_words, find_fillers
from mockmate.evaluators.models import Delivery
from mockmate.evaluators.voice_features import VoiceFeatures, voice_features
from mockmate.evaluators.word_timing import (
    PACE_GOOD,
    findings,
    pace_segments,
    pauses_between,
    runs_between_pauses,
    timed_fillers,
)
from mockmate.speech.base import PcmAudio, Word

__all__ = [
    "MIN_PAUSE_S",
    "AudioMeasures",
    "analyse_delivery",
    "count_fillers",
    "count_words",
    "find_fillers",
    "find_pauses",
    "measure_audio",
    "pace_flag",
    "speaking_time_s",
]

FRAME_S = 0.03
MIN_PAUSE_S = 1.5  # a gap this long counts as a pause
SPEAKING_GAP_S = 0.5  # gaps this long are not speaking time
_MIN_DB = -100.0  # energy of digital silence
# Two thresholds (hysteresis): speech starts with a frame above the upper one, and extends to
# neighbours above the lower one, so soft word endings stay speech. Each is the higher of a
# level under the speech loudness and a margin over the noise floor.
_UPPER = (35.0, 10.0)  # (dB under the speech level, dB over the noise floor)
_LOWER = (45.0, 4.0)
_BRIDGE_FRAMES = 3  # dips up to 90 ms inside speech are still speech
_MIN_SPEECH_FRAMES = 3  # blips under 90 ms are not speech

PaceFlag = Literal["slow", "good", "fast", "ok"]


@dataclass(frozen=True)
class AudioMeasures:
    """What delivery reads from the audio alone: its stretches of speech and the voice's
    features. Nearly all of delivery's CPU (~75 ms for a 2-minute answer, the transcript's
    part ~3 ms), and it needs no transcript, so it can be measured while one is made."""

    segments: list[tuple[float, float]]
    features: VoiceFeatures


def measure_audio(pcm: PcmAudio) -> AudioMeasures:
    """The audio's part of `analyse_delivery`."""
    db = _frame_db(pcm) if pcm.sample_rate > 0 else np.zeros(0)
    segments = _segments_from_db(db)
    return AudioMeasures(segments, voice_features(pcm, segments, db, FRAME_S))


def analyse_delivery(
    text: str, pcm: PcmAudio, words: Sequence[Word] = (), *, pause_s: float = MIN_PAUSE_S,
    measured: AudioMeasures | None = None,
) -> Delivery:
    """Delivery of one spoken answer: `text` is its transcript, `pcm` its audio, `words` the
    transcript's words with their times (empty when the engine gives none).

    Words per minute are counted over speaking time (see `speaking_time_s`), falling back to
    the whole duration when no speech is detected; pauses are silent gaps of `pause_s` or
    more between stretches of speech. With word timings each pause knows the word before it,
    each filler its moment, and the pace is given per stretch (`word_timing`). `measured`:
    `measure_audio(pcm)`, when it was taken already.
    """
    if measured is None:
        measured = measure_audio(pcm)
    segments, features = measured.segments, measured.features
    count = count_words(text)
    speaking = _speaking_time(segments) or _words_speaking_time(words)
    if not speaking and pcm.sample_rate > 0:
        speaking = pcm.duration_s
    wpm = round(count * 60.0 / speaking, 1) if count and speaking > 0 else 0.0
    runs = runs_between_pauses(segments, words, pause_s)
    pauses = pauses_between(runs, words)
    fillers = timed_fillers(words)
    filler_counts = count_fillers(text)
    filler_total = sum(filler_counts.values())
    paced = pace_segments(runs, words)
    return Delivery(
        words_per_minute=wpm,
        filler_words=filler_counts,
        pause_count=len(pauses),
        longest_pause_s=round(max((p.length_s for p in pauses), default=0.0), 1),
        talk_time_s=round(speaking, 2),
        filler_rate_pct=round(100.0 * filler_total / count, 1) if count else 0.0,
        pauses=pauses,
        fillers=fillers,
        pace_segments=paced,
        loudness_dbfs=features.loudness_dbfs,
        loudness_variation_db=features.loudness_variation_db,
        pitch_median_hz=features.pitch_median_hz,
        pitch_range_semitones=features.pitch_range_semitones,
        monotone=features.monotone,
        findings=findings(
            segments=paced, fillers=fillers, words=count, pauses=pauses,
            monotone=features.monotone, pitch_range=features.pitch_range_semitones,
        ),
    )


def pace_flag(wpm: float) -> PaceFlag:
    """Judged against 130-175 words a minute: under is slow, over is fast, within is good
    ("ok" is no longer given; answers stored before may still carry it)."""
    if wpm < PACE_GOOD[0]:
        return "slow"
    if wpm > PACE_GOOD[1]:
        return "fast"
    return "good"


def _words_speaking_time(words: Sequence[Word]) -> float:
    """Speaking time from word timings alone (no speech found in the audio's levels)."""
    spans = runs_between_pauses([], words, SPEAKING_GAP_S)
    return sum(end - start for start, end in spans)


# --- pauses -----------------------------------------------------------------------------------


def find_pauses(pcm: PcmAudio, *, min_pause_s: float = MIN_PAUSE_S) -> list[tuple[float, float]]:
    """(start_s, end_s) of each silent gap of at least `min_pause_s` between stretches of
    speech; silence before the first and after the last speech is not a pause."""
    return _gaps(_speech_segments(pcm), min_pause_s)


def speaking_time_s(pcm: PcmAudio) -> float:
    """Seconds spent speaking: from the first speech to the last, minus every silent gap of
    0.5 s or more (shorter gaps, between words or for breath, count as speaking)."""
    return _speaking_time(_speech_segments(pcm))


def _speaking_time(segments: list[tuple[float, float]]) -> float:
    if not segments:
        return 0.0
    span = segments[-1][1] - segments[0][0]
    return round(span - sum(end - start for start, end in _gaps(segments, SPEAKING_GAP_S)), 3)


def _gaps(segments: list[tuple[float, float]], min_s: float) -> list[tuple[float, float]]:
    gaps = [(a[1], b[0]) for a, b in itertools.pairwise(segments)]
    return [(round(s, 3), round(e, 3)) for s, e in gaps if e - s >= min_s - 1e-9]


def _frame_db(pcm: PcmAudio) -> npt.NDArray[np.float64]:
    """Energy (dBFS) of each whole 30 ms frame."""
    size = max(1, round(FRAME_S * pcm.sample_rate))
    samples = np.frombuffer(pcm.data[: len(pcm.data) // 2 * 2], dtype="<i2")
    count = samples.size // size
    if count == 0:
        return np.zeros(0)
    frames = samples[: count * size].reshape(count, size).astype(np.float32) / 32768.0
    rms = np.sqrt(np.einsum("ij,ij->i", frames, frames, dtype=np.float64) / size)
    db: npt.NDArray[np.float64] = np.maximum(20.0 * np.log10(np.maximum(rms, 1e-12)), _MIN_DB)
    return db


def _speech_segments(pcm: PcmAudio) -> list[tuple[float, float]]:
    """(start_s, end_s) of each stretch of speech, in order."""
    if pcm.sample_rate <= 0:
        return []
    return _segments_from_db(_frame_db(pcm))


def _segments_from_db(db: npt.NDArray[np.float64]) -> list[tuple[float, float]]:
    if db.size == 0:
        return []
    floor = float(np.percentile(db, 5))
    above_floor = db[db > floor + 6.0]
    if above_floor.size == 0:
        return []  # a constant signal: nothing stands out as speech
    level = float(np.percentile(above_floor, 95))
    if level < -70.0:
        return []  # only faint noise
    upper = min(max(level - _UPPER[0], floor + _UPPER[1]), level - 15.0)
    lower = min(max(level - _LOWER[0], floor + _LOWER[1]), upper)
    loud = db > upper
    runs = [(a, b) for a, b in _runs(db > lower) if loud[a:b].any()]
    runs = _merge_close(runs, _BRIDGE_FRAMES)
    runs = [(a, b) for a, b in runs if b - a >= _MIN_SPEECH_FRAMES]
    return [(a * FRAME_S, b * FRAME_S) for a, b in runs]


def _runs(mask: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """[start, end) frame indices of each run of True."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]


def _merge_close(runs: list[tuple[int, int]], max_gap: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in runs:
        if merged and start - merged[-1][1] <= max_gap:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
