"""The clarity mark: length, sentence length, signposting, STAR structure and delivery.

Clarity is how easy the answer is to follow, so it looks at form rather than content: a
sensible length, sentences of readable length, connectives between the steps, a complete
STAR story for non-technical questions and, for spoken answers, pace, filler words and long
pauses. Delivery problems are also reported as feedback here, where they are measured.
"""

import math

from mockmate.evaluators.heuristic.cues import distinct_labels
from mockmate.evaluators.heuristic.features import AnswerFeatures
from mockmate.evaluators.heuristic.findings import Feedback
from mockmate.evaluators.heuristic.question import QuestionProfile
from mockmate.evaluators.heuristic.star import STAR_PARTS
from mockmate.evaluators.models import Delivery


def clarity(
    delivery: Delivery | None,
    feats: AnswerFeatures,
    question: QuestionProfile,
    fb: Feedback,
    density: float = 1.0,
) -> float:
    """Clarity before the prose adjustment, noting long sentences and delivery problems.
    `density` is the share of sentences that say something: fluent filler is not clear."""
    wc = feats.word_count
    if wc == 0:
        return 1.0
    # A short answer is not unclear; a long one earns nothing for its length.
    length = min(1.0, wc / 35) if wc <= 300 else 1.0 - min(0.3, (wc - 300) / 1000)
    avg = wc / max(1, len(feats.sentences))
    sentence = max(0.0, 1.0 - (avg - 25) / 30) if avg > 25 else (0.6 if avg < 5 else 1.0)
    connectives = min(1.0, len(distinct_labels(feats.connectives)) / 3)
    if question.technical:
        structure = 0.6 * sentence + 0.4 * connectives
    else:
        star = sum(i is not None for i in feats.star.values()) / len(STAR_PARTS)
        structure = 0.3 * sentence + 0.3 * connectives + 0.4 * star
    gate = min(1.0, wc / 35)
    value = 1.0 + 9.0 * (0.4 * length + 0.6 * gate * structure) * (0.45 + 0.55 * density)
    if avg > 40:
        value -= min(3.0, (avg - 40) / 20)  # run-on sentences lose the listener
    if delivery is not None:
        value -= delivery_penalty(delivery, wc, fb)
    else:
        per_100 = 100 * feats.text_fillers / wc
        value -= min(2.0, 0.4 * max(0.0, per_100 - 1.0))
    if avg > 30 and wc >= 40:
        fb.weakness(
            45,
            f"Long sentences (about {avg:.0f} words each on average) are hard to follow",
            "Break long sentences up: one idea per sentence, roughly 15-20 words.",
        )
    return value


def delivery_penalty(d: Delivery, wc: int, fb: Feedback) -> float:
    """Clarity lost to pace outside 110-170 wpm (130-160 ideal), fillers and long pauses."""
    penalty = 0.0
    wpm = d.words_per_minute
    pace_known = math.isfinite(wpm) and wpm > 0
    if pace_known:
        if wpm < 130:
            pace = (130 - wpm) / 20 * 0.8 if wpm >= 110 else 0.8 + (110 - wpm) * 0.06
        elif wpm > 160:
            pace = (wpm - 160) / 10 * 0.8 if wpm <= 170 else 0.8 + (wpm - 170) * 0.06
        else:
            pace = 0.0
            fb.strength(3, f"Comfortable speaking pace: {wpm:.0f} words per minute")
        penalty += min(3.0, pace)
        if wpm < 110 or wpm > 170:
            speed = "too fast" if wpm > 170 else "too slow"
            fix = (
                "Slow down: pause briefly after each key point; aim for 130-160 words per minute."
                if wpm > 170
                else "Pick up the pace a little (aim for 130-160 words per minute): outline "
                "the answer first so you aren't searching for words."
            )
            fb.weakness(66, f"Speaking pace of {wpm:.0f} wpm is {speed} (aim for 130-160)", fix)
        elif pace > 0:
            speed = "a little fast" if wpm > 160 else "a little slow"
            fb.weakness(
                28,
                f"Speaking pace of {wpm:.0f} wpm is {speed} (aim for 130-160)",
                "Practise the answer once against a timer to settle at 130-160 words per minute.",
            )
    minutes = max(0.25, (wc / wpm) if pace_known and wc else max(wc, 1) / 145)
    fillers = {k: v for k, v in d.filler_words.items() if v > 0}
    per_minute = sum(fillers.values()) / minutes
    penalty += min(2.5, 0.35 * max(0.0, per_minute - 2.0))
    if per_minute > 4:
        worst = sorted(fillers.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        listed = ", ".join(f"'{k}' x{v}" for k, v in worst)
        fb.weakness(
            62,
            f"Frequent filler words: {per_minute:.1f} per minute ({listed})",
            "Replace fillers with a short silent pause; rehearse your opening sentence until "
            "it's fluent.",
        )
    elif not fillers:
        fb.strength(2, "No filler words")
    elif per_minute <= 2:
        fb.strength(2, f"Few filler words ({per_minute:.1f} per minute)")
    pauses = max(0, d.pause_count)
    if pauses == 0 and d.longest_pause_s >= 1.5:
        pauses = 1
    penalty += min(1.5, 0.3 * max(0.0, pauses - max(1.0, minutes)))
    if d.longest_pause_s >= 5:
        penalty += 0.3
    if pauses >= 3 and pauses > minutes:
        fb.weakness(
            40,
            f"{pauses} long pauses (1.5 s or more) break the flow",
            "Sketch the answer before you speak (context, steps, result) so you don't stall "
            "mid-answer.",
        )
    return penalty
