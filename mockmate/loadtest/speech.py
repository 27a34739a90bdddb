"""The candidates' spoken answer: Piper speaks a sentence once per run, as 16 kHz PCM.

The same offline voice the server speaks questions with (joe), resampled by the server's own
decoder, so answers are real speech that the server's recogniser decodes. Without Piper's
noise: the same text is the same audio in every run, so runs compare. With it, the pauses
between sentences moved from run to run, and with them how much of a streamed answer was
left to transcribe after the submit (6-21 s of the same 2-minute answer; p95 to
`answer:transcript` 1.3-2.9 s at one commit).
"""

import asyncio

import numpy as np
from piper import PiperVoice, SynthesisConfig

from mockmate.speech.codec import decode_to_pcm16k
from mockmate.speech.output import wav_bytes
from mockmate.speech.piper_tts import PiperVoiceFiles

FIXED = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
ANSWER = ("At my last job our checkout page was slow. I added a cache, and the delay dropped "
          "by half.")
SILENCE_S = 0.3  # before and after the words, as a speaker would leave


async def spoken_answer(text: str = ANSWER) -> bytes:
    """`text` spoken by Piper: 16-bit mono PCM at 16 kHz with short silences around it."""
    samples, rate = await asyncio.to_thread(_speak, text)
    pcm = decode_to_pcm16k(wav_bytes(samples, rate), "wav", max_seconds=600).data
    pause = bytes(2 * int(16000 * SILENCE_S))
    return pause + pcm + pause


def _speak(text: str) -> tuple[bytes, int]:
    files = PiperVoiceFiles.joe()
    voice = PiperVoice.load(str(files.model_path), config_path=str(files.config_path))
    pieces = [chunk.audio_int16_array for chunk in voice.synthesize(text, syn_config=FIXED)]
    return np.concatenate(pieces).astype("<i2").tobytes(), voice.config.sample_rate
