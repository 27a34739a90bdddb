"""Package question audio for the `interview:audio` event in the client's `audio_format`.

Text-to-speech engines hand over PCM at their own rate (Piper: 22050 Hz), one sentence at a
time. The contract promises clients chunks of at most 250 ms in the format they asked for, at
a `sample_rate` given with each chunk. `AudioChunker` converts the stream as it arrives —
resampling with one persistent resampler (so sentence joins don't click), cutting raw PCM,
wrapping WAV chunks in their own headers, or encoding MP3 frames in one persistent encoder —
so the first chunk can be sent as soon as the first sentence is synthesized.

Output sample rates are fixed per format, whichever engine speaks (see `OUTPUT_RATES`):
`pcm_16000` 16 kHz and `pcm_24000` 24 kHz as named; `wav` and `mp3` 24 kHz, the usual TTS
rate, and for MP3 an MPEG-2 Layer III rate whose 576-sample frames last 24 ms, so ten whole
frames (240 ms) fit in one chunk.
"""

import struct
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

import av
import numpy as np
import numpy.typing as npt
from av.audio.codeccontext import AudioCodecContext

from mockmate.errors import InvalidPayload
from mockmate.speech.base import PcmAudio

OUTPUT_FORMATS: tuple[str, ...] = ("pcm_16000", "pcm_24000", "wav", "mp3")

OUTPUT_RATES: Mapping[str, int] = MappingProxyType(
    {"pcm_16000": 16_000, "pcm_24000": 24_000, "wav": 24_000, "mp3": 24_000}
)

MP3_BIT_RATE = 48_000  # mono speech at 24 kHz
WAV_HEADER_BYTES = 44

Samples = npt.NDArray[np.int16]


@dataclass(frozen=True)
class OutChunk:
    """One `interview:audio` payload: `data` in the chunker's format."""

    data: bytes
    sample_rate: int
    duration_s: float


def wav_bytes(samples: bytes, sample_rate: int) -> bytes:
    """A complete WAV file (44-byte header) holding 16-bit mono PCM `samples`."""
    size = len(samples)
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF", 36 + size, b"WAVE",
        b"fmt ", 16, 1, 1, sample_rate, sample_rate * 2, 2, 16,
        b"data", size,
    )  # fmt: skip
    return header + samples


