"""Hands-free turns: the server ends a streamed spoken answer by itself after a long silence.

Voice agents end a turn after 0.5-1 s of silence; interview answers hold thinking pauses far
longer, so the allowance is `end_of_turn_silence_s` (default 2.5 s, per interview), silence
before the candidate has said anything never counts, and "let me think" or "give me a moment"
just before a pause doubles the allowance for that pause.

Voice activity comes from the Silero model inside faster-whisper, run on each incoming chunk
with the previous 0.75 s as context (cheap: about 30 frames a chunk). What the detector knows
between chunks lives in Redis (one small hash per answer), so any process may take the next
chunk. Only raw 16 kHz PCM chunks (`pcm_16000`) are listened to; a container stream is left
to a manual submit. `advance` is the pure rule; `TurnDetector` the I/O around it.
"""

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import numpy as np
from redis.asyncio import Redis

from mockmate.redis_keys import RedisKeys
from mockmate.speech.base import PcmAudio, SpeechError, SpeechToText

log = logging.getLogger(__name__)

RATE = 16000
BYTES_PER_S = RATE * 2
CONTEXT_S = 0.75  # audio before each chunk that the VAD hears again
THINKING_CHECK_S = 1.0  # a pause this long is checked for "let me think" (once)
THINKING_WINDOW_S = 3.0  # ... in the speech just before it
THINKING = re.compile(
    r"\b(let me think|let me see|give me (a|one) (moment|second|sec|minute)|"
    r"one (moment|second)|bear with me)\b", re.IGNORECASE,
)
CONTAINERS = (b"RIFF", b"OggS", b"\x1aE\xdf\xa3", b"ID3", b"\xff\xfb")


@dataclass(frozen=True)
class TurnState:
    """What the detector knows of one answer so far (seconds from its start)."""

    heard_s: float = 0.0  # audio received
    started: bool = False  # speech has been heard
    last_speech_s: float = 0.0  # where the latest speech ended
    checked_pause_at: float = -1.0  # the pause (by its start) checked for "let me think"
    doubled_pause_at: float = -1.0  # the pause whose allowance is doubled
    checking_pause_at: float = -1.0  # the pause whose check is still running


def advance(state: TurnState, speech: list[tuple[float, float]], heard_s: float,
            allowance_s: float) -> tuple[TurnState, bool]:
    """The state after audio up to `heard_s` in which `speech` (absolute spans) was found,
    and whether the turn has ended: speech was heard, and the silence since it is at least
    the allowance (doubled for a pause that began with "let me think")."""
    started = state.started or bool(speech)
    last = max([state.last_speech_s, *(end for _, end in speech)])
    new = TurnState(heard_s=heard_s, started=started, last_speech_s=last,
                    checked_pause_at=state.checked_pause_at,
                    doubled_pause_at=state.doubled_pause_at,
                    checking_pause_at=state.checking_pause_at)
    if not started:
        return new, False
    # While the check of this pause runs, it may still turn out doubled: wait for that.
    doubled = last in (new.doubled_pause_at, new.checking_pause_at)
    limit = allowance_s * (2 if doubled else 1)
    return new, heard_s - last >= limit


def _stored_state(fields: dict[str, Any]) -> TurnState:
    """The state kept in an answer's Redis hash (values as bytes)."""
    return TurnState(
        heard_s=float(fields.get("heard", 0.0)), started=bool(int(fields.get("started", 0))),
        last_speech_s=float(fields.get("last", 0.0)),
        checked_pause_at=float(fields.get("checked", -1.0)),
        doubled_pause_at=float(fields.get("doubled", -1.0)),
        checking_pause_at=float(fields.get("checking", -1.0)),
    )


def needs_thinking_check(state: TurnState) -> bool:
    """A pause has lasted long enough to ask what was said just before it (once per pause)."""
    return (state.started and state.checked_pause_at != state.last_speech_s
            and state.heard_s - state.last_speech_s >= THINKING_CHECK_S)


def says_thinking(text: str) -> bool:
    return THINKING.search(text) is not None


