"""Which Whisper decoding hears a robotic voice best: espeak-ng speaks the twelve answers of
the accuracy test, the bundled tiny.en transcribes each with the filler prompt under each
decoding option, and the script prints the word error rate and the errors per answer.

    PYTHONPATH=. python bench/wer_decoding.py [base] [nocond] [beam5]

About 100 s of CPU per option on a loaded 2-core machine (docs/voice.md has the figures).
"""

import sys
import time
from typing import Any

import numpy as np

from mockmate.speech.transcripts import FILLER_PROMPT
from mockmate.speech.whisper_stt import _load_model, _locate, resolve_model
from tests.integration.test_transcription_accuracy import ANSWERS
from tests.support.audio import espeak_16k
from tests.support.wer import word_error_rate

OPTIONS: dict[str, dict[str, Any]] = {
    "base": {"beam_size": 1},  # conditioned on the previous window's text (the old default)
    "nocond": {"beam_size": 1, "condition_on_previous_text": False},  # used
    "beam5": {"beam_size": 5, "condition_on_previous_text": False},
}


def main(names: list[str]) -> None:
    model = _load_model(_locate(resolve_model()), 1, 2)
    audio = [espeak_16k(text) for text in ANSWERS]
    for name in names or list(OPTIONS):
        started, wrong, words, per_answer = time.time(), 0, 0, []
        for text, pcm in zip(ANSWERS, audio, strict=True):
            samples = np.frombuffer(pcm.data, dtype="<i2").astype(np.float32) / 32768.0
            segments, _ = model.transcribe(samples, language="en", word_timestamps=True,
                                           vad_filter=False, initial_prompt=FILLER_PROMPT,
                                           **OPTIONS[name])
            heard = " ".join(segment.text.strip() for segment in segments)
            errors, count = word_error_rate(text, heard, counts=True)
            wrong, words = wrong + errors, words + count
            per_answer.append(errors)
        print(f"{name}: WER {100 * wrong / words:.1f} % errors per answer {per_answer} "
              f"({time.time() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
