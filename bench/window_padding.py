"""What pads a fitted Whisper window, and how much of it (`speech/window_rules.fitted_window`).

faster-whisper 1.2.1 pads a window's features with zeros, which Whisper hears as a steady
noise; Whisper was trained on windows padded with the log-mel of digital silence. This
transcribes, through the engine's own `whisper_stt._transcribe`, with the bundled tiny.en,
one thread:
- `whole`: the accuracy test's twelve answers (10-20 s), whole;
- `cut`: `bench/answers/long.txt` cut every 25 words, from its first word and from its 13th
  (36 stretches of 6-9 s that end in the middle of a sentence, where short padding loops);

spoken by Piper and by espeak-ng, with the padding as faster-whisper writes it (zeros) and as
the engine writes it (silence), at each PAD_S. Prints the word error rate, the CPU seconds
per call, the calls that took over 0.8 CPU-s (a decoder looping on a word), and the calls
whose skipped speech the engine decoded again (docs/voice.md, "Skipped speech").

    PYTHONPATH=. python bench/window_padding.py [PAD_S,...=10,6,5,3]
"""

import logging
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from faster_whisper import WhisperModel

from mockmate.speech import fitted_whisper
from mockmate.speech.transcripts import FILLER_PROMPT
from mockmate.speech.whisper_stt import _load_model, _locate, _transcribe, resolve_model
from mockmate.speech.window_rules import FRAMES_PER_S, content_frames, window_frames
from tests.integration.test_transcription_accuracy import ANSWERS
from tests.support.audio import espeak_16k, speech_16k
from tests.support.wer import word_error_rate

SILENCE_RMS = 32768.0 * 10 ** (-60 / 20)  # the engine's default threshold, -60 dBFS
SLOW_CPU_S = 0.8


def zero_padded(self: Any, features: np.ndarray) -> Any:
    """The fitted window with faster-whisper's own padding (zeros), as the engine had it."""
    pad_s = getattr(self._fit, "pad_s", None)
    if pad_s is not None:
        frames = window_frames(content_frames(features) / FRAMES_PER_S, pad_s)
        features = np.ascontiguousarray(features[..., :frames])
    return WhisperModel.encode(self, features)


class DecodedAgain(logging.Handler):
    """Counts the engine's "decoded again" log lines."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += record.getMessage().startswith("Whisper skipped speech")


def cut_texts() -> list[str]:
    words = (Path(__file__).parent / "answers" / "long.txt").read_text().split()
    return [" ".join(words[start:start + 25]) for offset in (0, 12)
            for start in range(offset, len(words) - 25, 25)][:36]


def main(pads: list[float]) -> None:
    model = _load_model(_locate(resolve_model()), 1, 1)
    again = DecodedAgain()
    engine_log = logging.getLogger("mockmate.speech.whisper_stt")
    engine_log.addHandler(again)
    engine_log.setLevel(logging.INFO)
    silence_padded = fitted_whisper.FittedWhisperModel.encode
    sets = {"whole": list(ANSWERS), "cut": cut_texts()}
    for voice, speak in (("piper", speech_16k), ("espeak-ng", espeak_16k)):
        for name, texts in sets.items():
            audio = [speak(text).data for text in texts]
            for pad_s in pads:
                for padding, encode in (("zeros", zero_padded), ("silence", silence_padded)):
                    fitted_whisper.FittedWhisperModel.encode = encode  # type: ignore[method-assign]
                    wrong = words = slow = again.count = 0
                    spent = 0.0
                    for text, pcm in zip(texts, audio, strict=True):
                        began = time.process_time()
                        heard = _transcribe(model, pcm, FILLER_PROMPT, SILENCE_RMS, pad_s).text
                        took = time.process_time() - began
                        spent += took
                        slow += took > SLOW_CPU_S
                        errors, count = word_error_rate(text, heard, counts=True)
                        wrong, words = wrong + errors, words + count
                    print(f"{voice:9} {name:5} pad {pad_s:4.1f} s {padding:7}: WER "
                          f"{100 * wrong / words:5.1f} %, {spent / len(texts):.3f} CPU-s per "
                          f"call, {slow} of {len(texts)} over {SLOW_CPU_S} s, "
                          f"{again.count} decoded again", flush=True)
    fitted_whisper.FittedWhisperModel.encode = silence_padded  # type: ignore[method-assign]


if __name__ == "__main__":
    main([float(p) for p in (sys.argv[1] if len(sys.argv) > 1 else "10,6,5,3").split(",")])
