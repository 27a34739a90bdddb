"""Candidate features: skills over time, practice, bookmarks and re-answers, the profile
photo and two-factor sign-in. The interviews feature plugs their hooks into its registry and
wraps the interview-figure (progress) hooks with `CandidateFeatures.unless_practice`."""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from aiohttp import web

from mockmate.auth.two_factor import TwoFactor
from mockmate.candidates.photo import ProfilePhotos
from mockmate.interviews.hooks import HookRegistry
from mockmate.questions.bank import load_bank
from mockmate.server.wiring.core import CORE
from mockmate.skills.attempts import Attempts
from mockmate.skills.bookmarks import Bookmarks
from mockmate.skills.practice import PracticeService
from mockmate.skills.service import SkillService
from mockmate.skills.store import SkillRecords
from mockmate.storage.interviews import InterviewRepository

# Interviews whose mode is remembered per process (it never changes once stored).
MODE_CACHE = 10_000


class _OfInterview(Protocol):
    @property
    def interview_id(self) -> str: ...

    @property
    def practice(self) -> bool | None: ...


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
            self._known[interview_id] = doc is not None and doc.mode == "practice"
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
            practice = event.practice
            if practice is None:  # the event does not say: read it
                practice = await self.is_practice(event.interview_id)
            if not practice:
                await hook(event)
        return run

    def plug(self, hooks: HookRegistry) -> None:
        """Every evaluated answer updates the skill scores and the question's attempts."""
        hooks.on_answer_evaluated("skills", self.skills.answer_evaluated)
        hooks.on_answer_evaluated("attempts", self.attempts.answer_evaluated)

    def data_owners(self) -> dict[str, Any]:
        """What the account's export and erasure include, by export key."""
        return {"skills": self.skills, "question_attempts": self.attempts,
                "bookmarks": self.bookmarks, "profile_photo": self.photos,
                "two_factor": self.two_factor}


CANDIDATE = web.AppKey("candidate", CandidateFeatures)


async def candidate_context(app: web.Application) -> AsyncIterator[None]:
    """Opened before the interviews feature, which plugs these hooks into its registry
    (`CandidateFeatures.plug`) and keeps practice out of the progress hooks."""
    core = app[CORE]
    settings, db = core.settings, core.db
    interviews = InterviewRepository(db)
    modes = PracticeModes(interviews)
    skills = SkillService(SkillRecords(db), keep=settings.skill_history_max, is_practice=modes)
    attempts = Attempts(db, core.emitter.to_user)
    await attempts.ensure_indexes()
    bookmarks = Bookmarks(db, interviews=interviews, attempts=attempts,
                          max_per_user=settings.max_bookmarks_per_user)
    await bookmarks.ensure_indexes()
    practice = PracticeService(db, bank=load_bank(), bookmarks=bookmarks, skills=skills,
                               max_questions=settings.practice_max_questions)
    photos = ProfilePhotos(db, max_bytes=settings.max_photo_bytes)
    app[CANDIDATE] = CandidateFeatures(
        skills=skills, attempts=attempts, bookmarks=bookmarks, practice=practice,
        is_practice=modes, photos=photos,
        two_factor=TwoFactor(db, core.redis, prefix=settings.redis_prefix))
    yield
