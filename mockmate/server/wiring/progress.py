"""Progress: profiles, statistics, gamification, the leaderboard, benchmarks and learning
paths, plus the hooks that move a candidate's progress (the interviews feature plugs them
into its hook registry)."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp import web

from mockmate.candidates.benchmark_service import BenchmarkService
from mockmate.candidates.learning_path_service import LearningPaths
from mockmate.candidates.progress_hooks import ProgressHooks
from mockmate.candidates.service import CandidateService
from mockmate.server.wiring.accounts import ACCOUNTS
from mockmate.server.wiring.core import CORE
from mockmate.storage.leaderboard import Leaderboard
from mockmate.storage.profiles import ProfileRepository
from mockmate.storage.progress import ProgressRepository


@dataclass(frozen=True)
class Progress:
    profiles: ProfileRepository
    progress: ProgressRepository
    leaderboard: Leaderboard
    hooks: ProgressHooks
    candidates: CandidateService
    benchmarks: BenchmarkService
    learning_paths: LearningPaths


PROGRESS = web.AppKey("progress", Progress)


async def progress_context(app: web.Application) -> AsyncIterator[None]:
    core = app[CORE]
    settings = core.settings
    profiles, progress = ProfileRepository(core.db), ProgressRepository(core.db)
    leaderboard = Leaderboard(core.redis, prefix=settings.redis_prefix)
    app[PROGRESS] = Progress(
        profiles=profiles, progress=progress, leaderboard=leaderboard,
        hooks=ProgressHooks(
            users=app[ACCOUNTS].users, profiles=profiles, progress=progress,
            leaderboard=leaderboard, emitter=core.emitter,
        ),
        candidates=CandidateService(profiles=profiles, progress=progress,
                                    leaderboard=leaderboard),
        benchmarks=BenchmarkService(core.db, min_group=settings.benchmark_min_group,
                                    refresh_s=settings.benchmark_refresh_s),
        learning_paths=LearningPaths(core.db),
    )
    yield
