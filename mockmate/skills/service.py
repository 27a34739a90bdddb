"""The skills use cases: the post-answer hook that records each evaluated answer, and the
`/api/me/skills` and `/api/me/insights` views (also part of the account's export)."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from mockmate.errors import InvalidPayload
from mockmate.interviews.hooks import AnswerEvaluated
from mockmate.skills import insights as advice
from mockmate.skills import rules
from mockmate.skills.store import SkillRecords

Clock = Callable[[], datetime]
IsPractice = Callable[[str], Awaitable[bool]]  # is this interview a practice session?


def parse_range(raw: str | None, default: rules.Range = "month") -> rules.Range:
    if raw is None or raw == "":
        return default
    for known in rules.RANGES:
        if raw == known:
            return known
    raise InvalidPayload(f"range must be one of {', '.join(rules.RANGES)}",
                        fields=[{"field": "range", "message": "unknown range"}])


class SkillService:
    def __init__(self, records: SkillRecords, *, keep: int, clock: Clock | None = None,
                 is_practice: IsPractice | None = None) -> None:
        self._records = records
        self._keep = keep
        self._clock = clock or (lambda: datetime.now(UTC))
        self._is_practice = is_practice

    async def answer_evaluated(self, event: AnswerEvaluated) -> None:
        at = event.answer.created_at or self._clock()
        practice = event.practice
        if practice is None:  # the event does not say: read it
            practice = await self._is_practice(event.interview_id) if self._is_practice else False
        skill_event = rules.SkillEvent(
            answer_id=event.answer_id, at=at, category=event.question.category,
            score=event.evaluation.score, skills=event.question.skills,
            rubric=event.evaluation.rubric.model_dump(), practice=practice,
            interview_id=event.interview_id,
        )
        await self._records.change(
            event.user_id, lambda events: rules.record(events, skill_event, self._keep))

    def now(self) -> datetime:
        return self._clock()

    async def events(self, user_id: str) -> list[rules.SkillEvent]:
        return await self._records.events(user_id)

    async def skills(self, user_id: str, range_: rules.Range) -> dict[str, Any]:
        events = await self._records.events(user_id)
        now = self._clock()
        start, end = rules.window(range_, now)
        return {
            "range": range_, "from": start.isoformat(), "to": end.isoformat(),
            "answers": len(events),
            "skills": [v.model_dump(mode="json")
                       for v in rules.current_skills(events, since=start)],
            "criteria": rules.current_criteria(events),
            "history": rules.history(events, range_, now),
        }

    async def period_statistics(self, user_id: str, range_: rules.Range) -> dict[str, Any]:
        return rules.period_statistics(await self._records.events(user_id), range_, self._clock())

    async def insights(self, user_id: str, range_: rules.Range) -> dict[str, Any]:
        events = await self._records.events(user_id)
        now = self._clock()
        start, end = rules.window(range_, now)
        inside = [e for e in events if start <= e.at <= end]
        skills = rules.current_skills(events, since=start)
        strongest, weakest = advice.strongest_and_weakest(skills)
        trends = advice.category_trends(inside)
        return {
            "range": range_, "from": start.isoformat(), "to": end.isoformat(),
            "categories": [t.model_dump(mode="json") for t in trends],
            "strongest": [v.model_dump(mode="json") for v in strongest],
            "weakest": [v.model_dump(mode="json") for v in weakest],
            "recommendations": [r.model_dump(mode="json")
                                for r in advice.recommendations(inside, skills, trends)],
        }

    async def export_user(self, user_id: str) -> dict[str, Any]:
        events = await self._records.events(user_id)
        return {
            "skills": await self.skills(user_id, "year"),
            "insights": await self.insights(user_id, "year"),
            "evaluated_answers": [e.model_dump(mode="json") for e in events],
        }

    async def erase_user(self, user_id: str) -> None:
        await self._records.delete(user_id)
