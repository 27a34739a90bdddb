"""Transcribing a streamed answer while it is spoken, and live captions (issue 15, items 4-5).

Why: transcribing a whole answer after the submit makes the candidate wait for all of it
(several seconds for a 2-minute answer). Instead, as chunks arrive (`answer:chunk`, raw
16 kHz PCM), the voice activity detector (Silero, as `interviews.turns`) finds where speech
pauses and each closed stretch is transcribed at once, so after the submit only the last open
stretch is left to transcribe.

- Durable: each segment's transcript is stored in Redis next to the answer buffer
  (`RedisKeys.live_transcript`), with a compare-and-set on how far the answer is covered, so
  any process can take over the next chunks or finish the answer, and two processes never
  store the same stretch twice. A recording that is not the one the segments came from (its
  first bytes differ) or segments that do not follow each other are ignored: the
  `transcribe_answer` job then makes one pass over the whole answer, as before.
- Cheap on the chunk path: `heard` only schedules work (no I/O, no await); detection and
  transcription run in one background task per answer per process, on the speech threads.
- The final transcript is the segments joined, plus the open stretch transcribed after the
  submit: every second of the answer is transcribed exactly once, at full quality, by the
  same engine and prompt as a whole-answer pass, with word times shifted to the answer's
  start (so delivery analysis sees the same words and times). Captions never enter it.
- Captions (`answer:partial`, with `live_captions`): the closed segments' text plus a
  transcription of the open stretch, about every `live_caption_every_s` of audio; made only
  when the process's `CaptionBudget` allows, otherwise dropped (never queued). They are
  ephemeral: sent to the user's sockets without an `event_seq`, not kept in the event log.
"""

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel
from redis.asyncio import Redis
from redis.exceptions import RedisError

from mockmate.config import Settings
from mockmate.interviews.live_rules import (
    BYTES_PER_S,
    DETECTOR_MIN_SILENCE_S,
    RATE,
    CaptionBudget,
    Segment,
    chunk_at,
    covers,
    digest,
    joined,
    look_from,
    next_cut,
    open_window,
    relooked,
    same_recording,
    shifted,
)
from mockmate.interviews.turns import CONTAINERS, speech_spans
from mockmate.ports import Emitter
from mockmate.redis_keys import RedisKeys
from mockmate.speech.base import (
    PcmAudio,
    SpeechError,
    SpeechToText,
    TranscribesAhead,
    Transcript,
)
from mockmate.speech.priority_gate import never
from mockmate.state.answer_buffer import AnswerBuffer

log = logging.getLogger(__name__)

STEP_B = BYTES_PER_S  # look for a closed stretch after every second of new audio
SETTLE_S = 15.0  # how long the job waits for this process's running segment work

# KEYS: state hash, segments list. ARGV: expected `done`, new done, its chunk index, that
# chunk's first byte, digest, segment (JSON), ttl. 1 stored; 0 someone else moved on.
_STORE = """
local st = redis.call('HMGET', KEYS[1], 'done', 'digest')
if tonumber(st[1] or '0') ~= tonumber(ARGV[1]) then return 0 end
if st[2] and st[2] ~= ARGV[5] then return 0 end
redis.call('HSET', KEYS[1], 'done', ARGV[2], 'chunk', ARGV[3], 'base', ARGV[4],
           'digest', ARGV[5])
redis.call('RPUSH', KEYS[2], ARGV[6])
redis.call('EXPIRE', KEYS[1], ARGV[7])
redis.call('EXPIRE', KEYS[2], ARGV[7])
return 1
"""


def _text(fields: dict[Any, Any]) -> dict[str, str]:
    return {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes)
                                                        else str(v))
            for k, v in fields.items()}


@dataclass
class _Seen:
    """What this process's last look at an answer's open window found, so the next one reads
    and listens to the new audio only: valid while Redis's `done`, `chunk` and `base` are
    still these (else another process moved on, and the window is looked at whole)."""

    done: int
    chunk: int
    base: int
    lengths: list[int] = field(default_factory=list)  # of the chunks from `chunk` on
    spans: list[tuple[float, float]] = field(default_factory=list)  # from the window's start
    heard_b: int = 0  # bytes of the window listened to


class Caption(BaseModel):
    """`answer:partial`: what has been heard of the answer so far (never the final text)."""

    session_id: str
    index: int
    text: str
    final: Literal[False] = False


