"""Which Whisper prompt keeps filler words: Piper speaks answers full of "um", "uh", "like",
the bundled tiny.en transcribes each with every candidate prompt, and the script prints, per
prompt, how many of the spoken fillers the transcript kept and the word error rate of the rest.

    PYTHONPATH=. python bench/filler_prompt.py

Runs in about a minute of CPU (6 clips x 4 prompts, ~9 s of speech each).
"""

import re
import time

import numpy as np

from mockmate.evaluators.delivery import count_fillers
from mockmate.speech.transcripts import FILLER_PROMPT
from mockmate.speech.whisper_stt import _load_model, _locate, resolve_model
from tests.support.audio import speech_16k
from tests.support.wer import word_error_rate

ANSWERS = [
    "Um, so the first thing I did was, uh, look at the slow queries, and, um, move them.",
    "Uh, I think the hardest part was, like, getting everyone to agree on the plan.",
    "So, um, we had a read replica, and uh, the reports ran on it instead of the primary.",
    "Hmm, let me think. Basically, the queue was, like, backing up every morning.",
    "I mean, we tried caching first, um, but, uh, the data changed too often.",
    "Uh, the result was, um, latency went from two seconds to, like, two hundred milliseconds.",
]
PROMPTS = {
    "none": None,
    "issue prompt": FILLER_PROMPT,
    "short": "Um, uh, like, you know.",
    "interview": "So, um, I was, uh, like, working on the API, and, um, it was slow.",
}


def main() -> None:
    spec = resolve_model()
    model = _load_model(_locate(spec), 1, 1)
    clips = [(text, speech_16k(text)) for text in ANSWERS]
    spoken = sum(sum(count_fillers(text).values()) for text in ANSWERS)
    print(f"{len(clips)} clips, {spoken} fillers spoken")
    for name, prompt in PROMPTS.items():
        kept = errors = words = 0
        started = time.process_time()
        for text, pcm in clips:
            samples = np.frombuffer(pcm.data, dtype="<i2").astype(np.float32) / 32768.0
            segments, _ = model.transcribe(samples, language="en", beam_size=1,
                                           initial_prompt=prompt, word_timestamps=True)
            heard = " ".join(s.text.strip() for s in segments)
            said_fillers, heard_fillers = count_fillers(text), count_fillers(heard)
            kept += sum(min(n, heard_fillers.get(k, 0)) for k, n in said_fillers.items())
            plain = re.sub(r"\b(um|uh|hmm|like)\b", "", text, flags=re.I)
            plain_heard = re.sub(r"\b(u+m+|u+h+|h+m+|like)\b", "", heard, flags=re.I)
            err, n = word_error_rate(plain, plain_heard, counts=True)
            errors, words = errors + err, words + n
        cpu = time.process_time() - started
        print(f"{name:13s} fillers kept {kept}/{spoken}  WER without fillers "
              f"{100 * errors / words:.1f} %  CPU {cpu:.1f} s")


if __name__ == "__main__":
    main()
