"""How an answer was spoken — pace, filler words, pauses — measured from its audio and text.

Interview coaching cares about delivery as much as content, and these numbers feed the
contract's `answer:transcript.delivery`. Everything here is pure computation on PCM and a
transcript (no I/O, no engine), so it is cheap, deterministic and testable.

Voice activity is judged from the energy of 30 ms frames in dBFS, relative to the loudness of
the speech itself and to the recording's noise floor, so overall gain and a steady background
hiss do not change the result.
"""

import itertools
import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from mockmate.evaluators.models import Delivery
from mockmate.speech.base import PcmAudio

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


def analyse_delivery(text: str, pcm: PcmAudio) -> Delivery:
    """Delivery of one spoken answer: `text` is its transcript, `pcm` its audio.

    Words per minute are counted over speaking time (see `speaking_time_s`), falling back to
    the whole duration when no speech is detected; pauses are silent gaps of 1.5 s or more.
    """
    segments = _speech_segments(pcm)
    words = count_words(text)
    speaking = _speaking_time(segments) or (pcm.duration_s if pcm.sample_rate > 0 else 0.0)
    wpm = round(words * 60.0 / speaking, 1) if words and speaking > 0 else 0.0
    pauses = _gaps(segments, MIN_PAUSE_S)
    longest = max((end - start for start, end in pauses), default=0.0)
    return Delivery(
        words_per_minute=wpm,
        filler_words=count_fillers(text),
        pause_count=len(pauses),
        longest_pause_s=round(longest, 1),
    )


def pace_flag(wpm: float) -> PaceFlag:
    """Under 110 wpm is slow, over 170 fast, 130-160 good, anything else ok."""
    if wpm < 110:
        return "slow"
    if wpm > 170:
        return "fast"
    if 130 <= wpm <= 160:
        return "good"
    return "ok"


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
    db = _frame_db(pcm)
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


# --- words and fillers ------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*|[^\w\s]")
_CLAUSE_MARKS = frozenset({",", ";", ":", "-", "(", ")", '"', "\u2013", "\u2014", "\u2026"})
_SINGLE = (
    (re.compile(r"u+h*m+"), "um"),
    (re.compile(r"u+h+"), "uh"),
    (re.compile(r"e+r+m+"), "erm"),
    (re.compile(r"h+m+"), "hmm"),
)
_ALWAYS = frozenset({"basically", "actually", "literally"})
_PRONOUNS = _words("i you we they he she it")
_SUBJECTS = _words("i you we they he she i'm we're they're you're i've we've there")
_LITERAL_YOU_KNOW_BEFORE = _words(
    "do did does don't didn't doesn't if as whether would could will can should might may "
    "what how who than"
)
_KNOW_OBJECTS = _words(
    "how what that about why where when who whether if it him her them me us this these those "
    "the a an my your his their our everything nothing something anything someone anyone"
)
_LITERAL_I_MEAN_BEFORE = _words("what that if which")
_I_MEAN_OBJECTS = _words("it to that what this the a an by")
_KIND_FILLER_BEFORE = _PRONOUNS | _words(
    "it's that's i'm we're they're you're he's she's was is are were be been am just really "
    "also still all and but so or then actually basically like um uh"
)
_LIKE_LITERAL_BEFORE = _PRONOUNS - {"it"} | _words(
    "i'd we'd you'd they'd he'd she'd who people would wouldn't do don't does doesn't did "
    "didn't to really also might may will won't i'll we'll they'll can could should must not "
    "never always truly definitely especially look looks looked looking feel feels felt "
    "feeling sound sounds sounded seem seems seemed smell smells taste tastes act acts acted "
    "behave behaves behaved something anything nothing everything just exactly much more less "
    "very lot things stuff ones someone somebody anyone anybody nobody"
)
_DETERMINERS = _words(
    "a an the this that these those my your his her its our their me us him them it to"
)
_BE = _words("is was were are am be been it's that's i'm we're they're you're he's she's")
_HEDGES = _words(
    "really totally super very so just literally basically actually honestly um uh umm erm hmm "
    "kind sort maybe probably almost about around over completely half zero one two three four "
    "five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty hundred "
    "thousand"
)
_REPORTING = _words("said mentioned say told explained noted discussed")


