"""A Whisper model whose encoder sees the audio plus some padding, not a whole 30 s window
(`speech.window_rules` says why and how much).

faster-whisper passes no length to `encode`, so the transcribing thread states it first
(`fitted_to`); the override keeps the window's first frames and drops the rest, which are
padding. Outside `fitted_to`, or for a window no longer than asked, it encodes as before.
Kept apart from `speech.whisper_stt` because importing faster-whisper is slow: only a process
that loads the model pays for it.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from faster_whisper import WhisperModel

__all__ = ["FittedWhisperModel"]


class FittedWhisperModel(WhisperModel):  # type: ignore[misc]
    """`WhisperModel` whose `encode` keeps only the frames the calling thread asked for."""

    _fit = threading.local()

    @contextmanager
    def fitted_to(self, frames: int) -> Iterator[None]:
        """Within this block, this thread's encoder calls see at most `frames` frames."""
        self._fit.frames = frames
        try:
            yield
        finally:
            self._fit.frames = None

    def encode(self, features: np.ndarray) -> Any:
        frames = getattr(self._fit, "frames", None)
        if frames is not None and features.shape[-1] > frames:
            features = np.ascontiguousarray(features[..., :frames])
        return super().encode(features)
