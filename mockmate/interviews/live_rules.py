"""The pure rules of transcribing an answer while it is spoken (issue 15, items 4 and 5):
where a streamed answer is cut into segments, how the segments' transcripts make the answer's
one, and the per-process CPU budget that decides whether a live caption is made or dropped.

No I/O here: `interviews.live` runs these against Redis, the answer buffer and Whisper.
"""

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from mockmate.speech.base import Transcript, Word

RATE = 16000
BYTES_PER_S = RATE * 2
# The live path's voice activity detector reports every silence at least this long (the
# turn rules' detector, 0.25 s, hid most of Piper's pauses between sentences: 20 s of its
# speech could pass without one, and all of it was left for after the submit) ...
DETECTOR_MIN_SILENCE_S = 0.15
# ... and a segment closes in a pause the speech went on after, or in a silence still going
# on once it is at least MIN_GAP_S long (the cut is in it, at most MIN_GAP_S after the
# speech) ...
MIN_GAP_S = 0.3
# ... once it holds this much audio: a Whisper call encodes its audio plus 10 s of padding
# and decodes a prompt, so fewer, longer segments are cheaper; what is still open when the
# candidate stops is transcribed after the submit, so it is seldom much longer than this.
MIN_SEGMENT_S = 8.0
# ... or whatever it holds, once the candidate has been silent this long (stopped, or
# thinking): so when they stop, the last stretch is transcribed before they submit.
END_GAP_S = 0.8
# A stretch of speech with no pause after MIN_SEGMENT_S is cut here anyway (in the longest
# pause the detector found before, else right here), under Whisper's 30 s window.
MAX_SEGMENT_S = 25.0


def next_cut(spans: Sequence[tuple[float, float]], window_s: float) -> float | None:
    """Where to close the next segment of an open window of `window_s` seconds in which the
    voice activity detector found `spans` (seconds from the window's start); None to wait.

    Silence alone is cut too once the window is long (nothing to transcribe in it), so a
    quiet candidate never makes the open window grow without bound."""
    if not spans:
        return window_s - MIN_GAP_S if window_s >= MAX_SEGMENT_S else None
    ends = [end for _, end in spans]
    starts = [start for start, _ in spans[1:]] + [window_s]
    gaps = [(end, start - end) for end, start in zip(ends, starts, strict=True)]
    last_end, silent = gaps[-1]
    closed = gaps[:-1] + ([gaps[-1]] if silent >= MIN_GAP_S else [])
    cuts = [end + min(length, MIN_GAP_S * 2) / 2 for end, length in closed]
    ready = [cut for cut in cuts if MIN_SEGMENT_S <= cut <= MAX_SEGMENT_S]
    if silent + 1e-6 >= END_GAP_S and last_end + MIN_GAP_S <= MAX_SEGMENT_S:
        ready.append(last_end + MIN_GAP_S)
    if ready:
        return max(ready)
    if window_s < MAX_SEGMENT_S:
        return None
    inner = [(length, end + length / 2) for end, length in gaps[:-1]
             if end + length / 2 <= MAX_SEGMENT_S]
    return max(inner)[1] if inner else MAX_SEGMENT_S


# Each look at an open window runs the voice activity detector on the new audio only, plus
# the last LOOK_BACK_S of what it had heard (speech there may have gone on) and CONTEXT_S
# before that for the detector to settle (what it finds there is not used): about 2 s of
# audio a look instead of the whole window (up to MAX_SEGMENT_S re-read and re-detected
# every second: half a core at 200 streaming candidates).
LOOK_BACK_S = 0.5
CONTEXT_S = 0.75

Spans = list[tuple[float, float]]


def look_from(heard_s: float) -> tuple[float, float]:
    """(from_s, context_s): a window heard up to `heard_s` is decided again from `from_s`,
    and the detector is run from `context_s` (seconds from the window's start)."""
    from_s = max(0.0, heard_s - LOOK_BACK_S)
    return from_s, max(0.0, from_s - CONTEXT_S)


def relooked(spans: Sequence[tuple[float, float]], from_s: float,
             found: Sequence[tuple[float, float]], context_s: float) -> Spans:
    """The window's spans after a look that ran from `context_s` and `found` spans
    (seconds from there): those before `from_s` as they were, those from it as found, and
    speech going on across `from_s` one span."""
    kept = [(a, min(b, from_s)) for a, b in spans if a < from_s]
    new = [(max(a + context_s, from_s), b + context_s) for a, b in found
           if b + context_s > from_s]
    if kept and new and kept[-1][1] == from_s and new[0][0] - from_s < MIN_GAP_S:
        kept[-1] = (kept[-1][0], new[0][1])
        new = new[1:]
    return kept + new