class _StreamResampler:
    """Resample int16 mono PCM to one rate, keeping filter state between calls."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._resampler: av.AudioResampler | None = None
        self._source_rate = 0
        self._pts = 0

    def convert(self, pcm: PcmAudio) -> Samples:
        samples = np.frombuffer(pcm.data[: len(pcm.data) // 2 * 2], dtype="<i2")
        tail = np.zeros(0, dtype=np.int16)
        if pcm.sample_rate != self._source_rate:
            tail = self.drain()  # the engine changed rate: finish the old stream first
            self._source_rate = pcm.sample_rate
        if pcm.sample_rate == self.rate or samples.size == 0:
            return np.concatenate([tail, samples.astype(np.int16)])
        if self._resampler is None:
            self._resampler = av.AudioResampler(format="s16", layout="mono", rate=self.rate)
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = pcm.sample_rate
        frame.time_base = Fraction(1, pcm.sample_rate)
        frame.pts = self._pts
        self._pts += samples.size
        return np.concatenate([tail, *_arrays(self._resampler.resample(frame))])

    def drain(self) -> Samples:
        """What the resampler still holds; it starts afresh afterwards."""
        resampler, self._resampler = self._resampler, None
        self._source_rate = 0
        self._pts = 0
        if resampler is None:
            return np.zeros(0, dtype=np.int16)
        return np.concatenate([np.zeros(0, dtype=np.int16), *_arrays(resampler.resample(None))])


def _arrays(frames: list[av.AudioFrame]) -> list[Samples]:
    return [
        f.to_ndarray().reshape(-1)[: f.samples].astype(np.int16, copy=False)
        for f in frames
        if f is not None and f.samples
    ]


class _Mp3Encoder:
    """A persistent libmp3lame encoder turning int16 samples into whole MP3 frames.

    The bit reservoir is off, so each frame — hence each chunk — also decodes on its own.
    """

    def __init__(self, rate: int) -> None:
        self.rate = rate
        codec = av.CodecContext.create("libmp3lame", "w")
        assert isinstance(codec, AudioCodecContext)
        codec.sample_rate = rate
        codec.layout = "mono"
        codec.format = "s16p"
        codec.bit_rate = MP3_BIT_RATE
        codec.options = {"reservoir": "0"}
        codec.open()
        self._codec = codec
        self.frame_size = codec.frame_size  # 576 samples at 24 kHz
        self._pending = np.zeros(0, dtype=np.int16)
        self._pts = 0

    def encode(self, samples: Samples) -> list[bytes]:
        self._pending = np.concatenate([self._pending, samples])
        whole = self._pending.size // self.frame_size * self.frame_size
        ready, self._pending = self._pending[:whole], self._pending[whole:]
        packets: list[bytes] = []
        for start in range(0, whole, self.frame_size):
            packets += self._encode_frame(ready[start : start + self.frame_size])
        return packets

    def finish(self) -> list[bytes]:
        packets = self._encode_frame(self._pending) if self._pending.size else []
        self._pending = np.zeros(0, dtype=np.int16)
        return packets + [bytes(p) for p in self._codec.encode(None)]

    def _encode_frame(self, samples: Samples) -> list[bytes]:
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16p", layout="mono")
        frame.sample_rate = self.rate
        frame.time_base = Fraction(1, self.rate)
        frame.pts = self._pts
        self._pts += samples.size
        return [bytes(p) for p in self._codec.encode(frame)]


class AudioChunker:
    """Turn a stream of TTS PCM into chunks of at most `max_chunk_s` in format `fmt`.

    `feed` returns every whole chunk ready so far and keeps the remainder (under one chunk)
    for the next call; `flush` returns the rest at the end of an utterance, after which the
    chunker starts a fresh stream. Chunks per format: raw s16le mono PCM (`pcm_*`), complete
    WAV files (`wav`), or whole MP3 frames whose concatenation is one MP3 stream (`mp3`).
    An MP3 chunk holds at least one 24 ms frame, even if `max_chunk_s` is shorter.
    """

    def __init__(self, fmt: str, max_chunk_s: float = 0.25) -> None:
        if fmt not in OUTPUT_RATES:
            raise InvalidPayload(
                f"unsupported audio_format {fmt!r}; use one of {', '.join(OUTPUT_FORMATS)}",
            )
        if not max_chunk_s > 0:
            raise ValueError("max_chunk_s must be positive")
        self.fmt = fmt
        self.sample_rate = OUTPUT_RATES[fmt]
        self.max_chunk_s = max_chunk_s
        self._chunk_samples = max(1, int(max_chunk_s * self.sample_rate + 1e-9))
        self._resampler = _StreamResampler(self.sample_rate)
        self._pcm = np.zeros(0, dtype=np.int16)  # resampled, not yet sent (pcm/wav)
        self._encoder: _Mp3Encoder | None = None
        self._packets: list[bytes] = []  # encoded, not yet sent (mp3)

    def feed(self, pcm: PcmAudio) -> list[OutChunk]:
        """Add TTS audio (any rate); return the chunks that are complete now."""
        return self._take(self._resampler.convert(pcm), final=False)

    def flush(self) -> list[OutChunk]:
        """End the utterance: return everything still held, then reset."""
        chunks = self._take(self._resampler.drain(), final=True)
        self._encoder = None
        return chunks

    def _take(self, samples: Samples, *, final: bool) -> list[OutChunk]:
        if self.fmt == "mp3":
            return self._take_mp3(samples, final=final)
        self._pcm = np.concatenate([self._pcm, samples])
        size = self._chunk_samples
        cut = self._pcm.size if final else self._pcm.size // size * size
        ready, self._pcm = self._pcm[:cut], self._pcm[cut:]
        return [self._pcm_chunk(ready[start : start + size]) for start in range(0, cut, size)]

    def _pcm_chunk(self, samples: Samples) -> OutChunk:
        data = samples.astype("<i2", copy=False).tobytes()
        if self.fmt == "wav":
            data = wav_bytes(data, self.sample_rate)
        return OutChunk(data, self.sample_rate, samples.size / self.sample_rate)

    def _take_mp3(self, samples: Samples, *, final: bool) -> list[OutChunk]:
        if self._encoder is None:
            if samples.size == 0 and not self._packets:
                return []
            self._encoder = _Mp3Encoder(self.sample_rate)
        encoder = self._encoder
        self._packets += encoder.encode(samples)
        if final:
            self._packets += encoder.finish()
        per_chunk = max(1, self._chunk_samples // encoder.frame_size)
        cut = len(self._packets) if final else len(self._packets) // per_chunk * per_chunk
        ready, self._packets = self._packets[:cut], self._packets[cut:]
        return [
            OutChunk(
                b"".join(group),
                self.sample_rate,
                len(group) * encoder.frame_size / self.sample_rate,
            )
            for group in (ready[i : i + per_chunk] for i in range(0, cut, per_chunk))
        ]
