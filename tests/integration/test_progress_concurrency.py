"""Exactly-once awards: the same answer's hooks run at once in two processes (and again
after a retry) pay its XP, badges and statistics once."""

import asyncio
import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from mockmate.candidates.progress_hooks import ProgressHooks
from mockmate.config import Settings
from mockmate.evaluators.models import Evaluation, Rubric
from mockmate.gamification.progress import Progress, Step, record_answer, record_started
from mockmate.interviews.flow import EVALUATE_ANSWER, FINALIZE_INTERVIEW
from mockmate.interviews.hooks import AnswerEvaluated
from mockmate.ports import Emitter
from mockmate.questions.models import Question
from mockmate.storage.database import Document, connect, ensure_indexes
from mockmate.storage.leaderboard import Leaderboard
from mockmate.storage.profiles import ProfileRepository
from mockmate.storage.progress import ProgressRepository
from mockmate.storage.records import AnswerRecord
from mockmate.storage.users import UserRepository
from tests.integration.test_progress import complete_interview, rest
from tests.support.client import Candidate, register
from tests.support.server import ServerProcess, settings_from
from tests.support.waiting import eventually


class Recorder(Emitter):
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, object]]] = []

    async def to_session(
        self, user_id: str, session_id: str, event: str, data: dict[str, object],
        *, asks: int | None = None,
    ) -> None:
        self.sent.append((event, data))

    async def to_user(self, user_id: str, event: str, data: dict[str, object]) -> None:
        self.sent.append((event, data))


async def test_one_answer_hooked_twenty_times_at_once_from_two_clients_pays_once(
    settings: Settings,
) -> None:
    mongos = [connect(settings.mongodb_url) for _ in range(2)]  # two processes' connections
    redis = Redis.from_url(settings.redis_url)
    try:
        dbs = [m[settings.mongodb_db] for m in mongos]
        await ensure_indexes(dbs[0])
        user = await UserRepository(dbs[0]).create("twice@example.com", "x", "twice")
        recorders = [Recorder(), Recorder()]
        hooks = [
            ProgressHooks(users=UserRepository(db), profiles=ProfileRepository(db),
                          progress=ProgressRepository(db),
                          leaderboard=Leaderboard(redis, prefix=settings.redis_prefix),
                          emitter=recorder)
            for db, recorder in zip(dbs, recorders, strict=True)
        ]
        question = Question(id="q", text="Tell me about a launch.", category="behavioral",
                            difficulty="mid")
        event = AnswerEvaluated(
            user_id=user.id, interview_id="i1", answer_id="a1", index=0, question=question,
            evaluation=Evaluation(score=10, rubric=Rubric(
                relevance=10, examples=10, clarity=10, technical_accuracy=10, job_alignment=10)),
            answer=AnswerRecord(id="a1", interview_id="i1", user_id=user.id, index=0,
                                category="behavioral"),
        )
        await asyncio.gather(*(hooks[n % 2].answer_evaluated(event) for n in range(20)))

        progress = await ProgressRepository(dbs[1]).get(user.id)
        # 5 submitted + 10 high score + 15 first practice + 100 "perfect-answer" badge,
        # which crosses level 2 (+50).
        assert progress.total_xp == 5 + 10 + 15 + 100 + 50
        assert progress.statistics.answers_count == 1
        assert set(progress.badges) == {"perfect-answer"}
        ledger = await ProgressRepository(dbs[0]).ledger(user.id)
        day = progress.streak.last_practice_day
        assert day is not None
        assert sorted(a["cause_key"] for a in ledger["xp_awards"]) == sorted([
            "answer:a1:submitted", "answer:a1:high_score", f"day:{day}:first_practice",
            "badge:perfect-answer", "level:2"])
        assert [b["slug"] for b in ledger["badges"]] == ["perfect-answer"]
        updates = [d for r in recorders for e, d in r.sent if e == "gamification:update"]
        assert len(updates) == 1 and updates[0]["xp_gained"] == progress.total_xp
        assert progress.outbox == []  # everything paid is in the ledger

        # A worker that died after paying a second answer, before the ledger: the retried
        # hook pays nothing more and completes the ledger.
        second = dataclasses.replace(event, answer_id="a2", answer=event.answer.model_copy(
            update={"id": "a2"}))
        paid = await ProgressRepository(dbs[0]).change(user.id, lambda p: record_answer(
            p, answer_id="a2", category="behavioral", difficulty="mid", score=10,
            day=day, at=datetime.now(UTC)))
        assert paid.progress.outbox
        await hooks[1].answer_evaluated(second)
        after = await ProgressRepository(dbs[1]).get(user.id)
        assert after.total_xp == paid.progress.total_xp and after.outbox == []
        ledger = await ProgressRepository(dbs[0]).ledger(user.id)
        assert {a["cause_key"] for a in ledger["xp_awards"]} >= {
            "answer:a2:submitted", "answer:a2:high_score"}
    finally:
        for mongo in mongos:
            await mongo.close()
        await redis.aclose()


