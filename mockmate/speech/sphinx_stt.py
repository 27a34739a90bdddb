"""Offline speech-to-text with pocketsphinx, so answers can be transcribed (with word timings for
pace and pause analysis) without a cloud account.

Decoding runs in worker *processes*, not threads: pocketsphinx's Python binding holds the GIL
while it decodes, so a thread stalled the event loop of the whole server for the length of the
decode (1.3 s for an 8 s answer, 1.7-2.6 s in `end_utt` alone for a 50 s one). Decoders are not
thread-safe and take about half a second to create, so each worker process builds exactly one,
when it starts, and keeps it: at most `max_concurrency` decoders and transcriptions at a time.
Accuracy is modest: fine on short clear sentences, garbled on long or robotic speech.
"""

import asyncio
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import numpy as np
import pocketsphinx  # type: ignore[import-untyped]

from mockmate.speech.base import PcmAudio, SpeechError, Transcript, Word

__all__ = ["SAMPLE_RATE", "SphinxSpeechToText"]

SAMPLE_RATE = 16000
_FRAMES_PER_SECOND = 100  # pocketsphinx's default frame rate (-frate)
_ALTERNATE = re.compile(r"\(\d+\)$")  # "for(2)": second pronunciation of "for"


class SphinxSpeechToText:
    """`SpeechToText` backed by pocketsphinx's bundled US-English model.

    Input must be 16 kHz mono s16 PCM (`ValueError` otherwise). Audio whose RMS level is below
    `silence_threshold_dbfs` is not decoded at all: pocketsphinx invents words ("dog") for
    digital silence. `confidence` is the mean posterior probability of the recognized words
    (from the word lattice), falling back to the whole-utterance posterior when no word carries
    one; clamped to 0..1, and 0 for an empty transcript.

    Worker processes start with the "spawn" method (safe in a threaded server) on first use or
    at `warm_up()`; like any spawn pool this needs the program's entry point to be import-safe
    (`python -m mockmate` and console scripts are). `decoder_options` are extra
    `pocketsphinx.Decoder` settings (e.g. `hmm`, `lm`, `dict`). `worker_pids` lists the worker
    processes that have answered so far, for tests and metrics.
    """

    def __init__(
        self,
        *,
        max_concurrency: int = 2,
        silence_threshold_dbfs: float = -60.0,
        decoder_options: Mapping[str, Any] | None = None,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self._max_concurrency = max_concurrency
        self._silence_rms = 32768.0 * 10.0 ** (silence_threshold_dbfs / 20.0)
        self._options: dict[str, Any] = {"loglevel": "FATAL", **(decoder_options or {})}
        self._options["samprate"] = SAMPLE_RATE
        self._executor = self._new_executor()
        self._closed = False
        self.worker_pids: set[int] = set()

    async def warm_up(self) -> None:
        """Start every worker process (each builds its decoder) now rather than on the first
        answers. Raises `SpeechError` if a decoder cannot be built."""
        await asyncio.gather(*(self._run(_worker_ready) for _ in range(self._max_concurrency)))

    async def transcribe(self, audio: PcmAudio) -> Transcript:
        """Transcribe one utterance of 16 kHz mono PCM."""
        if audio.sample_rate != SAMPLE_RATE:
            raise ValueError(f"pocketsphinx needs {SAMPLE_RATE} Hz audio, got {audio.sample_rate}")
        if self._closed:
            raise SpeechError("the pocketsphinx engine is closed", retryable=False)
        if len(audio.data) < 2:
            return Transcript(text="", confidence=0.0, duration_s=audio.duration_s)
        return await self._run(_transcribe_in_worker, audio.data, self._silence_rms)

    async def aclose(self) -> None:
        """Stop accepting work, cancel queued transcriptions, wait for running ones and stop
        the worker processes."""
        self._closed = True
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self._max_concurrency,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self._options,),
        )

    async def _run(self, job: Callable[..., tuple[Transcript, int]], *args: object) -> Transcript:
        if self._closed:
            raise SpeechError("the pocketsphinx engine is closed", retryable=False)
        executor = self._executor
        try:
            result, pid = await asyncio.get_running_loop().run_in_executor(executor, job, *args)
        except BrokenProcessPool as exc:
            # A worker died (crash, OOM kill): this pool is unusable, the next call gets a new one.
            if self._executor is executor and not self._closed:
                executor.shutdown(wait=False, cancel_futures=True)
                self._executor = self._new_executor()
            raise SpeechError(f"a pocketsphinx worker died: {exc}", retryable=True) from exc
        except Exception as exc:
            if self._closed:  # shut down while we were submitting or waiting
                raise SpeechError("the pocketsphinx engine is closed", retryable=False) from exc
            raise SpeechError(f"pocketsphinx transcription failed: {exc}") from exc
        self.worker_pids.add(pid)
        return result


