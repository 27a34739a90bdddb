"""Builds the expert-review feature from the stores it reads and the job queue it applies
expert scores through (`server/wiring/reviews.py` opens it after the marketplace)."""

from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from mockmate.config import Settings
from mockmate.interviews.recordings import Recordings
from mockmate.jobs.queue import JobQueue
from mockmate.reviews.service import Reviews
from mockmate.skills.store import SkillRecords
from mockmate.storage.answers import AnswerRepository
from mockmate.storage.bookings import BookingRepository
from mockmate.storage.database import Document
from mockmate.storage.hook_runs import HookRunRepository
from mockmate.storage.interviews import InterviewRepository
from mockmate.storage.leaderboard import Leaderboard
from mockmate.storage.progress import ProgressRepository
from mockmate.storage.reviews import ReviewRepository


def open_reviews(
    settings: Settings, *, db: AsyncDatabase[Document], redis: Redis, queue: JobQueue,
    interviews: InterviewRepository, answers: AnswerRepository, recordings: Recordings,
    hook_runs: HookRunRepository,
) -> Reviews:
    return Reviews(
        settings=settings, bookings=BookingRepository(db), reviews=ReviewRepository(db),
        interviews=interviews, answers=answers, recordings=recordings,
        progress=ProgressRepository(db),
        leaderboard=Leaderboard(redis, prefix=settings.redis_prefix),
        skills=SkillRecords(db), hook_runs=hook_runs, queue=queue,
    )
