"""`/api/me/learning-path`: the pure `learning_path` rules fed from MongoDB, one stored plan
per user (`learning_paths`, written with a version check so two processes reading the same
progress cannot both stamp it)."""

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt
from pymongo.asynchronous.database import AsyncDatabase

from mockmate.candidates.benchmark_service import scores_of
from mockmate.candidates.learning_path import (
    Activity,
    AnswerFact,
    Standing,
    Step,
    advance,
    measure,
    plan,
)
from mockmate.domain import QUESTION_CATEGORIES
from mockmate.errors import NotFound
from mockmate.storage.answers import AnswerRepository
from mockmate.storage.bookings import BookingRepository
from mockmate.storage.database import Document
from mockmate.storage.interviews import InterviewRepository

PATHS = "learning_paths"


class LearningPathRequest(BaseModel):
    """`POST /api/me/learning-path`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    minutes_per_week: StrictInt = Field(120, ge=15, le=1200)
    target_role: str | None = Field(None, min_length=1, max_length=120)


def _standing(scores: dict[str, float]) -> Standing:
    return Standing(
        categories={c: scores.get(f"category:{c}") for c in QUESTION_CATEGORIES},
        criteria={k.partition(":")[2]: v for k, v in scores.items()
                  if k.startswith("criterion:")},
    )


class LearningPaths:
    def __init__(self, db: AsyncDatabase[Document],
                 clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._answers = AnswerRepository(db)
        self._interviews = InterviewRepository(db)
        self._bookings = BookingRepository(db)
        self._paths = db[PATHS]
        self._clock = clock

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    async def build(self, user_id: str, req: LearningPathRequest) -> dict[str, Any]:
        role = req.target_role or await self._first_target_role(user_id)
        now = self._now()
        steps = plan(_standing(await scores_of(self._db, user_id)), target_role=role,
                     minutes_per_week=req.minutes_per_week, now=now)
        doc = {"_id": user_id, "target_role": role, "minutes_per_week": req.minutes_per_week,
               "created_at": now.isoformat(), "version": 1,
               "steps": [s.model_dump(mode="json") for s in steps]}
        await self._paths.replace_one({"_id": user_id}, doc, upsert=True)
        return self._view(doc, steps, Activity())

    async def current(self, user_id: str) -> dict[str, Any]:
        doc = await self._paths.find_one({"_id": user_id})
        if doc is None:
            raise NotFound(
                                "no learning path yet: POST /api/me/learning-path makes one")
        steps = [Step.model_validate(s) for s in doc["steps"]]
        activity = await self._activity(user_id, min(s.started_at for s in steps))
        moved = advance(steps, activity, _standing(await scores_of(self._db, user_id)),
                        target_role=doc["target_role"],
                        minutes_per_week=doc["minutes_per_week"], now=self._now())
        if moved != steps:
            written = await self._paths.update_one(
                {"_id": user_id, "version": doc["version"]},
                {"$set": {"steps": [s.model_dump(mode="json") for s in moved],
                          "version": doc["version"] + 1}})
            if written.modified_count == 1:
                steps = moved
            else:  # another request moved it first: show what it stored
                return await self.current(user_id)
        return self._view(doc, steps, activity)

    async def forget(self, user_id: str) -> None:
        await self._paths.delete_one({"_id": user_id})

    async def _first_target_role(self, user_id: str) -> str:
        doc = await self._db.profiles.find_one({"_id": user_id}, {"profile": 1})
        roles = ((doc or {}).get("profile") or {}).get("target_roles") or []
        return str(roles[0]) if roles else ""

    async def _activity(self, user_id: str, since: datetime) -> Activity:
        answers = [
            AnswerFact(at=a.created_at, category=a.category, score=a.score,
                       rubric=dict(a.evaluation.rubric))
            for a in await self._answers.evaluated_since(user_id, since)
            if a.created_at is not None and a.score is not None and a.evaluation is not None
        ]
        interviews = [
            (i.ended_at, i.overall_score)
            for i in await self._interviews.announced_for_user(user_id)
            if i.ended_at is not None and i.ended_at >= since
        ]
        sessions = [datetime.fromtimestamp(b.end_ts, UTC)
                    for b in await self._bookings.completed_by(user_id)]
        return Activity(answers=answers, interviews=interviews, expert_sessions=sessions)

    @staticmethod
    def _view(doc: Document, steps: list[Step], activity: Activity) -> dict[str, Any]:
        shown = []
        current_found = False
        for step in steps:
            progress = measure(step, activity)
            if step.completed_at is not None:
                status = "completed"
            elif not current_found:
                status, current_found = "current", True
            else:
                status = "upcoming"
            shown.append({**step.model_dump(mode="json"), "status": status, "progress": {
                "done": progress.done, "needed": progress.needed,
                "average": progress.average, "fraction": round(progress.fraction, 3)}})
        return {"target_role": doc["target_role"], "minutes_per_week": doc["minutes_per_week"],
                "created_at": doc["created_at"], "steps": shown,
                "completed": all(s.completed_at is not None for s in steps)}
