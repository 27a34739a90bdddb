"""Delivery moment by moment: where the pauses fell, when each filler was said, how the pace
moved through the answer, and findings that name those moments.

The speech engine's word timestamps say which words were said when; the audio's own speech
stretches (from `delivery`) say exactly where the silences are, since a recogniser often
stretches the word before a silence into it. Words are placed in the stretches, so each pause
knows the word it followed and each stretch its pace. Pure functions, no I/O.
"""

import itertools
from collections.abc import Sequence

from mockmate.evaluators.fillers import count_words, find_fillers
from mockmate.evaluators.models import DeliveryFinding, PaceSegment, Pause, TimedFiller
from mockmate.speech.base import Word

PACE_GOOD = (130.0, 175.0)  # words a minute judged comfortable
FILLER_RATE_LIMIT_PCT = 4.0  # fillers above this share of the words are worth a remark
SEGMENT_S = 15.0  # a stretch of speech longer than this is cut into pieces of about this
MIN_SEGMENT_WORDS = 8  # pace is judged only over this many words or more
REMARKABLE_PAUSE_S = 3.0  # pauses this long are named in the findings
MAX_MOMENTS = 3  # moments named per finding


def mmss(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def runs_between_pauses(
    speech: Sequence[tuple[float, float]], words: Sequence[Word], pause_s: float
) -> list[tuple[float, float]]:
    """Stretches of speech separated by pauses of at least `pause_s`: from the audio's speech
    stretches when it has any, else from the word timings."""
    spans = list(speech) or [(w.start_s, w.end_s) for w in words]
    runs: list[tuple[float, float]] = []
    for start, end in spans:
        if runs and start - runs[-1][1] < pause_s - 1e-9:
            runs[-1] = (runs[-1][0], max(runs[-1][1], end))
        else:
            runs.append((start, end))
    return runs


def pauses_between(runs: Sequence[tuple[float, float]], words: Sequence[Word]) -> list[Pause]:
    pauses: list[Pause] = []
    for (_, end), (start, _) in itertools.pairwise(runs):
        before = [w for w in words if (w.start_s + w.end_s) / 2 <= end + 0.05]
        pauses.append(Pause(at_s=round(end, 2), length_s=round(start - end, 2),
                            after=before[-1].text if before else None))
    return pauses


def word_tokens(words: Sequence[Word]) -> list[int]:
    """For each word token of the joined transcript (as `delivery` tokenises it), the index
    of the `Word` it belongs to ("read-only" is one `Word` and two tokens)."""
    owner: list[int] = []
    for index, word in enumerate(words):
        owner.extend([index] * count_words(word.text))
    return owner


def timed_fillers(words: Sequence[Word]) -> list[TimedFiller]:
    owner = word_tokens(words)
    text = " ".join(w.text for w in words)
    return [
        TimedFiller(word=name, at_s=round(words[owner[at]].start_s, 2))
        for name, at in find_fillers(text) if at < len(owner)
    ]


def pace_segments(runs: Sequence[tuple[float, float]], words: Sequence[Word]) -> list[PaceSegment]:
    """Words a minute in each stretch between pauses, long stretches cut every ~15 s at a
    word boundary."""
    segments: list[PaceSegment] = []
    for run_start, run_end in runs:
        inside = [w for w in words if run_start - 0.3 <= (w.start_s + w.end_s) / 2 <= run_end + 0.3]
        piece: list[Word] = []
        piece_start = run_start
        for position, word in enumerate(inside):
            piece.append(word)
            last = position == len(inside) - 1
            if last or word.end_s - piece_start >= SEGMENT_S:
                end = run_end if last else word.end_s
                segments.append(_segment(piece_start, end, piece))
                piece, piece_start = [], word.end_s
    return segments


def _segment(start: float, end: float, words: list[Word]) -> PaceSegment:
    count = sum(count_words(w.text) for w in words)
    length = max(end - start, 1e-6)
    return PaceSegment(start_s=round(start, 2), end_s=round(end, 2), words=count,
                       words_per_minute=round(count * 60.0 / length, 1))


def findings(
    *, segments: Sequence[PaceSegment], fillers: Sequence[TimedFiller], words: int,
    pauses: Sequence[Pause], monotone: bool | None, pitch_range: float | None,
) -> list[DeliveryFinding]:
    """What is worth telling the candidate, each naming when it happened."""
    out: list[DeliveryFinding] = []
    low, high = PACE_GOOD
    for seg in segments:
        if seg.words < MIN_SEGMENT_WORDS:
            continue
        moment = f"from {mmss(seg.start_s)} to {mmss(seg.end_s)}"
        if seg.words_per_minute > high:
            out.append(DeliveryFinding(kind="pace_fast", at_s=seg.start_s, message=(
                f"You spoke at {seg.words_per_minute:.0f} words a minute {moment}: slow down "
                f"to {low:.0f}-{high:.0f}.")))
        elif seg.words_per_minute < low:
            out.append(DeliveryFinding(kind="pace_slow", at_s=seg.start_s, message=(
                f"You spoke at {seg.words_per_minute:.0f} words a minute {moment}: "
                f"{low:.0f}-{high:.0f} keeps the listener with you.")))
    rate = 100.0 * len(fillers) / words if words else 0.0
    if fillers and rate > FILLER_RATE_LIMIT_PCT:
        moments = ", ".join(f'"{f.word}" at {mmss(f.at_s)}' for f in fillers[:MAX_MOMENTS])
        out.append(DeliveryFinding(kind="fillers", at_s=fillers[0].at_s, message=(
            f"Filler words were {rate:.1f} % of your words (aim for under "
            f"{FILLER_RATE_LIMIT_PCT:.0f} %): {moments}.")))
    long_ones = sorted((p for p in pauses if p.length_s >= REMARKABLE_PAUSE_S),
                       key=lambda p: -p.length_s)[:MAX_MOMENTS]
    for pause in sorted(long_ones, key=lambda p: p.at_s):
        after = f', after "{pause.after}"' if pause.after else ""
        out.append(DeliveryFinding(kind="pause", at_s=pause.at_s, message=(
            f"A {pause.length_s:.1f} s pause at {mmss(pause.at_s)}{after}: a short bridge "
            "(\"let me think about that\") keeps the answer moving.")))
    if monotone and pitch_range is not None:
        out.append(DeliveryFinding(kind="monotone", at_s=None, message=(
            f"Your pitch stayed within {pitch_range:.1f} semitones: lift your voice on the "
            "key points and results.")))
    return out