class LiveTranscriber:
    """Segments and captions of the answers streamed to this process (see the module)."""

    def __init__(self, redis: Redis, *, prefix: str, ttl_s: int, stt: SpeechToText,
                 buffer: AnswerBuffer, emitter: Emitter, budget: CaptionBudget,
                 caption_every_s: float,
                 spawn: Callable[[Coroutine[Any, Any, None]], object]) -> None:
        self._redis = redis
        self._keys = RedisKeys(prefix).live_transcript
        self._ttl_s = ttl_s
        self._stt = stt
        self._buffer = buffer
        self._emitter = emitter
        self._budget = budget
        self._caption_every_b = int(caption_every_s * BYTES_PER_S)
        self._spawn = spawn
        self._store = redis.register_script(_STORE)
        self._last: dict[tuple[str, int], int] = {}  # received bytes at the last look
        self._running: dict[tuple[str, int], asyncio.Event] = {}
        self._again: set[tuple[str, int]] = set()
        self._finishing: set[tuple[str, int]] = set()
        self._seen: dict[tuple[str, int], _Seen] = {}  # what the last look here found
        self._cutting: dict[tuple[str, int], int] = {}  # where the segment being made ends

    async def _ahead(self, audio: PcmAudio, urgent: Callable[[], bool], context: str = ""
                     ) -> Transcript:
        """Mid-answer work waits behind the answers candidates are waiting on (a stretch of
        an answer turns urgent once that answer is submitted)."""
        if isinstance(self._stt, TranscribesAhead):
            return await self._stt.transcribe_ahead(audio, urgent=urgent, context=context)
        return await self._stt.transcribe(audio, context=context)

    def heard(self, user_id: str, session_id: str, index: int, received_bytes: int, *,
              captions: bool) -> None:
        """A chunk brought the answer to `received_bytes`: look for closed stretches (and
        make a caption) in the background. Never waits."""
        key = (session_id, index)
        last = self._last.get(key, 0)
        if last <= received_bytes < last + STEP_B:
            return
        if len(self._last) > 10_000:  # answers never finished here (another process did)
            self._last.clear()
            self._seen.clear()
        self._last[key] = received_bytes
        if key in self._running:
            self._again.add(key)
            return
        self._running[key] = asyncio.Event()
        self._spawn(self._work(user_id, key, captions))

    async def _work(self, user_id: str, key: tuple[str, int], captions: bool) -> None:
        try:
            while True:
                self._again.discard(key)
                await self._advance(user_id, key, captions and key not in self._finishing)
                if key not in self._again or key in self._finishing:
                    break  # submitted: the rest is the finishing job's
        except (SpeechError, ValueError, RedisError, OSError) as exc:
            # Nothing is lost: the job transcribes what the segments do not cover.
            log.warning("live transcription of %s/%d stopped: %s", *key, exc)
        finally:
            self._running.pop(key).set()

    async def _state(self, key: tuple[str, int]) -> dict[str, str]:
        state_key, _ = self._keys(*key)
        return _text(await self._redis.hgetall(state_key))

    async def _advance(self, user_id: str, key: tuple[str, int], captions: bool) -> None:
        first = await self._buffer.first_chunk(*key)
        if not first:
            return  # submitted (and cleared) meanwhile
        if first.startswith(CONTAINERS):
            return  # a container stream: left to the whole-answer pass
        state = await self._state(key)
        if state.get("digest") not in (None, digest(first)):
            await self._redis.delete(*self._keys(*key))  # a new recording of this answer
            state = {}
        done, chunk, base = (int(state.get(f, 0)) for f in ("done", "chunk", "base"))
        seen = self._seen.get(key)
        if seen is None or (seen.done, seen.chunk, seen.base) != (done, chunk, base):
            seen = _Seen(done, chunk, base)  # first look here, or another process moved on
        # Only the audio from the look's start is read and listened to.
        from_s, context_s = look_from(seen.heard_b / BYTES_PER_S)
        context_b = int(context_s * RATE) * 2
        i, start = chunk_at(seen.lengths, base, done + context_b)
        tail = await self._buffer.read_from(*key, chunk + i)
        seen.lengths[i:] = [len(c) for c in tail]
        heard = b"".join(tail)[done + context_b - start:]
        heard = heard[: len(heard) // 2 * 2]
        if not heard:
            return
        samples = np.frombuffer(heard, dtype="<i2").astype(np.float32) / 32768.0
        found = await asyncio.to_thread(speech_spans, samples,
                                        min_silence_s=DETECTOR_MIN_SILENCE_S)
        spans = relooked(seen.spans, from_s, found, context_s)
        window_b = context_b + len(heard)
        seen.spans, seen.heard_b = spans, window_b
        self._seen[key] = seen
        window = b""  # the whole open window, read only when a segment closes (or a caption)
        chunks: list[bytes] = []  # ... and its chunks
        before: str | None = None  # the words of the answer's stretches so far
        while (cut := next_cut(spans, window_b / BYTES_PER_S)) is not None:
            if not window:
                chunks = await self._buffer.read_from(*key, chunk)
                read = open_window(chunks, done, base, window_b)
                if read is None:
                    # Submitted meanwhile (its chunks cleared): a stretch transcribed from
                    # what is left would be stored as silence, and its words lost. The
                    # finishing job transcribes what the segments do not cover.
                    return
                window = read
            cut_b = int(cut * RATE) * 2
            piece = PcmAudio(window[:cut_b], RATE)
            spoken = any(begin < cut for begin, _ in spans)
            if spoken and before is None:
                before = await self._last_words(key)
            self._cutting[key] = done + cut_b  # a submit meanwhile goes on from here
            try:
                said = (await self._ahead(piece, lambda: key in self._finishing, before or "")
                        if spoken else Transcript(text="", confidence=0.0,
                                                  duration_s=piece.duration_s))
            finally:
                self._cutting.pop(key, None)
            segment = shifted(said, done, done + cut_b)
            while chunks and base + len(chunks[0]) <= done + cut_b:
                base += len(chunks.pop(0))
                chunk += 1
            if not await self._store(keys=list(self._keys(*key)), args=[
                    done, done + cut_b, chunk, base, digest(first), segment.to_json(),
                    self._ttl_s]):
                self._seen.pop(key, None)
                return  # another process covered this stretch first
            done += cut_b
            if before is not None:  # else read from Redis when a stretch with words comes
                before = f"{before} {segment.text}".strip()
            window = window[cut_b:]
            window_b -= cut_b
            spans = [(max(0.0, a - cut), b - cut) for a, b in spans if b > cut]
            self._seen[key] = _Seen(done, chunk, base, [len(c) for c in chunks], spans,
                                    window_b)
            if key in self._finishing:
                return  # submitted: the finishing job transcribes the rest from here
        if captions and spans:  # something is being said in the open stretch
            if not window:
                read = open_window(await self._buffer.read_from(*key, chunk), done, base,
                                   window_b)
                if read is None:
                    return  # submitted meanwhile: no caption for it any more
                window = read
            await self._caption(user_id, key, window, done + len(window),
                                int(state.get("caption_at", 0)))

    async def _last_words(self, key: tuple[str, int]) -> str:
        """The words of the answer's last few stored stretches (those a prompt can hold)."""
        stored = await self._redis.lrange(self._keys(*key)[1], -4, -1)
        return " ".join(text for raw in stored if (text := Segment.from_json(raw).text))

    async def _caption(self, user_id: str, key: tuple[str, int], window: bytes,
                       heard_b: int, caption_at: int) -> None:
        """Send `answer:partial` for what was heard up to `heard_b`, if one is due and the
        budget allows it now (else dropped)."""
        if heard_b - caption_at < self._caption_every_b:
            return
        if not self._budget.try_start():
            log.debug("caption for %s/%d dropped: over the caption budget", *key)
            return
        began = time.perf_counter()
        try:
            said = await self._ahead(PcmAudio(window, RATE), never)
        finally:
            # Wall time: waiting for a busy speech pool spends the budget too.
            self._budget.finished(time.perf_counter() - began)
        state_key, segments_key = self._keys(*key)
        closed = [Segment.from_json(raw).text for raw in await self._redis.lrange(
            segments_key, 0, -1)]
        text = " ".join(t for t in [*closed, said.text.strip()] if t)
        await self._redis.hset(state_key, "caption_at", heard_b)
        caption = Caption(session_id=key[0], index=key[1], text=text)
        await self._emitter.to_user(user_id, "answer:partial", caption.model_dump())

    async def finish(self, session_id: str, index: int, pcm: PcmAudio) -> Transcript | None:
        """The transcript of the submitted answer `pcm` from its stored segments and a pass
        over the rest; None when the segments are not of this recording (or there are none
        worth using): then the caller makes one pass over the whole answer.

        When this process is still transcribing a segment of it, the rest after that segment
        is transcribed meanwhile on another speech thread (not after it), and used if that
        segment is stored as it was cut."""
        key = (session_id, index)
        running = self._running.get(key)
        early: asyncio.Task[Transcript] | None = None
        cutting = self._cutting.get(key)
        if running is not None:
            self._finishing.add(key)
            if cutting is not None:
                early = asyncio.create_task(self._rest(pcm, cutting))
            try:
                await asyncio.wait_for(running.wait(), SETTLE_S)
            except TimeoutError:
                log.info("finishing %s/%d without the segment still being made", *key)
            finally:
                self._finishing.discard(key)
        try:
            return await self._finished(key, pcm, early, cutting)
        finally:
            if early is not None:  # unused (the segment was cut elsewhere): let it go quietly
                early.cancel()
                early.add_done_callback(lambda t: t.cancelled() or t.exception())

    async def _finished(self, key: tuple[str, int], pcm: PcmAudio,
                        early: "asyncio.Task[Transcript] | None", cutting: int | None
                        ) -> Transcript | None:
        try:
            state = await self._state(key)
            raw = await self._redis.lrange(self._keys(*key)[1], 0, -1)
        except RedisError as exc:
            log.warning("segments of %s/%d unreadable: %s", *key, exc)
            return None
        if not raw or not same_recording(state.get("digest", ""), pcm.data):
            log.info("answer %s/%d is transcribed whole: %s", *key,
                     "no segments" if not raw else "segments of another recording")
            return None
        segments = [Segment.from_json(item) for item in raw]
        if not covers(segments, len(pcm.data)):
            log.info("answer %s/%d is transcribed whole: its segments do not follow on", *key)
            return None
        done = segments[-1].end_b
        log.info("answer %s/%d: %d segment(s) cover %.1f of %.1f s; the rest %s", *key,
                 len(segments), done / BYTES_PER_S, pcm.duration_s,
                 "was transcribed meanwhile" if early is not None and cutting == done
                 else "is transcribed now")
        context = " ".join(s.text for s in segments[-4:] if s.text)
        said = (await early if early is not None and cutting == done
                else await self._rest(pcm, done, context))
        return joined([*segments, shifted(said, done, len(pcm.data))], pcm.duration_s)

    async def _rest(self, pcm: PcmAudio, done: int, context: str = "") -> Transcript:
        """The transcript of the answer after its first `done` bytes, which follow on from
        the words `context`."""
        rest = PcmAudio(pcm.data[done:], RATE)
        samples = np.frombuffer(rest.data, dtype="<i2").astype(np.float32) / 32768.0
        # Usually only the pause before the submit is left: no speech, no wait for a turn in
        # the (possibly busy) Whisper pool.
        spoken = bool(samples.size) and bool(await asyncio.to_thread(speech_spans, samples))
        return (await self._stt.transcribe(rest, context=context) if spoken
                else Transcript(text="", confidence=0.0, duration_s=rest.duration_s))

    async def forget(self, session_id: str, index: int) -> None:
        """The answer is transcribed: its segments are no longer needed."""
        self._last.pop((session_id, index), None)
        self._seen.pop((session_id, index), None)
        try:
            await self._redis.delete(*self._keys(session_id, index))
        except RedisError as exc:  # they expire with the session anyway
            log.info("segments of %s/%d left to expire: %s", session_id, index, exc)


def open_live(settings: Settings, *, redis: Redis, stt: SpeechToText, buffer: AnswerBuffer,
              emitter: Emitter,
              spawn: Callable[[Coroutine[Any, Any, None]], object]) -> LiveTranscriber | None:
    """The process's live transcriber, or None with `live_transcription` off."""
    if not settings.live_transcription:
        return None
    budget = CaptionBudget(settings.live_caption_cpu_share, settings.live_caption_burst_s,
                           settings.live_caption_max_running)
    return LiveTranscriber(redis, prefix=settings.redis_prefix, ttl_s=settings.session_ttl_s,
                           stt=stt, buffer=buffer, emitter=emitter, budget=budget,
                           caption_every_s=settings.live_caption_every_s, spawn=spawn)
