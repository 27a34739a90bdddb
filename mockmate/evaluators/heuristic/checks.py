"""Checks an LLM's marks must pass: caps from signals the heuristics detect reliably.

A model can be charmed by the same traps as a person: a long fluent answer of platitudes, a
list of the right technologies, a confident false claim, a polished prepared story of
another kind than the one asked for. The heuristics find a few of these
with high precision, so an LLM evaluation is capped where they fire (and the reason says
why); everything else the model judges better, so nothing else is overridden.
"""

from typing import NamedTuple

from mockmate.evaluators.heuristic.features import analyse_answer
from mockmate.evaluators.heuristic.marks import other_story
from mockmate.evaluators.heuristic.question import analyse_question
from mockmate.evaluators.heuristic.substance import analyse_substance
from mockmate.questions.models import Question

LONG_WORDS = 60


class Cap(NamedTuple):
    criterion: str
    most: float
    why: str


def caps(question: Question, answer_text: str) -> list[Cap]:
    """The caps that apply to an answer (empty for most answers)."""
    feats = analyse_answer(answer_text)
    profile = analyse_question(question)
    sub = analyse_substance(feats, profile, profile.technical)
    out: list[Cap] = []
    if feats.sentences and len(sub.lists) * 2 >= len(feats.sentences):
        why = "it lists terms instead of using them to say something"
        out += [Cap("examples", 2.0, why), Cap("technical_accuracy", 3.0, why),
                Cap("relevance", 4.0, why)]
    if feats.word_count >= LONG_WORDS and sub.points < 1.5:
        why = "no sentence of it gives a number, an action, a reason or a mechanism"
        out += [Cap("examples", 2.0, why), Cap("technical_accuracy", 4.0, why)]
    story = other_story(feats, profile)
    if story is not None:
        why = f'it announces another story ("{story.text}") than the one asked for'
        out += [Cap("relevance", 3.0, why), Cap("examples", 3.0, why)]
    if sub.misconceptions:
        out.append(Cap("technical_accuracy", 2.0, sub.misconceptions[0].correction))
    return out
