"""The speech provider interfaces, whichever engine (offline or cloud) sits behind them."""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class PcmAudio:
    """Signed 16-bit little-endian mono PCM."""

    data: bytes
    sample_rate: int

    @property
    def duration_s(self) -> float:
        return len(self.data) / 2 / self.sample_rate


@dataclass(frozen=True)
class Word:
    text: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Transcript:
    text: str
    confidence: float  # 0..1
    duration_s: float
    words: tuple[Word, ...] = field(default=())  # empty when the engine gives no timings


class TextToSpeech(Protocol):
    def stream(self, text: str, voice: str | None = None) -> AsyncIterator[PcmAudio]:
        """Speak `text`, yielding audio as soon as each piece (e.g. a sentence) is ready."""
        ...


class SpeechToText(Protocol):
    async def transcribe(self, audio: PcmAudio, *, context: str = "") -> Transcript:
        """Transcribe 16 kHz mono PCM; `context`: what was said just before it (the
        answer's earlier stretches), read as the text the audio follows on from."""
        ...


@runtime_checkable
class TranscribesAhead(Protocol):
    """An engine with a shared pool that can put work nobody waits on yet behind work
    somebody does (speech/priority_gate.py)."""

    async def transcribe_ahead(self, audio: PcmAudio, *, urgent: Callable[[], bool],
                               context: str = "") -> Transcript: ...


class SpeechError(Exception):
    """A speech engine failed; `retryable` says whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable
