"""Delivery from word timings and the audio: pauses with their place, fillers with their
moment, pace per stretch, findings that name the moment, loudness and pitch range."""

import numpy as np
import pytest

from mockmate.evaluators.delivery import analyse_delivery
from mockmate.evaluators.voice_features import MONOTONE_SEMITONES
from mockmate.evaluators.word_timing import mmss
from mockmate.speech.base import PcmAudio, Word
from tests.support.audio import resample, speak

RATE = 16000


def piper(text: str) -> np.ndarray:
    return resample(speak(text), 22050, RATE)


def timed(text: str, start_s: float, end_s: float) -> list[Word]:
    """`text`'s words spread evenly over [start_s, end_s], as an engine would time them."""
    tokens = text.split()
    step = (end_s - start_s) / len(tokens)
    return [Word(t, round(start_s + i * step, 3), round(start_s + (i + 1) * step - 0.02, 3))
            for i, t in enumerate(tokens)]


@pytest.fixture(scope="module")
def answer() -> tuple[PcmAudio, list[Word], str]:
    """Two sentences with a 2.5 s silence between them, and a filler-heavy first one."""
    first = "Um, so we had, like, a slow queue, and, uh, I moved it."
    second = "Latency went from two seconds to two hundred milliseconds."
    a, b = piper(first), piper(second)
    lead = np.zeros(int(0.4 * RATE), np.int16)
    gap = np.zeros(int(2.5 * RATE), np.int16)
    samples = np.concatenate([lead, a, gap, b, lead])
    t1 = 0.4 + a.size / RATE
    t2 = t1 + 2.5
    words = timed(first, 0.4, t1) + timed(second, t2, t2 + b.size / RATE)
    return PcmAudio(samples.tobytes(), RATE), words, f"{first} {second}"


def test_pauses_have_their_position_and_the_word_before(answer: tuple) -> None:
    pcm, words, text = answer
    report = analyse_delivery(text, pcm, words, pause_s=1.5)
    (pause,) = report.pauses
    first_end = words[12].end_s
    assert pause.at_s == pytest.approx(first_end, abs=0.15)
    assert pause.length_s == pytest.approx(2.5, abs=0.15)
    assert pause.after == "it."
    assert report.pause_count == 1 and report.longest_pause_s == pytest.approx(2.5, abs=0.15)
    # A longer threshold: no pause at all.
    assert analyse_delivery(text, pcm, words, pause_s=3.0).pauses == []


def test_fillers_are_placed_on_the_time_line_and_counted_as_a_rate(answer: tuple) -> None:
    pcm, words, text = answer
    report = analyse_delivery(text, pcm, words)
    assert [(f.word, f.at_s) for f in report.fillers] == [
        (name, round(words[i].start_s, 2)) for name, i in (("um", 0), ("like", 4), ("uh", 9))]
    assert report.filler_words == {"um": 1, "like": 1, "uh": 1}
    assert report.filler_rate_pct == pytest.approx(100 * 3 / 22, abs=0.1)
    (remark,) = [f for f in report.findings if f.kind == "fillers"]
    assert remark.at_s == words[0].start_s
    assert '"um" at 0:00' in remark.message and "13.6 %" in remark.message


def test_pace_per_stretch_and_talk_time(answer: tuple) -> None:
    pcm, words, text = answer
    report = analyse_delivery(text, pcm, words)
    first, second = report.pace_segments
    assert (first.words, second.words) == (13, 9)
    assert first.end_s < second.start_s
    assert second.start_s - first.end_s == pytest.approx(2.5, abs=0.15)
    speech_s = (pcm.duration_s - 0.8 - 2.5)
    assert report.talk_time_s == pytest.approx(speech_s, abs=0.6)
    for seg in report.pace_segments:
        assert seg.words_per_minute == pytest.approx(
            seg.words * 60 / (seg.end_s - seg.start_s), rel=0.01)


def test_findings_name_the_moment_of_a_fast_stretch_and_a_long_pause() -> None:
    fast = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    rate = 16000
    burst = (np.sin(np.arange(int(3.0 * rate)) * 2 * np.pi * 150 / rate) * 8000).astype(np.int16)
    silence = np.zeros(int(4.0 * rate), np.int16)
    pcm = PcmAudio(np.concatenate([burst, silence, burst]).tobytes(), rate)
    words = timed(fast, 0.0, 3.0) + timed("and then we shipped it to every customer", 7.0, 10.0)
    report = analyse_delivery(f"{fast} and then we shipped it to every customer", pcm, words)
    kinds = {f.kind: f for f in report.findings}
    assert kinds["pace_fast"].at_s == 0.0 and "from 0:00 to 0:03" in kinds["pace_fast"].message
    assert kinds["pause"].at_s == pytest.approx(3.0, abs=0.1)
    assert 'at 0:03, after "fourteen"' in kinds["pause"].message
    # A pure tone does not move: monotone, and said so.
    assert report.monotone is True and kinds["monotone"].at_s is None


def test_loudness_follows_the_gain_and_pitch_moves_in_real_speech(answer: tuple) -> None:
    pcm, words, text = answer
    loud = analyse_delivery(text, pcm, words)
    samples = np.frombuffer(pcm.data, np.int16)
    quieter = PcmAudio((samples // 2).astype(np.int16).tobytes(), RATE)
    soft = analyse_delivery(text, quieter, words)
    assert loud.loudness_dbfs is not None and soft.loudness_dbfs is not None
    assert loud.loudness_dbfs - soft.loudness_dbfs == pytest.approx(6.0, abs=0.3)
    assert soft.loudness_variation_db == pytest.approx(loud.loudness_variation_db, abs=0.3)
    assert loud.pitch_median_hz is not None and 70 < loud.pitch_median_hz < 250
    assert loud.pitch_range_semitones is not None
    assert loud.pitch_range_semitones > MONOTONE_SEMITONES and loud.monotone is False


def test_without_word_timings_the_contract_fields_still_come_from_the_audio(answer: tuple) -> None:
    pcm, _, text = answer
    report = analyse_delivery(text, pcm)
    assert report.pause_count == 1 and report.pauses[0].after is None
    assert report.fillers == [] and report.filler_words == {"um": 1, "like": 1, "uh": 1}
    assert report.words_per_minute > 0


def test_silence_gives_no_features() -> None:
    report = analyse_delivery("", PcmAudio(bytes(32000), RATE))
    assert report.loudness_dbfs is None and report.pitch_range_semitones is None
    assert report.monotone is None and report.findings == [] and report.pauses == []


@pytest.mark.parametrize(("s", "text"), [(0, "0:00"), (59.9, "0:59"), (61, "1:01"),
                                         (600, "10:00")])
def test_moments_are_minutes_and_seconds(s: float, text: str) -> None:
    assert mmss(s) == text