def open_window(chunks: Sequence[bytes], done: int, base: int, window_b: int) -> bytes | None:
    """The open window, bytes [done, done + window_b) of the answer, from `chunks` read from
    the one that starts at byte `base`; None when they no longer hold all of it: the answer
    was submitted (its chunks cleared) or restarted after the window was measured."""
    window = b"".join(chunks)[done - base: done - base + window_b]
    return window if len(window) == window_b else None


def chunk_at(lengths: Sequence[int], base: int, offset: int) -> tuple[int, int]:
    """(i, start): the chunk of the known `lengths` (the first one starting at byte `base`)
    in which byte `offset` lies, and where it starts; past the known ones, (len, end)."""
    start = base
    for i, length in enumerate(lengths):
        if offset < start + length:
            return i, start
        start += length
    return len(lengths), start


@dataclass(frozen=True)
class Segment:
    """One closed segment: the audio bytes [start_b, end_b) of the answer and its
    transcript, word times from the answer's start."""

    start_b: int
    end_b: int
    text: str
    confidence: float
    words: tuple[Word, ...] = field(default=())

    @property
    def duration_s(self) -> float:
        return (self.end_b - self.start_b) / BYTES_PER_S

    def to_json(self) -> str:
        """As stored in Redis (`from_json` reads it back)."""
        return json.dumps({"s": self.start_b, "e": self.end_b, "t": self.text,
                           "c": self.confidence,
                           "w": [[w.text, w.start_s, w.end_s] for w in self.words]})

    @classmethod
    def from_json(cls, raw: bytes | str) -> "Segment":
        d = json.loads(raw)
        return cls(int(d["s"]), int(d["e"]), str(d["t"]), float(d["c"]),
                   tuple(Word(str(t), float(a), float(b)) for t, a, b in d["w"]))


def shifted(transcript: Transcript, start_b: int, end_b: int) -> Segment:
    """The segment of bytes [start_b, end_b) whose own transcript is `transcript`."""
    offset = start_b / BYTES_PER_S
    words = tuple(Word(w.text, round(w.start_s + offset, 3), round(w.end_s + offset, 3))
                  for w in transcript.words)
    return Segment(start_b, end_b, transcript.text.strip(), transcript.confidence, words)


def covers(segments: Sequence[Segment], length_b: int) -> bool:
    """The segments follow each other from the answer's start, within its `length_b`."""
    at = 0
    for segment in segments:
        if segment.start_b != at or segment.end_b <= segment.start_b:
            return False
        at = segment.end_b
    return at <= length_b


def joined(segments: Sequence[Segment], duration_s: float) -> Transcript:
    """The answer's transcript from its segments in order: texts joined, words in order,
    confidence the mean of the heard segments' weighted by their length."""
    heard = [s for s in segments if s.text]
    weight = sum(s.duration_s for s in heard)
    confidence = sum(s.confidence * s.duration_s for s in heard) / weight if weight else 0.0
    return Transcript(
        text=" ".join(s.text for s in heard), confidence=round(confidence, 3),
        duration_s=duration_s, words=tuple(w for s in heard for w in s.words),
    )


DIGEST_B = 4000  # the answer's first bytes that tell one recording from another


def digest(first_chunk: bytes) -> str:
    """What identifies a recording by its first chunk (as far as DIGEST_B reaches)."""
    head = first_chunk[:DIGEST_B]
    return f"{len(head)}:{hashlib.sha1(head, usedforsecurity=False).hexdigest()[:20]}"


def same_recording(stored: str, audio: bytes) -> bool:
    """Whether `audio` starts as the recording digested as `stored` (which may have been
    taken from a first chunk shorter than DIGEST_B)."""
    length, _, _ = stored.partition(":")
    return length.isdigit() and digest(audio[: int(length)]) == stored


class CaptionBudget:
    """The CPU a process spends on live captions: `share` of one core over time, at most
    `burst_s` seconds saved up, and at most `max_running` captions at once.

    A caption may start while the balance is positive and a slot is free; what it cost is
    taken afterwards (so one caption may overdraw, and the next ones wait for the refill).
    A caption refused is dropped by the caller, never queued: a caption late is worthless.
    """

    def __init__(self, share: float, burst_s: float, max_running: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._share = share
        self._burst_s = burst_s
        self._max_running = max_running
        self._clock = clock
        self._balance = burst_s
        self._at = clock()
        self.running = 0

    def _refill(self) -> None:
        now = self._clock()
        self._balance = min(self._burst_s, self._balance + (now - self._at) * self._share)
        self._at = now

    def try_start(self) -> bool:
        """Whether a caption may be made now (if so, call `finished` with its cost)."""
        self._refill()
        if self._share <= 0 or self._balance <= 0 or self.running >= self._max_running:
            return False
        self.running += 1
        return True

    def finished(self, cost_s: float) -> None:
        self._refill()
        self.running = max(0, self.running - 1)
        self._balance -= max(0.0, cost_s)
