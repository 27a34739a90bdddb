"""Practice sessions: as many questions as the candidate wants on one skill or category, or
on their bookmarked questions. A session runs through the interview loop (Socket.IO, as any
interview) but is stored with `mode: "practice"`: it stays out of the interview list,
statistics, XP and leaderboard, and has its own history and statistics here."""

import random
from collections.abc import Sequence
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pymongo.asynchronous.database import AsyncDatabase

from mockmate.domain import Difficulty, QuestionCategory
from mockmate.errors import InvalidPayload, InvalidState, invalid_payload
from mockmate.interviews.payloads import StartInterview
from mockmate.interviews.service import InterviewService
from mockmate.questions.models import Question
from mockmate.skills.bookmarks import Bookmarks
from mockmate.skills.practice_rules import pick_practice_questions
from mockmate.skills.rules import Range, window
from mockmate.skills.service import SkillService
from mockmate.state.session import AudioFormat
from mockmate.storage.database import Document
from mockmate.storage.interviews import InterviewRepository
from mockmate.storage.records import InterviewRecord

# Questions one start request of an interview may carry (`StartInterview.question_count`).
INTERVIEW_QUESTIONS_MAX = 20
SESSIONS_SHOWN = 50


class StartPractice(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    skill: str | None = Field(None, min_length=1, max_length=60)
    category: QuestionCategory | None = None
    bookmarks: bool = False  # practise every bookmarked question
    bookmark_ids: list[str] | None = Field(None, min_length=1, max_length=200)
    count: int | None = Field(None, ge=1)
    difficulty: Difficulty = "mid"
    role: str = Field("Practice", min_length=1, max_length=200)
    speak: bool = True
    auto_advance: bool = True
    voice: str | None = Field(None, max_length=100)
    audio_format: AudioFormat = "pcm_16000"

    @model_validator(mode="after")
    def _one_topic(self) -> Self:
        on_bookmarks = self.bookmarks or self.bookmark_ids is not None
        if on_bookmarks == bool(self.skill or self.category):
            raise ValueError("practise either a skill and/or category, or bookmarks")
        return self


class PracticeService:
    def __init__(self, db: AsyncDatabase[Document], *, bank: Sequence[Question],
                 bookmarks: Bookmarks, skills: SkillService, max_questions: int) -> None:
        self._interviews = InterviewRepository(db)
        self._bank = bank
        self._bookmarks = bookmarks
        self._skills = skills
        self._max = max_questions

    async def start(self, interviews: InterviewService, user_id: str, raw: object
                    ) -> dict[str, Any]:
        try:
            request = StartPractice.model_validate(raw)
        except ValidationError as exc:
            raise invalid_payload(exc) from None
        if request.count is not None and request.count > self._max:
            raise InvalidPayload(f"count: at most {self._max} questions", field="count")
        questions = await self._questions(user_id, request)
        categories = {q.category for q in questions}
        kind = ("technical" if categories == {"technical"} else
                "mixed" if "technical" in categories else "behavioral")
        start = StartInterview.model_validate({
            "role": request.role, "interview_type": kind, "difficulty": request.difficulty,
            "question_count": min(len(questions), INTERVIEW_QUESTIONS_MAX),
            "speak": request.speak, "auto_advance": request.auto_advance,
            "voice": request.voice, "audio_format": request.audio_format, "adaptive": False,
        })
        practice = {"skill": request.skill.lower() if request.skill else None,
                    "category": request.category,
                    "bookmarks": request.bookmarks or request.bookmark_ids is not None}
        started = await interviews.start(user_id, start, chosen=questions, practice=practice)
        return {**started, "practice": practice,
                "questions": [q.wire() for q in questions]}

    async def _questions(self, user_id: str, request: StartPractice) -> list[Question]:
        if request.bookmarks or request.bookmark_ids is not None:
            marked = await self._bookmarks.questions(user_id, request.bookmark_ids)
            if not marked:
                raise InvalidState("there are no bookmarks to practise")
            count = request.count or len(marked)
            return [marked[i % len(marked)] for i in range(count)]
        questions = pick_practice_questions(
            self._bank, skill=request.skill, category=request.category,
            difficulty=request.difficulty, count=request.count or 5, rng=random.Random(),
        )
        if not questions:
            raise InvalidPayload(f"no practice questions on '{request.skill}'", field="skill")
        return questions

    async def history(self, user_id: str, range_: Range) -> dict[str, Any]:
        sessions = [_session(d) for d in await self._interviews.practice_for_user(
            user_id, limit=SESSIONS_SHOWN)]
        events = [e for e in await self._skills.events(user_id) if e.practice]
        start, end = window(range_, self._skills.now())
        inside = [e for e in events if start <= e.at <= end]
        by_skill: dict[str, list[float]] = {}
        by_category: dict[str, list[float]] = {}
        for event in inside:
            by_category.setdefault(event.category, []).append(event.score)
            for skill in dict.fromkeys(event.skills):
                by_skill.setdefault(skill, []).append(event.score)
        return {
            "sessions": sessions,
            "statistics": {
                "range": range_, "from": start.isoformat(), "to": end.isoformat(),
                "sessions": await self._interviews.count_practice(user_id),
                "answers": len(inside), "average_score": _mean([e.score for e in inside]),
                "by_skill": {s: {"answers": len(v), "average_score": _mean(v)}
                             for s, v in sorted(by_skill.items())},
                "by_category": {c: {"answers": len(v), "average_score": _mean(v)}
                                for c, v in sorted(by_category.items())},
            },
        }


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _session(doc: InterviewRecord) -> dict[str, Any]:
    created, ended = doc.created_at, doc.ended_at
    return {
        "id": doc.id, "status": doc.status, "practice": doc.practice,
        "difficulty": doc.difficulty, "question_count": doc.question_count,
        "answered": doc.answered, "overall_score": doc.overall_score,
        "created_at": created.isoformat() if created else None,
        "ended_at": ended.isoformat() if ended else None,
    }
