"""Progress reads the time from the clock it is given (real MongoDB wire and Redis): the
candidate's day is their local day at that instant, across midnight and a DST change, and
today's challenges are that day's, whatever the machine's date is."""

import uuid
from datetime import UTC, date, datetime

from redis.asyncio import Redis

from mockmate.candidates.service import CandidateService
from mockmate.config import Settings
from mockmate.storage.database import connect, ensure_indexes
from mockmate.storage.leaderboard import Leaderboard
from mockmate.storage.profiles import ProfileRepository
from mockmate.storage.progress import ProgressRepository
from mockmate.storage.users import UserRepository


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def test_the_candidates_day_follows_the_injected_clock_in_their_time_zone(
    settings: Settings,
) -> None:
    mongo, redis = connect(settings.mongodb_url), Redis.from_url(settings.redis_url)
    try:
        db = mongo[settings.mongodb_db]
        await ensure_indexes(db)
        user = await UserRepository(db).create(f"{uuid.uuid4().hex[:8]}@example.com", "x", "ny")
        # 8 March 2026: New York moves from UTC-5 to UTC-4 at 02:00 local (07:00 UTC).
        clock = Clock(datetime(2026, 3, 8, 4, 30, tzinfo=UTC))  # 23:30 on the 7th there
        candidates = CandidateService(
            profiles=ProfileRepository(db), progress=ProgressRepository(db),
            leaderboard=Leaderboard(redis, prefix=settings.redis_prefix), clock=clock)
        await candidates.patch_profile(user, {"time_zone": "America/New_York"})

        assert await candidates.today(user.id) == date(2026, 3, 7)
        before = (await candidates.gamification(user.id))["challenges"]
        assert before and all(c["day"] == "2026-03-07" for c in before)

        clock.now = datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT, after the change
        assert await candidates.today(user.id) == date(2026, 3, 8)
        after = (await candidates.gamification(user.id))["challenges"]
        assert after and all(c["day"] == "2026-03-08" for c in after)

        clock.now = datetime(2026, 3, 9, 3, 59, tzinfo=UTC)  # 23:59 EDT, still the 8th
        assert await candidates.today(user.id) == date(2026, 3, 8)
    finally:
        await mongo.close()
        await redis.aclose()
