"""The offline question bank: curated questions shipped as package data.

The bank lets interviews run without any network or model access, and gives every
question a stable `bank:<slug>` id so sessions can refer to (and avoid repeating)
questions across restarts. The JSON is loaded once and validated: a duplicate id would
break exclusion and history, so it fails loudly at load time rather than mid-interview.
"""

import json
from functools import cache
from importlib import resources

from pydantic import TypeAdapter

from mockmate.questions.models import Question

BANK_RESOURCE = "bank.json"
ID_PREFIX = "bank:"

_QUESTIONS_ADAPTER = TypeAdapter(list[Question])


def parse_bank(raw: str) -> tuple[Question, ...]:
    """Parse and validate bank JSON text (a list of question objects)."""
    questions = _QUESTIONS_ADAPTER.validate_python(json.loads(raw))
    seen: set[str] = set()
    for question in questions:
        if not question.id.startswith(ID_PREFIX):
            raise ValueError(f"bank question id must start with {ID_PREFIX!r}: {question.id!r}")
        if question.id in seen:
            raise ValueError(f"duplicate bank question id: {question.id!r}")
        seen.add(question.id)
    return tuple(questions)


@cache
def load_bank() -> tuple[Question, ...]:
    """Every bank question, in file order. Read from package data once per process."""
    raw = resources.files("mockmate.questions").joinpath(BANK_RESOURCE).read_text(encoding="utf-8")
    return parse_bank(raw)
