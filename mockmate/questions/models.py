"""The question as the rest of the server sees it, whichever source produced it."""

from collections.abc import Collection
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, ConfigDict, Field

from mockmate.domain import Difficulty, InterviewType, QuestionCategory

if TYPE_CHECKING:
    from mockmate.questions.templates import Template


class Question(BaseModel):
    """One interview question. `id` is stable for bank questions ("bank:<slug>")."""

    model_config = ConfigDict(frozen=True)

    id: str
    text: str = Field(min_length=1)
    category: QuestionCategory
    difficulty: Difficulty
    skills: tuple[str, ...] = ()
    # Roles the question suits ("backend", "frontend", "data", "product", "general", ...).
    roles: tuple[str, ...] = ("general",)
    # For a follow-up: the index of the question whose answer it follows up.
    follow_up_to: int | None = None
    # For a generated question: what in the resume or job description it probes.
    why: str = ""

    def wire(self) -> dict[str, object]:
        """The contract's `question` object {id, text, category, difficulty, skills}, plus
        `why` for a generated question."""
        wire: dict[str, object] = {
            "id": self.id,
            "text": self.text,
            "category": self.category,
            "difficulty": self.difficulty,
            "skills": list(self.skills),
        }
        if self.why:
            wire["why"] = self.why
        return wire


class WireQuestion(BaseModel):
    """The model of `Question.wire()` (a REST answer sends it with `exclude_unset`, so `why`
    is there only for a generated question)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    text: str
    category: QuestionCategory
    difficulty: Difficulty
    skills: list[str]
    why: str = ""


class QuestionGenerator(Protocol):
    """Writes questions tailored to a candidate (an LLM); must always return `count` of them."""

    async def generate(
        self,
        role: str,
        job_description: str,
        resume_text: str,
        interview_type: InterviewType,
        difficulty: Difficulty,
        count: int,
        template: "Template | None" = None,
        *,
        exclude_ids: Collection[str] = (),
    ) -> list[Question]: ...
