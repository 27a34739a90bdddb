"""A Whisper model whose encoder sees each window's audio plus some padding, not a whole 30 s
window (`speech.window_rules` says why and how much).

faster-whisper passes no length to `encode`, so the transcribing thread states the padding
first (`fitted_to`); the override finds how much audio the window holds (the frames before
faster-whisper's zeros), keeps that and the padding, and turns the padding into silence
(`window_rules.fitted_window`). Outside `fitted_to` it encodes as faster-whisper does.
Kept apart from `speech.whisper_stt` because importing faster-whisper is slow: only a process
that loads the model pays for it.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from faster_whisper import WhisperModel

from mockmate.speech.window_rules import fitted_window

__all__ = ["FittedWhisperModel"]


class FittedWhisperModel(WhisperModel):  # type: ignore[misc]
    """`WhisperModel` whose `encode` sees each window's audio and the padding of silence the
    calling thread asked for, no more."""

    _fit = threading.local()

    @contextmanager
    def fitted_to(self, pad_s: float) -> Iterator[None]:
        """Within this block, this thread's encoder calls see each window's audio and `pad_s`
        seconds of silence after it (in whole seconds, at most 30 s: `window_frames`)."""
        self._fit.pad_s = pad_s
        try:
            yield
        finally:
            self._fit.pad_s = None

    def encode(self, features: np.ndarray) -> Any:
        pad_s = getattr(self._fit, "pad_s", None)
        if pad_s is not None:
            features = fitted_window(features, pad_s)
        return super().encode(features)
