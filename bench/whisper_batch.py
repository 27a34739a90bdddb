"""Would transcribing several candidates' stretches as one batch cost less CPU? (issue 15)

At 20 spoken candidates on two cores, the end of a burst of 2-minute answers is bound by
Whisper's CPU (docs/performance.md). GPUs run Whisper in batches; this checks whether
CTranslate2 on the CPU, int8, one thread, does the same work for less when it gets N
stretches at once. It cuts `bench/answers/long.txt`, spoken by Piper, into N stretches of 25
words (8-9 s), pads each to 18 s of features (8 s and the engine's 10 s of padding), and
times the bundled tiny.en encoding them, then encoding and greedily decoding them, one at a
time and as one batch. CPU seconds (`time.process_time`, the best of three rounds), so a
busy machine changes the figures less than the wall clock would.

    PYTHONPATH=. python bench/whisper_batch.py [N=4]
"""

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ctranslate2
import numpy as np
from faster_whisper.feature_extractor import FeatureExtractor

from mockmate.speech.whisper_stt import _locate, resolve_model
from tests.support.audio import speech_16k

FRAMES = 1800  # 18 s of 10 ms frames
START = [50257, 50362]  # tiny.en: <|startoftranscript|> <|notimestamps|>
WORDS_PER_STRETCH = 25


def features(n: int) -> list[np.ndarray]:
    words = (Path(__file__).parent / "answers" / "long.txt").read_text().split()
    extract = FeatureExtractor(80)
    stretches = []
    for i in range(n):
        text = " ".join(words[i * WORDS_PER_STRETCH:(i + 1) * WORDS_PER_STRETCH])
        samples = np.frombuffer(speech_16k(text).data, "<i2").astype(np.float32) / 32768.0
        feats = extract(samples)[:, :FRAMES]
        stretches.append(np.pad(feats, ((0, 0), (0, FRAMES - feats.shape[1]))))
    return stretches


def best_cpu(work: Callable[[], Any], rounds: int = 3) -> float:
    work()  # warm
    spent = []
    for _ in range(rounds):
        began = time.process_time()
        work()
        spent.append(time.process_time() - began)
    return min(spent)


def main(n: int) -> None:
    model = ctranslate2.models.Whisper(str(_locate(resolve_model())), device="cpu",
                                       compute_type="int8", intra_threads=1, inter_threads=1)
    stretches = features(n)

    def encode(batch: list[np.ndarray]) -> Any:
        return model.encode(ctranslate2.StorageView.from_array(
            np.ascontiguousarray(np.stack(batch))))

    def transcribe(batch: list[np.ndarray]) -> Any:
        return model.generate(encode(batch), [START] * len(batch), beam_size=1,
                              max_length=200)

    for name, step in (("encode", encode), ("encode + decode", transcribe)):
        alone = best_cpu(lambda step=step: [step([s]) for s in stretches])
        together = best_cpu(lambda step=step: step(stretches))
        print(f"{name:16} {n} one at a time {alone:.3f} CPU-s, one batch of {n} "
              f"{together:.3f} CPU-s: the batch costs {together / alone:.2f}x", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 4)
