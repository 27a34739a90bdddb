"""Turn whatever audio a client uploads into the 16 kHz mono PCM the speech engines expect.

Answers arrive as WAV, WebM/Opus, OGG/Opus, MP3, M4A/AAC or raw `pcm_16000` (see the client
contract). Decoding happens in memory with PyAV (which bundles FFmpeg), so no `ffmpeg` binary
is needed. Every failure — unknown, empty, corrupt or silent-less data — becomes one clear
`unsupported_audio` error, and audio longer than the caller's limit is refused with
`too_large` as soon as the limit is passed, without decoding the rest.
"""

import io
from collections.abc import Generator, Iterator, Mapping
from types import MappingProxyType

import av
import numpy as np
import numpy.typing as npt

from mockmate.errors import MockMateError, TooLarge, UnsupportedAudio
from mockmate.speech.base import PcmAudio

TARGET_RATE = 16_000

# Formats a client may name in `answer:submit.format`.
INPUT_FORMATS: tuple[str, ...] = (
    "pcm_16000",
    "wav",
    "webm",
    "ogg",
    "mp3",
    "m4a",
    "aac",
    "opus",
)

# Content type of each format, for storage metadata.
MIME_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "pcm_16000": "audio/L16;rate=16000;channels=1",
        "pcm_24000": "audio/L16;rate=24000;channels=1",
        "wav": "audio/wav",
        "webm": "audio/webm",
        "ogg": "audio/ogg",
        "mp3": "audio/mpeg",
        "m4a": "audio/mp4",
        "aac": "audio/aac",
        "opus": "audio/ogg;codecs=opus",
    }
)

# FFmpeg demuxer for each container format.
_DEMUXERS: Mapping[str, str] = MappingProxyType(
    {
        "wav": "wav",
        "webm": "matroska",
        "ogg": "ogg",
        "opus": "ogg",
        "mp3": "mp3",
        "m4a": "mov",
        "aac": "aac",
    }
)

# Aliases clients commonly send instead of our short names (MIME subtypes, extensions).
_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "wave": "wav",
        "x-wav": "wav",
        "vnd.wave": "wav",
        "mpeg": "mp3",
        "mpga": "mp3",
        "mp4": "m4a",
        "x-m4a": "m4a",
        "mp4a": "m4a",
        "oga": "ogg",
        "pcm": "pcm_16000",
        "l16": "pcm_16000",
        "s16le": "pcm_16000",
    }
)

_DECODE_ERRORS = (av.FFmpegError, ValueError, OSError, EOFError, UnicodeError, IndexError)


def mime_type(fmt: str | None) -> str:
    """The MIME type to store next to audio of format `fmt` (octet-stream when unknown)."""
    if fmt is not None and fmt in MIME_TYPES:
        return MIME_TYPES[fmt]
    return MIME_TYPES.get(normalise_format(fmt) or "", "application/octet-stream")


def normalise_format(fmt: str | None) -> str | None:
    """Our short format name for `fmt`, which may also be a MIME type such as
    `audio/webm;codecs=opus` or an extension such as `.MP3`; None when unknown."""
    if not fmt:
        return None
    name = fmt.strip().lower().split(";", 1)[0].strip().lstrip(".")
    name = name.removeprefix("audio/").removeprefix("video/")
    name = _ALIASES.get(name, name)
    return name if name in INPUT_FORMATS else None


def sniff_format(data: bytes) -> str | None:
    """Recognise a container by its magic bytes: "wav", "webm", "ogg", "mp3", "m4a", "aac"
    (ADTS, whose sync word is MPEG's with the reserved layer bits 00), or None."""
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if data[:4] == b"OggS":
        return "ogg"
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return "m4a"
    if data[:3] == b"ID3":
        return "mp3"
    if len(data) >= 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:
        return "aac" if data[1] & 0x06 == 0 else "mp3"
    return None


