"""What a shorter Whisper window costs in accuracy and saves in CPU: the twelve answers of the
accuracy test, spoken by Piper and by espeak-ng, transcribed by the bundled tiny.en as the
server does (`whisper_stt._transcribe`'s options), once padded to the usual 30 s window and
once with the window fitted to the audio (`chunk_length`, seconds). Prints, per voice and
window, the word error rate and the CPU seconds per answer.

    PYTHONPATH=. python bench/whisper_window.py [SPLIT_S]

SPLIT_S (default 12): each answer is also cut into pieces of at most that many seconds, as
the voice detector's stretches are, so that short stretches are measured too.
"""

import math
import sys
import time

import numpy as np

from mockmate.speech.transcripts import FILLER_PROMPT
from mockmate.speech.whisper_stt import _load_model, _locate, resolve_model
from tests.integration.test_transcription_accuracy import ANSWERS
from tests.support.audio import espeak_16k, speech_16k
from tests.support.wer import word_error_rate

RATE = 16000


def heard(model: object, samples: np.ndarray, window_s: int | None) -> str:
    segments, _ = model.transcribe(  # type: ignore[attr-defined]
        samples, language="en", beam_size=1, word_timestamps=True, vad_filter=False,
        initial_prompt=FILLER_PROMPT, condition_on_previous_text=False,
        chunk_length=window_s)
    return " ".join(segment.text.strip() for segment in segments)


def main(split_s: float) -> None:
    model = _load_model(_locate(resolve_model()), 1, 1)
    voices = {"piper": speech_16k, "espeak-ng": espeak_16k}
    for voice, synth in voices.items():
        audio = [np.frombuffer(synth(text).data, dtype="<i2").astype(np.float32) / 32768.0
                 for text in ANSWERS]
        for window in ("30 s", "fitted"):
            wrong = words = calls = 0
            cpu = time.process_time()
            for text, samples in zip(ANSWERS, audio, strict=True):
                step = int(split_s * RATE)
                pieces = [samples[i:i + step] for i in range(0, len(samples), step)]
                said = []
                for piece in pieces:
                    fit = min(30, math.ceil(len(piece) / RATE) + 1)
                    said.append(heard(model, piece, None if window == "30 s" else fit))
                    calls += 1
                errors, count = word_error_rate(text, " ".join(said), counts=True)
                wrong, words = wrong + errors, words + count
            spent = time.process_time() - cpu
            print(f"{voice:9} {window:6}: WER {100 * wrong / words:5.1f} %  "
                  f"CPU {spent / calls:.2f} s per call ({calls} calls of <= {split_s:.0f} s)",
                  flush=True)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 12.0)
