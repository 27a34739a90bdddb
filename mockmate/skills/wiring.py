"""Builds the candidate's skills, practice, bookmark and re-answer services at start-up and
plugs their hooks into the evaluation pipeline; `runtime.py` calls `open_candidate_features`
and wraps the interview-figure hooks with `CandidateFeatures.unless_practice`."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from mockmate.auth.two_factor import TwoFactor
from mockmate.config import Settings
from mockmate.evaluators.hooks import HookRegistry
from mockmate.interviews.emitter import Emitter
from mockmate.profiles.photo import ProfilePhotos
from mockmate.questions.models import Question
from mockmate.skills.attempts import Attempts
from mockmate.skills.bookmarks import Bookmarks
from mockmate.skills.practice import PracticeService
from mockmate.skills.service import SkillService
from mockmate.skills.store import SkillRecords
from mockmate.storage.database import Document
from mockmate.storage.interviews import InterviewRepository

# Interviews whose mode is remembered per process (it never changes once stored).
MODE_CACHE = 10_000


class _OfInterview(Protocol):
    @property
    def interview_id(self) -> str: ...


E = TypeVar("E", bound=_OfInterview)


class PracticeModes:
    """Whether an interview is a practice session, from its stored document."""

    def __init__(self, interviews: InterviewRepository) -> None:
        self._interviews = interviews
        self._known: dict[str, bool] = {}

    async def __call__(self, interview_id: str) -> bool:
        if interview_id not in self._known:
            doc = await self._interviews.get(interview_id)
            if len(self._known) >= MODE_CACHE:
                self._known.clear()
            self._known[interview_id] = bool(doc and doc.get("mode") == "practice")
        return self._known[interview_id]


@dataclass(frozen=True)
class CandidateFeatures:
    skills: SkillService
    attempts: Attempts
    bookmarks: Bookmarks
    practice: PracticeService
    is_practice: PracticeModes
    photos: ProfilePhotos
    two_factor: TwoFactor

    def unless_practice(self, hook: Callable[[E], Awaitable[None]]
                        ) -> Callable[[E], Awaitable[None]]:
        """`hook`, skipped for practice sessions (they stay out of interview figures)."""
        async def run(event: E) -> None:
            if not await self.is_practice(event.interview_id):
                await hook(event)
        return run

    def data_owners(self) -> dict[str, Any]:
        """What the account's export and erasure include, by export key."""
        return {"skills": self.skills, "question_attempts": self.attempts,
                "bookmarks": self.bookmarks, "profile_photo": self.photos,
                "two_factor": self.two_factor}


async def open_candidate_features(
    settings: Settings, *, db: AsyncDatabase[Document], hooks: HookRegistry,
    interviews: InterviewRepository, emitter: Emitter, bank: Sequence[Question], redis: Redis,
) -> CandidateFeatures:
    modes = PracticeModes(interviews)
    skills = SkillService(SkillRecords(db), keep=settings.skill_history_max, is_practice=modes)
    attempts = Attempts(db, emitter.to_user)
    await attempts.ensure_indexes()
    bookmarks = Bookmarks(db, interviews=interviews, attempts=attempts,
                          max_per_user=settings.max_bookmarks_per_user)
    await bookmarks.ensure_indexes()
    hooks.on_answer_evaluated("skills", skills.answer_evaluated)
    hooks.on_answer_evaluated("attempts", attempts.answer_evaluated)
    practice = PracticeService(db, bank=bank, bookmarks=bookmarks, skills=skills,
                               max_questions=settings.practice_max_questions)
    photos = ProfilePhotos(db, max_bytes=settings.max_photo_bytes)
    return CandidateFeatures(skills=skills, attempts=attempts, bookmarks=bookmarks,
                             practice=practice, is_practice=modes, photos=photos,
                             two_factor=TwoFactor(db, redis, prefix=settings.redis_prefix))