def decode_to_pcm16k(data: bytes, fmt: str | None, *, max_seconds: float) -> PcmAudio:
    """Decode an uploaded answer to 16 kHz mono signed 16-bit PCM.

    `fmt` is the client's declared format (or None to sniff it). The magic bytes win over the
    declared container when they disagree, as clients often mislabel recordings.

    Raises `UnsupportedAudio` for unknown, empty, corrupt or sample-less data,
    and `TooLarge` as soon as more than `max_seconds` have been decoded. A
    truncated file decodes to the audio before the cut when any of it is readable.
    """
    if not data:
        raise _unsupported("the audio is empty")
    declared = normalise_format(fmt)
    if fmt and declared is None:
        raise _unsupported(
            f"unsupported audio format {fmt[:40]!r}; use one of {', '.join(INPUT_FORMATS)}"
        )
    if declared == "pcm_16000":
        return _raw_pcm(data, max_seconds)
    container = sniff_format(data) or declared
    if container is None:
        raise _unsupported(
            "unrecognised audio: send WAV, WebM/Opus, OGG/Opus, MP3, M4A/AAC or name the format"
        )
    limit = int(max_seconds * TARGET_RATE)
    parts: list[npt.NDArray[np.int16]] = []
    total = 0
    chunks = _decode_frames(data, _DEMUXERS[container], max_seconds)
    try:
        for chunk in chunks:
            parts.append(chunk)
            total += chunk.size
            if total > limit:
                raise _too_large(max_seconds)
    except _DECODE_ERRORS as exc:
        if total == 0:
            raise _unsupported(f"could not decode the {container} audio ({_reason(exc)})") from exc
    finally:
        chunks.close()
    if total == 0:
        raise _unsupported(f"the {container} audio contains no sound samples")
    pcm = np.concatenate(parts).astype("<i2", copy=False)
    return PcmAudio(data=pcm.tobytes(), sample_rate=TARGET_RATE)


def _decode_frames(
    data: bytes, demuxer: str, max_seconds: float
) -> Generator[npt.NDArray[np.int16], None, None]:
    """Yield the first audio stream as 16 kHz mono int16 arrays, frame by frame.

    Raises `too_large` on the source's own clock too, before resampling a frame, so a header
    claiming a tiny sample rate cannot make one frame expand into gigabytes.

    Packets that fail to decode are skipped (FFmpeg resynchronises on the next one); an error
    while demuxing ends the stream.
    """
    with av.open(
        io.BytesIO(data), mode="r", format=demuxer, metadata_errors="replace"
    ) as container:
        if not container.streams.audio:
            raise _unsupported("the file has no audio track")
        stream = container.streams.audio[0]
        resampler: av.AudioResampler | None = None
        source: tuple[str, str, int] | None = None
        seconds = 0.0
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except (av.FFmpegError, ValueError):
                continue
            for frame in frames:
                if not isinstance(frame, av.AudioFrame) or frame.samples == 0:
                    continue
                if frame.sample_rate <= 0:
                    raise _unsupported("the audio has no valid sample rate")
                seconds += frame.samples / frame.sample_rate
                if seconds > max_seconds + 1.0:
                    raise _too_large(max_seconds)
                key = (frame.format.name, frame.layout.name, frame.sample_rate)
                if resampler is None or key != source:
                    # A chained stream changed its parameters: drain, then start afresh.
                    if resampler is not None:
                        yield from _arrays(resampler.resample(None))
                    resampler = av.AudioResampler(format="s16", layout="mono", rate=TARGET_RATE)
                    source = key
                frame.pts = None
                yield from _arrays(resampler.resample(frame))
        if resampler is not None:
            yield from _arrays(resampler.resample(None))


def _arrays(frames: list[av.AudioFrame]) -> Iterator[npt.NDArray[np.int16]]:
    for frame in frames:
        # A pass-through resampler answers a flush with [None].
        if frame is not None and frame.samples:
            yield frame.to_ndarray().reshape(-1)[: frame.samples].astype(np.int16, copy=False)


def _raw_pcm(data: bytes, max_seconds: float) -> PcmAudio:
    if len(data) % 2:
        raise _unsupported("pcm_16000 audio must be whole 16-bit samples (an even byte count)")
    if len(data) / 2 / TARGET_RATE > max_seconds:
        raise _too_large(max_seconds)
    return PcmAudio(data=data, sample_rate=TARGET_RATE)


def _reason(exc: Exception) -> str:
    if isinstance(exc, av.FFmpegError) and exc.strerror:
        return str(exc.strerror)[:120]
    text = str(exc).strip() or type(exc).__name__
    return text[:120]


def _unsupported(message: str) -> MockMateError:
    return UnsupportedAudio(message)


def _too_large(max_seconds: float) -> MockMateError:
    return TooLarge(
        f"the answer is longer than the {max_seconds:g} s limit"
    )