@dataclass(frozen=True)
class _Tok:
    low: str
    raw: str
    word: bool


def _tokens(text: str) -> list[_Tok]:
    text = text.replace("\u2019", "'")
    return [
        _Tok(m.group().lower(), m.group(), m.group()[0].isalnum()) for m in _TOKEN.finditer(text)
    ]


def count_words(text: str) -> int:
    """Number of words in `text` (fillers included: they take speaking time too)."""
    return sum(1 for tok in _tokens(text) if tok.word)


def count_fillers(text: str) -> dict[str, int]:
    """Filler words and phrases in `text`, lower-case keys, only those that occur.

    Counts um/uh/erm/hmm (stretched spellings like "umm", "uhh", "hmmm" folded in), "you
    know", "i mean", "kind of", "sort of", basically, actually, literally, and "like" only
    where it is a filler ("it was, like, huge", "and like we") rather than a verb or
    comparison ("I would like to", "looks like", "something like that", "like a charm").
    """
    toks = _tokens(text)
    counts: dict[str, int] = {}

    def at(i: int) -> _Tok | None:
        return toks[i] if 0 <= i < len(toks) else None

    def word(i: int) -> str | None:
        tok = at(i)
        return tok.low if tok is not None and tok.word else None

    for i, tok in enumerate(toks):
        if not tok.word:
            continue
        found = next((name for rx, name in _SINGLE if rx.fullmatch(tok.low)), None)
        if found == "uh" and at(i + 1) is not None and word(i + 2) == "huh":
            found = None  # "uh-huh" is agreement
        if found is None and tok.low in _ALWAYS:
            found = tok.low
        pair = (tok.low, word(i + 1))
        if pair == ("you", "know") and _is_filler_you_know(word(i - 1), at(i + 2)):
            found = "you know"
        elif pair == ("i", "mean") and _is_filler_i_mean(word(i - 1), at(i + 2)):
            found = "i mean"
        elif pair[1] == "of" and tok.low in ("kind", "sort"):
            if word(i - 1) is None or word(i - 1) in _KIND_FILLER_BEFORE:
                found = f"{tok.low} of"
        elif tok.low == "like" and _is_filler_like(at(i - 1), at(i + 1), at(i + 2)):
            found = "like"
        if found is not None:
            counts[found] = counts.get(found, 0) + 1
    return counts


def _is_filler_you_know(before: str | None, after: _Tok | None) -> bool:
    if before in _LITERAL_YOU_KNOW_BEFORE:
        return False
    return after is None or not after.word or after.low not in _KNOW_OBJECTS


def _is_filler_i_mean(before: str | None, after: _Tok | None) -> bool:
    if before in _LITERAL_I_MEAN_BEFORE:
        return False
    return after is None or not after.word or after.low not in _I_MEAN_OBJECTS


def _is_filler_like(prev: _Tok | None, nxt: _Tok | None, after: _Tok | None) -> bool:
    """Whether the "like" between `prev` and `nxt` (then `after`) is a filler."""
    prev_word = prev.low if prev is not None and prev.word else None
    if nxt is None or not nxt.word:
        if nxt is None or nxt.low not in _CLAUSE_MARKS:
            return False  # "...something I like." ends a sentence
        # "like," — a filler unless it closes a verb or comparison ("things I like, and")
        return prev_word is None or prev_word not in _LIKE_LITERAL_BEFORE
    if prev_word in _LIKE_LITERAL_BEFORE or nxt.low == "to":
        return False
    if nxt.raw[0].isupper() and nxt.low not in _SUBJECTS:
        return False  # "tools like Docker"
    if nxt.low in _SUBJECTS:
        after_word = after.low if after is not None and after.word else None
        return after_word not in _REPORTING  # "and like we did" but not "like I said"
    if nxt.low in _HEDGES or nxt.low.isdigit():
        return True  # "like really nervous", "like 5 minutes"
    if prev_word in _BE:
        # "it was like huge", but "it's like a puzzle", "it's like riding a bike"
        return nxt.low not in _DETERMINERS and not nxt.low.endswith("ing")
    return False