def speech_spans(samples: np.ndarray, *, min_silence_s: float = 0.25
                 ) -> list[tuple[float, float]]:
    """(start_s, end_s) of speech in 16 kHz float samples, by Silero (blocking; a thread);
    silences shorter than `min_silence_s` are inside a span."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(min_silence_duration_ms=round(min_silence_s * 1000), speech_pad_ms=30,
                         min_speech_duration_ms=120)
    return [(s["start"] / RATE, s["end"] / RATE)
            for s in get_speech_timestamps(samples, options, sampling_rate=RATE)]


class TurnDetector:
    """Listens to the chunks of answers in interviews with `turn_detection: "auto"`, and ends
    each turn once: `end_turn(session_id, user_id, index)` submits the answer, and returns
    whether this call did (a manual submit may have won the race)."""

    def __init__(self, redis: Redis, *, prefix: str, ttl_s: int, stt: SpeechToText,
                 read_answer: Callable[[str, int], Awaitable[bytes]],
                 spawn: Callable[[Coroutine[Any, Any, None]], object]) -> None:
        self._redis = redis
        self._keys = RedisKeys(prefix)
        self._ttl_s = ttl_s
        self._stt = stt
        self._read = read_answer
        self._spawn = spawn

    def _key(self, session_id: str, index: int) -> str:
        return self._keys.turn(session_id, index)

    async def heard(self, session_id: str, index: int, chunk: bytes, received_bytes: int,
                    allowance_s: float) -> bool:
        """Take the chunk that brought the answer to `received_bytes`; True when the turn has
        just ended (exactly once per answer)."""
        key = self._key(session_id, index)
        if received_bytes <= len(chunk):  # a new recording (e.g. after a failed one)
            await self._redis.delete(key)
        raw = {
            (k.decode() if isinstance(k, bytes) else k): (v.encode() if isinstance(v, str) else v)
            for k, v in (await self._redis.hgetall(key)).items()
        }
        fields: dict[str, bytes] = raw
        if "ended" in raw or "container" in raw:
            return False
        if not fields.get("heard") and chunk.startswith(CONTAINERS):
            await self._redis.hset(key, "container", b"1")
            await self._redis.expire(key, self._ttl_s)
            return False
        state = _stored_state(fields)
        tail: bytes = fields.get("tail", b"")
        heard_s = received_bytes / BYTES_PER_S
        window = tail + chunk[: len(chunk) // 2 * 2]
        start_s = heard_s - len(window) / BYTES_PER_S
        samples = np.frombuffer(window, dtype="<i2").astype(np.float32) / 32768.0
        spans = await asyncio.to_thread(speech_spans, samples) if samples.size else []
        speech = [(start_s + a, start_s + b) for a, b in spans]
        state, ended = advance(state, speech, heard_s, allowance_s)
        pause = state.last_speech_s
        if not ended and state.checking_pause_at == pause and heard_s - pause >= allowance_s:
            # The plain allowance is up and the background check has not answered (audio
            # arriving faster than real time): settle it now.
            doubled = await self._thinking(session_id, index, pause)
            await self._redis.hset(key, mapping={"checking": -1.0, **(
                {"doubled": pause} if doubled else {})})
            state = TurnState(heard_s=state.heard_s, started=True, last_speech_s=pause,
                              checked_pause_at=pause,
                              doubled_pause_at=pause if doubled else state.doubled_pause_at)
            state, ended = advance(state, [], heard_s, allowance_s)
        keep = int(CONTEXT_S * BYTES_PER_S)
        update: dict[str, float | bytes] = {
            "heard": state.heard_s, "started": int(state.started), "last": state.last_speech_s,
            "tail": window[-keep:],
        }
        check = not ended and needs_thinking_check(state)
        if check:
            # "checking" holds the turn open until the check (in the background: the chunk's
            # ack never waits for a transcription) says whether the allowance doubles; only
            # the check writes "doubled" and clears "checking".
            update.update(checked=state.last_speech_s, checking=state.last_speech_s)
        await self._redis.hset(key, mapping=update)  # type: ignore[arg-type]
        await self._redis.expire(key, self._ttl_s)
        if check:
            self._spawn(self._check_thinking(key, session_id, index, state.last_speech_s))
        if not ended:
            return False
        return bool(await self._redis.hsetnx(key, "ended", b"1"))

    async def claim_hint(self, session_id: str, index: int, allowance_s: float,
                         due: Callable[[TurnState, float], bool]) -> float | None:
        """Where the pause began, when `due` says a hint is due now and this call is the
        first to claim the answer's one hint; else None."""
        key = self._key(session_id, index)
        fields = {(k.decode() if isinstance(k, bytes) else k): v
                  for k, v in (await self._redis.hgetall(key)).items()}
        if not fields or "ended" in fields or "hinted" in fields:
            return None
        state = _stored_state(fields)
        if not due(state, allowance_s) or not await self._redis.hsetnx(key, "hinted", b"1"):
            return None
        return state.last_speech_s

    def in_background(self, work: Coroutine[Any, Any, None]) -> None:
        self._spawn(work)

    async def said_before(self, session_id: str, index: int, pause_at: float) -> str:
        """What the candidate said up to `pause_at`."""
        audio = await self._read(session_id, index)
        end = int(pause_at * BYTES_PER_S) // 2 * 2
        return (await self._stt.transcribe(PcmAudio(audio[:end], RATE))).text

    async def _check_thinking(self, key: str, session_id: str, index: int,
                              pause_at: float) -> None:
        """Record whether the speech before the pause at `pause_at` asked for time
        ("doubled") and that the check is over ("checking" cleared)."""
        if await self._thinking(session_id, index, pause_at):
            await self._redis.hset(key, "doubled", pause_at)
        await self._redis.hset(key, "checking", -1.0)

    async def _thinking(self, session_id: str, index: int, pause_at: float) -> bool:
        """Whether the last seconds of speech before `pause_at` ask for time."""
        audio = await self._read(session_id, index)
        end = int(pause_at * BYTES_PER_S) // 2 * 2
        begin = max(0, end - int(THINKING_WINDOW_S * BYTES_PER_S)) // 2 * 2
        try:
            said = (await self._stt.transcribe(PcmAudio(audio[begin:end], RATE))).text
        except (SpeechError, ValueError) as exc:
            log.warning("could not check a pause for a thinking phrase: %s", exc)
            return False
        return says_thinking(said)
