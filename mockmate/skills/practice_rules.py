"""Pure rules of practice: which questions a practice session on one skill or category
asks, how a question is recognised when it is asked again, and what changed between two
answers to it."""

import hashlib
import random
import re
from collections.abc import Sequence

from pydantic import BaseModel

from mockmate.domain import DIFFICULTIES, Difficulty
from mockmate.questions.models import Question
from mockmate.skills.rules import CRITERIA


def question_key(text: str) -> str:
    """The same question however it was asked (bank, bookmark, own question): its words,
    lower-cased, hashed."""
    words = " ".join(re.findall(r"[a-z0-9]+", text.lower()))
    return hashlib.sha256(words.encode()).hexdigest()[:24]


def pick_practice_questions(
    bank: Sequence[Question], *, skill: str | None, category: str | None,
    difficulty: Difficulty, count: int, rng: random.Random,
) -> list[Question]:
    """`count` questions on `skill` and/or `category`, nearest to `difficulty` first (in a
    random order within a difficulty). When the bank has fewer, they are asked again in the
    same order: a candidate may practise as long as they like, and a second answer shows
    what changed. Empty when nothing in the bank matches."""
    wanted = skill.lower() if skill else None
    matching = [q for q in bank
                if (wanted is None or wanted in q.skills)
                and (category is None or q.category == category)
                and q.follow_up_to is None]
    target = DIFFICULTIES.index(difficulty)
    keyed = [(abs(DIFFICULTIES.index(q.difficulty) - target), rng.random(), q) for q in matching]
    ordered = [q for _, _, q in sorted(keyed, key=lambda k: (k[0], k[1]))]
    if not ordered:
        return []
    return [ordered[i % len(ordered)] for i in range(count)]


class Attempt(BaseModel):
    answer_id: str
    interview_id: str
    index: int
    at: str
    score: float
    rubric: dict[str, float]


class Comparison(BaseModel):
    question_key: str
    question: str
    previous: Attempt
    current: Attempt
    score_delta: float
    rubric_deltas: dict[str, float]
    improved: list[str]  # criteria that went up, in rubric order
    declined: list[str]


def compare(key: str, question: str, previous: Attempt, current: Attempt) -> Comparison:
    """What changed from one answer to the same question to the next (current minus
    previous, one decimal)."""
    deltas = {c: round(current.rubric[c] - previous.rubric[c], 1) for c in CRITERIA
              if c in current.rubric and c in previous.rubric}
    return Comparison(
        question_key=key, question=question, previous=previous, current=current,
        score_delta=round(current.score - previous.score, 1), rubric_deltas=deltas,
        improved=[c for c, d in deltas.items() if d > 0],
        declined=[c for c, d in deltas.items() if d < 0],
    )