# Everything below runs in the worker processes. The decoder is process-local state of a worker,
# created by the pool's initializer; the server process never holds one.

_decoder: Any = None
_decoder_error: Exception | None = None


def _start_worker(options: dict[str, Any]) -> None:
    """Pool initializer: build this worker's decoder. A failure is kept and raised by each job
    (an initializer that raised would only break the pool with an uninformative error)."""
    global _decoder, _decoder_error
    try:
        _decoder = pocketsphinx.Decoder(**options)
    except Exception as exc:
        _decoder_error = exc


def _worker_decoder() -> Any:
    if _decoder is None:
        raise RuntimeError(f"could not create a pocketsphinx decoder: {_decoder_error}")
    return _decoder


def _worker_ready() -> tuple[Transcript, int]:
    _worker_decoder()
    return Transcript(text="", confidence=0.0, duration_s=0.0), os.getpid()


def _transcribe_in_worker(pcm: bytes, silence_rms: float) -> tuple[Transcript, int]:
    samples = np.frombuffer(pcm, dtype="<i2", count=len(pcm) // 2)
    duration = len(pcm) / 2 / SAMPLE_RATE  # as PcmAudio.duration_s
    as_float = samples.astype(np.float64)
    if not samples.size or float(np.sqrt(np.mean(as_float * as_float))) < silence_rms:
        return Transcript(text="", confidence=0.0, duration_s=duration), os.getpid()
    decoder = _worker_decoder()
    decoder.start_utt()
    try:
        decoder.process_raw(samples.tobytes(), full_utt=True)
    finally:
        decoder.end_utt()  # so the decoder is never left inside an utterance
    hypothesis = decoder.hyp()
    return _transcript(hypothesis, decoder.seg() or (), duration), os.getpid()


def _clean_word(token: str) -> str:
    """A dictionary word from a pocketsphinx token; "" for silences, fillers and noises
    (<s>, </s>, <sil>, [NOISE], ++GARBAGE++ ...)."""
    if token.startswith(("<", "[", "+")):
        return ""
    return _ALTERNATE.sub("", token)


def _transcript(hypothesis: Any, segments: Iterable[Any], duration: float) -> Transcript:
    words: list[Word] = []
    posteriors: list[float] = []
    for segment in segments:
        text = _clean_word(str(segment.word))
        if not text:
            continue
        start = min(int(segment.start_frame) / _FRAMES_PER_SECOND, duration)
        end = min((int(segment.end_frame) + 1) / _FRAMES_PER_SECOND, duration)  # end inclusive
        words.append(Word(text=text, start_s=start, end_s=max(start, end)))
        posteriors.append(float(segment.prob))
    raw = str(hypothesis.hypstr) if hypothesis is not None else ""
    text = " ".join(w for w in (_clean_word(t) for t in raw.split()) if w)
    if not text:
        return Transcript(text="", confidence=0.0, duration_s=duration)
    # With no per-word posterior, the utterance's: pocketsphinx 5's Python API already gives
    # `prob` as a probability (it applies logmath.exp), not as a log.
    confidence = sum(posteriors) / len(posteriors) if posteriors else float(hypothesis.prob)
    return Transcript(
        text=text,
        confidence=min(1.0, max(0.0, confidence)),
        duration_s=duration,
        words=tuple(words),
    )
