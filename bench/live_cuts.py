"""How the live path's cuts (`interviews/live_rules.next_cut`, the detector at
`DETECTOR_MIN_SILENCE_S`) split spoken answers, and what that does to the word error rate:
the accuracy test's twelve answers, joined GROUP at a time, spoken by Piper or espeak-ng,
cut as the live transcriber would (a look after every second of audio; the detector run on
the whole open stretch, which the live path approximates with its look-back), each stretch
and the rest transcribed by the bundled tiny.en, with and without the words of the
stretches before in the prompt (`speech/transcripts.prompt_with`). Prints per way the WER,
the Whisper calls, their CPU and what each answer left open at its end (transcribed after
the submit).

    PYTHONPATH=. python bench/live_cuts.py [piper|espeak-ng] [GROUP]
"""

import asyncio
import sys
import time

import numpy as np

from mockmate.interviews.live_rules import DETECTOR_MIN_SILENCE_S, RATE, next_cut
from mockmate.interviews.turns import speech_spans
from mockmate.speech.base import PcmAudio
from mockmate.speech.whisper_stt import WhisperSpeechToText
from tests.integration.test_transcription_accuracy import ANSWERS
from tests.support.audio import espeak_16k, speech_16k
from tests.support.wer import word_error_rate


def cuts(samples: np.ndarray) -> tuple[list[tuple[int, int]], int]:
    """The closed stretches [start, end) in samples, and where the open rest begins."""
    done, closed = 0, []
    for heard in [*range(RATE, samples.size, RATE), samples.size]:
        while True:
            window = samples[done:heard]
            spans = speech_spans(window, min_silence_s=DETECTOR_MIN_SILENCE_S)
            cut = next_cut(spans, window.size / RATE)
            if cut is None:
                break
            closed.append((done, done + int(cut * RATE)))
            done += int(cut * RATE)
    return closed, done


async def main(voice: str, group: int) -> None:
    speak = speech_16k if voice == "piper" else espeak_16k
    texts = [" ".join(ANSWERS[i:i + group]) for i in range(0, len(ANSWERS), group)]
    spoken = [speak(text) for text in texts]
    stt = WhisperSpeechToText(max_concurrency=1, reserved_workers=0)
    await stt.warm_up()
    for with_context in (True, False):
        errors = words = calls = 0
        cpu = 0.0
        left = []
        for text, pcm in zip(texts, spoken, strict=True):
            samples = np.frombuffer(pcm.data, dtype="<i2").astype(np.float32) / 32768.0
            closed, done = cuts(samples)
            heard: list[str] = []
            began = time.process_time()
            for start, end in [*closed, (done, samples.size)]:
                context = " ".join(heard) if with_context else ""
                said = await stt.transcribe(PcmAudio(pcm.data[start * 2:end * 2], RATE),
                                            context=context)
                heard.append(said.text.strip())
                calls += 1
            cpu += time.process_time() - began
            left.append(round((samples.size - done) / RATE, 1))
            wrong, count = word_error_rate(text, " ".join(heard), counts=True)
            errors, words = errors + wrong, words + count
        print(f"{voice}, {group} at a time, {'with' if with_context else 'without'} the words "
              f"before: WER {100 * errors / words:.1f} %, {calls} calls, {cpu:.1f} CPU-s, "
              f"left open at the end (s): {left}", flush=True)
    await stt.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "piper",
                     int(sys.argv[2]) if len(sys.argv) > 2 else 4))
