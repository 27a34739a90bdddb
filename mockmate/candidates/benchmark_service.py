"""`GET /api/me/benchmarks`: the pure `benchmarks` rules fed from MongoDB.

Why a cached snapshot: placing one candidate needs every peer's averages, which means reading
every profile and progress document and aggregating every evaluated answer. That is done at
most once per `refresh_s` per process and kept as anonymous sorted lists; the caller's own
averages are read fresh, so their latest answers count at once.
"""

import time
from collections.abc import Callable, Mapping
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from mockmate.candidates.benchmarks import (
    CRITERIA,
    OVERALL,
    Groups,
    Member,
    build_groups,
    group_key,
    standing,
)
from mockmate.storage.answers import AnswerRepository
from mockmate.storage.database import Document


def _scores(progress: Document | None, criteria: Mapping[str, float | None] | None
            ) -> dict[str, float]:
    stats = ((progress or {}).get("progress") or {}).get("statistics") or {}
    scores: dict[str, float] = {}
    if isinstance(stats.get("average_score"), int | float):
        scores[OVERALL] = float(stats["average_score"])
    for category, figures in (stats.get("by_category") or {}).items():
        if isinstance(figures, dict) and isinstance(figures.get("average"), int | float):
            scores[f"category:{category}"] = float(figures["average"])
    for criterion in CRITERIA:
        value = (criteria or {}).get(criterion)
        if value is not None:
            scores[f"criterion:{criterion}"] = value
    return scores


async def scores_of(db: AsyncDatabase[Document], user_id: str) -> dict[str, float]:
    """The user's own averages by metric, read fresh: "overall", "category:<c>" (from their
    statistics) and "criterion:<c>" (over their evaluated answers)."""
    progress = await db.progress.find_one({"_id": user_id})
    criteria = await AnswerRepository(db).rubric_averages(CRITERIA, user_id)
    return _scores(progress, criteria.get(user_id))


class BenchmarkService:
    def __init__(
        self, db: AsyncDatabase[Document], *, min_group: int, refresh_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = db
        self._min_group = min_group
        self._refresh_s = refresh_s
        self._clock = clock
        self._snapshot: tuple[float, Groups, dict[str, int]] | None = None

    async def for_user(self, user_id: str) -> dict[str, Any]:
        groups, sizes = await self._groups()
        profile = await self._db.profiles.find_one({"_id": user_id}, {"profile": 1})
        mine = Member(self._group_of(profile), await scores_of(self._db, user_id))
        answer = standing(mine, groups, sizes, min_group=self._min_group)
        roles = ((profile or {}).get("profile") or {}).get("target_roles") or []
        years = ((profile or {}).get("profile") or {}).get("years_experience")
        answer["group"] = {"target_role": roles[0] if roles else None,
                           "experience_band": mine.group.rpartition("|")[2],
                           "years_experience": years}
        if not mine.scores:
            answer["enough_data"] = False
            answer["message"] = "Answer a few questions first: there is nothing of yours to place."
        return answer

    def _group_of(self, profile: Document | None) -> str:
        fields = (profile or {}).get("profile") or {}
        roles = [str(r) for r in fields.get("target_roles") or []]
        years = fields.get("years_experience")
        return group_key(roles, years if isinstance(years, int) else None)

    async def _groups(self) -> tuple[Groups, dict[str, int]]:
        now = self._clock()
        if self._snapshot is not None and now - self._snapshot[0] < self._refresh_s:
            return self._snapshot[1], self._snapshot[2]
        # Whole top-level fields: nx-27017 answers a dotted projection with flat keys
        # ("profile.target_roles") where MongoDB nests them (docs/storage.md).
        groups_of = {doc["_id"]: self._group_of(doc) async for doc in
                     self._db.profiles.find({}, {"profile": 1})}
        criteria = await AnswerRepository(self._db).rubric_averages(CRITERIA)
        members = []
        async for progress in self._db.progress.find({}, {"progress": 1}):
            scores = _scores(progress, criteria.get(progress["_id"]))
            if scores:
                members.append(Member(groups_of.get(progress["_id"], group_key([], None)),
                                      scores))
        groups, sizes = build_groups(members)
        self._snapshot = (now, groups, sizes)
        return groups, sizes
