"""What fitted windows and stopping at a quiet tail save (`speech/window_rules.py`): the
twelve answers of the accuracy test, spoken by Piper and by espeak-ng, transcribed by the
bundled tiny.en once as the engine did before (every window faster-whisper offers, each
padded to 30 s) and once through the engine's own `whisper_stt._transcribe` (the audio and
10 s of padding; no window for a quiet leftover). Prints, per voice and way, the word error
rate, the CPU seconds per call and the windows encoded per call.

    PYTHONPATH=. python bench/whisper_tail.py [SPLIT_S]

SPLIT_S (default 30): each answer is cut into pieces of at most that many seconds, so that
short stretches, like the voice detector's, are measured too.
"""

import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from mockmate.speech.transcripts import FILLER_PROMPT
from mockmate.speech.whisper_stt import _load_model, _locate, _transcribe, resolve_model
from tests.integration.test_transcription_accuracy import ANSWERS
from tests.support.audio import espeak_16k, speech_16k
from tests.support.wer import word_error_rate

RATE = 16000
PAD_S = 6.0  # the engine's default (MOCKMATE_STT_WINDOW_PAD_S)


def every_window(model: Any, pcm: bytes) -> str:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    segments, _ = model.transcribe(
        samples, language="en", beam_size=1, word_timestamps=True, vad_filter=False,
        initial_prompt=FILLER_PROMPT, condition_on_previous_text=False)
    return " ".join(segment.text.strip() for segment in segments)


def engine(model: Any, pcm: bytes) -> str:
    return _transcribe(model, pcm, FILLER_PROMPT, 32768.0 * 10 ** (-60 / 20), PAD_S).text


def main(split_s: float) -> None:
    model = _load_model(_locate(resolve_model()), 1, 1)
    windows = [0]
    encode = model.encode

    def counted(*args: Any, **kwargs: Any) -> Any:
        windows[0] += 1
        return encode(*args, **kwargs)

    model.encode = counted
    ways: dict[str, Callable[[Any, bytes], str]] = {
        "every window": every_window, "engine now": engine}
    step = int(split_s * RATE) * 2
    for voice, synth in {"piper": speech_16k, "espeak-ng": espeak_16k}.items():
        audio = [synth(text).data for text in ANSWERS]
        for way, heard in ways.items():
            wrong = words = calls = 0
            windows[0] = 0
            cpu = time.process_time()
            for text, pcm in zip(ANSWERS, audio, strict=True):
                said = []
                for i in range(0, len(pcm), step):
                    said.append(heard(model, pcm[i:i + step]))
                    calls += 1
                errors, count = word_error_rate(text, " ".join(said), counts=True)
                wrong, words = wrong + errors, words + count
            spent = time.process_time() - cpu
            print(f"{voice:9} {way:12}: WER {100 * wrong / words:5.1f} %  CPU "
                  f"{spent / calls:.2f} s per call, {windows[0] / calls:.2f} windows per call "
                  f"({calls} calls of <= {split_s:.0f} s)", flush=True)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 30.0)