async def test_the_ledger_copy_empties_the_outbox_even_after_a_change_in_between(
    db: AsyncDatabase[Document],
) -> None:
    """Copying a step's awards to the ledger starts from the progress the step wrote (no
    read); a change that came in between is kept, and the outbox is emptied all the same."""
    progress = ProgressRepository(db)
    now = datetime.now(UTC)

    def answer(answer_id: str) -> Callable[[Progress], Step]:
        return lambda p: record_answer(p, answer_id=answer_id, category="behavioral",
                                       difficulty="mid", score=7, day=now.date(), at=now)

    paid = await progress.change("u1", answer("a1"))
    assert paid.progress.outbox and paid.progress.version == 1
    await progress.record(paid.progress)  # nothing in between
    stored = await progress.get("u1")
    assert stored.outbox == [] and stored.version == 2
    assert stored.total_xp == paid.progress.total_xp

    paid = await progress.change("u1", answer("a2"))
    await progress.change("u1", lambda p: record_started(p, "i2"))  # another step in between
    await progress.record(paid.progress)
    stored = await progress.get("u1")
    assert stored.outbox == [] and stored.version == 5
    assert stored.statistics.answers_count == 2 and "started:i2" in stored.applied
    ledger = await progress.ledger("u1")
    assert {"answer:a1:submitted", "answer:a2:submitted"} <= {
        a["cause_key"] for a in ledger["xp_awards"]}


async def test_duplicated_jobs_in_two_processes_do_not_award_twice(
    spawn: Callable[..., ServerProcess], deployment_env: dict[str, str]
) -> None:
    a, b = spawn("a"), spawn("b")
    await a.ready()
    await b.ready()
    client = await Candidate(a.url, await register(a.url, "dup@example.com")).connect()
    await complete_interview(client, answers=2)
    _, before = await rest(client, "GET", "/api/me/gamification")
    _, stats_before = await rest(client, "GET", "/api/me/statistics")

    settings = settings_from(deployment_env)
    mongo = connect(settings.mongodb_url)
    redis = Redis.from_url(settings.redis_url)
    try:
        db = mongo[settings.mongodb_db]
        answers: list[Document] = [d async for d in db.answers.find({})]
        interview_id = answers[0]["interview_id"]
        # As if every hook run's claim had been lost: only the progress store stands guard.
        await db.hook_runs.delete_many({})
        stream = f"{settings.redis_prefix}:jobs"
        for _ in range(3):
            for answer in answers:
                await redis.xadd(stream, {"kind": EVALUATE_ANSWER,
                                          "payload": json.dumps({"answer_id": answer["_id"]})})
            await redis.xadd(stream, {"kind": FINALIZE_INTERVIEW,
                                      "payload": json.dumps({"interview_id": interview_id})})

        async def drained() -> bool:
            pending = await redis.xpending(stream, "workers")
            return await redis.xlen(stream) == 0 and int(pending["pending"]) == 0

        await eventually(drained)
        # The hooks ran again (their claims were gone), without paying anything again.
        for answer in answers:
            assert await db.hook_runs.find_one({"cause_id": f"answer:{answer['_id']}"})
    finally:
        await mongo.close()
        await redis.aclose()
    _, after = await rest(client, "GET", "/api/me/gamification")
    _, stats_after = await rest(client, "GET", "/api/me/statistics")
    assert after["xp"] == before["xp"] and after["badges"] == before["badges"]
    assert stats_after == stats_before
    assert not client.pending("gamification:update")
    await client.close()
    assert b.proc.poll() is None
