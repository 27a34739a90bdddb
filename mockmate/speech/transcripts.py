"""What every Whisper engine (Groq's in the cloud, faster-whisper offline) shares: the prompt
that keeps filler words in the transcript, and a confidence from Whisper's segment scores."""

import math
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["FILLER_PROMPT", "as_dicts", "number", "prompt_with", "segment_confidence"]

# Whisper continues the prompt's style: showing fillers keeps them in the transcript.
# Measured on Piper answers with fillers (tests/unit/test_whisper_stt.py): without a prompt
# tiny.en wrote none of "um", "uh"; with this one it kept them.
FILLER_PROMPT = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking."
# A stretch of an answer cut from the words before it (interviews.live) is prompted with the
# last of them too, as Whisper reads its own previous window: cut in short pauses, the first
# words of a stretch were misheard without them ("and the page" -> "In the page"). On the
# accuracy test's answers joined four at a time (45-60 s) and cut by the live rules, WER
# 6.0 -> 5.4 % (Piper) and 12.7 -> 11.7 % (espeak-ng); twelve at a time, 5.8 -> 5.6 % and
# 12.7 -> 9.9 % (bench/live_cuts.py). A whole answer has no words before it.
CONTEXT_WORDS = 40


def prompt_with(prompt: str | None, context: str) -> str | None:
    """`prompt` followed by the last CONTEXT_WORDS words of `context`."""
    tail = " ".join(context.split()[-CONTEXT_WORDS:])
    if not tail:
        return prompt
    return f"{prompt} {tail}" if prompt else tail


def as_dicts(value: Any) -> list[Mapping[str, Any]]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    result = float(value)
    return result if math.isfinite(result) else None


def segment_confidence(segments: Sequence[Mapping[str, Any]]) -> float:
    """Mean of exp(avg_logprob) over segments, weighted by their length; a segment without
    avg_logprob counts as 1 - no_speech_prob. 1.0 when there is neither (text was heard)."""
    total = weight_sum = 0.0
    for segment in segments:
        logprob = number(segment.get("avg_logprob"))
        no_speech = number(segment.get("no_speech_prob"))
        if logprob is not None:
            value = math.exp(min(0.0, logprob))
        elif no_speech is not None:
            value = 1.0 - no_speech
        else:
            continue
        start, end = number(segment.get("start")), number(segment.get("end"))
        weight = end - start if start is not None and end is not None and end > start else 1.0
        total += value * weight
        weight_sum += weight
    if weight_sum == 0.0:
        return 1.0
    return min(1.0, max(0.0, total / weight_sum))
