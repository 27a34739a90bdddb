"""Connecting to MongoDB and creating the indexes every repository relies on."""

from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

Document = dict[str, Any]


def connect(
    url: str, *, max_pool: int = 100, wait_s: float = 2.0, select_s: float = 2.0
) -> AsyncMongoClient[Document]:
    """A client whose pool holds at most `max_pool` connections; a request waits at most
    `wait_s` for one and `select_s` for a reachable server, so a saturated pool or a missing
    database fails it quickly (`unavailable`, see mockmate/outages.py), not after a hang."""
    return AsyncMongoClient(
        url, tz_aware=True, maxPoolSize=max_pool, waitQueueTimeoutMS=int(wait_s * 1000),
        serverSelectionTimeoutMS=int(select_s * 1000), connectTimeoutMS=int(select_s * 1000),
    )


async def ensure_indexes(db: AsyncDatabase[Document]) -> None:
    await db.users.create_index([("email", ASCENDING)], unique=True)
    await db.interviews.create_index([("user_id", ASCENDING), ("created_at", ASCENDING)])
    await db.answers.create_index(
        [("interview_id", ASCENDING), ("index", ASCENDING)], unique=True
    )
    await db.answers.create_index([("user_id", ASCENDING)])
    # The stand-in does not use the compound index for `interview_id` alone; MongoDB would.
    await db.answers.create_index([("interview_id", ASCENDING)])
    # The award ledger: each cause pays a user once, each badge is held once, ever.
    await db.xp_awards.create_index(
        [("user_id", ASCENDING), ("cause_key", ASCENDING)], unique=True
    )
    await db.badges.create_index([("user_id", ASCENDING), ("slug", ASCENDING)], unique=True)


async def ping(db: AsyncDatabase[Document]) -> bool:
    try:
        await db.command("ping")
    except Exception:
        return False
    return True


def as_datetime(value: object) -> datetime | None:
    """A stored timestamp as an aware UTC datetime.

    nx-27017 (the MongoDB stand-in) stores a datetime written by a top-level `$set` as a
    naive ISO string, while inserts keep real dates; MongoDB keeps dates everywhere. Reading
    through this accepts both, so no caller depends on the quirk.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None
