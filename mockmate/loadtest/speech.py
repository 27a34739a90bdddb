"""The candidates' spoken answer: Piper speaks a sentence once per run, as 16 kHz PCM.

The same offline voice the server speaks questions with (`PiperTextToSpeech`), resampled by
the server's own decoder, so answers are real speech that the server's recogniser decodes.
"""

from mockmate.speech.codec import decode_to_pcm16k
from mockmate.speech.output import wav_bytes
from mockmate.speech.piper_tts import PiperTextToSpeech

ANSWER = ("At my last job our checkout page was slow. I added a cache, and the delay dropped "
          "by half.")
SILENCE_S = 0.3  # before and after the words, as a speaker would leave


async def spoken_answer(text: str = ANSWER) -> bytes:
    """`text` spoken by Piper: 16-bit mono PCM at 16 kHz with short silences around it."""
    tts = PiperTextToSpeech(max_concurrency=1)
    try:
        pieces = [piece async for piece in tts.stream(text)]
    finally:
        await tts.aclose()
    rate = pieces[0].sample_rate
    samples = b"".join(p.data for p in pieces)
    pcm = decode_to_pcm16k(wav_bytes(samples, rate), "wav", max_seconds=600).data
    pause = bytes(2 * int(16000 * SILENCE_S))
    return pause + pcm + pause
