"""The evaluation pipeline on a real MongoDB-wire server: retries and duplicates of the same
job never run a finished hook again, never replace an evaluation, and announce completion once."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from mockmate.evaluators.heuristic import HeuristicEvaluator
from mockmate.evaluators.hooks import (
    AnswerEvaluated,
    HookBusyError,
    HookRegistry,
    InterviewCompleted,
)
from mockmate.evaluators.pipeline import EvaluationPipeline
from mockmate.questions.models import Question
from mockmate.storage.answers import AnswerRepository
from mockmate.storage.database import Document, connect, ensure_indexes
from mockmate.storage.hook_runs import HookRunRepository
from mockmate.storage.interviews import COMPLETED, InterviewRepository


class RecordingEmitter:
    """Stands in for the Socket.IO room emitter: the pipeline's only outward edge here."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict[str, Any]]] = []

    async def to_session(
        self, user_id: str, session_id: str, event: str, data: dict[str, Any]
    ) -> None:
        await self.to_user(user_id, event, data)

    async def to_user(self, user_id: str, event: str, data: dict[str, Any]) -> None:
        self.sent.append((user_id, event, data))

    def events(self, name: str) -> list[dict[str, Any]]:
        return [data for _, event, data in self.sent if event == name]


@pytest.fixture
async def db(mongo_url: str) -> AsyncIterator[AsyncDatabase[Document]]:
    client = connect(mongo_url)
    database = client[f"t_{uuid.uuid4().hex[:12]}"]
    await ensure_indexes(database)
    yield database
    await client.close()


async def seed(db: AsyncDatabase[Document], answers: int) -> tuple[str, list[str]]:
    interview_id = uuid.uuid4().hex
    questions = [
        Question(id=f"q{i}", text="Tell me about a time you improved performance.",
                 category="behavioral", difficulty="mid").model_dump(mode="json")
        for i in range(answers)
    ]
    await InterviewRepository(db).create({
        "_id": interview_id, "user_id": "u1", "role": "Backend Engineer", "questions": questions,
    })
    ids = []
    for index in range(answers):
        answer_id = uuid.uuid4().hex
        await AnswerRepository(db).create({
            "_id": answer_id, "interview_id": interview_id, "user_id": "u1", "index": index,
            "category": "behavioral", "kind": "text",
            "text": "I cut our API latency by 40% by adding a cache; as a result we saved $2k.",
            "transcript": {"text": "I cut our API latency by 40% by adding a cache.",
                           "confidence": 1.0, "duration_s": 0.0, "delivery": None},
        })
        ids.append(answer_id)
    return interview_id, ids


async def test_a_retried_job_skips_finished_hooks(db: AsyncDatabase[Document]) -> None:
    runs: dict[str, int] = {"steady": 0, "flaky": 0}

    async def steady(event: AnswerEvaluated) -> None:
        runs["steady"] += 1

    async def flaky(event: AnswerEvaluated) -> None:
        runs["flaky"] += 1
        if runs["flaky"] == 1:
            raise RuntimeError("statistics store briefly down")

    hooks = HookRegistry(HookRunRepository(db))
    hooks.on_answer_evaluated("steady", steady)
    hooks.on_answer_evaluated("flaky", flaky)
    emitter = RecordingEmitter()
    answers = AnswerRepository(db)
    pipeline = EvaluationPipeline(
        evaluator=HeuristicEvaluator(), answers=answers, interviews=InterviewRepository(db),
        hooks=hooks, emitter=emitter,
    )
    _, (answer_id,) = await seed(db, 1)

    with pytest.raises(RuntimeError):
        await pipeline.evaluate_answer({"answer_id": answer_id})
    first = (await answers.get(answer_id) or {})["evaluation"]
    await pipeline.evaluate_answer({"answer_id": answer_id})  # the retry
    await pipeline.evaluate_answer({"answer_id": answer_id})  # a duplicated job
    assert runs == {"steady": 1, "flaky": 2}
    assert (await answers.get(answer_id) or {})["evaluation"] == first
    scores = {e["score"] for e in emitter.events("answer:evaluation")}
    assert scores == {first["score"]}  # re-sent on retries, never changed


async def test_completion_is_announced_once_after_the_last_evaluation(
    db: AsyncDatabase[Document],
) -> None:
    completed: list[InterviewCompleted] = []

    async def on_complete(event: InterviewCompleted) -> None:
        completed.append(event)

    hooks = HookRegistry(HookRunRepository(db))
    hooks.on_interview_completed("record", on_complete)
    emitter = RecordingEmitter()
    interviews = InterviewRepository(db)
    pipeline = EvaluationPipeline(
        evaluator=HeuristicEvaluator(), answers=AnswerRepository(db), interviews=interviews,
        hooks=hooks, emitter=emitter,
    )
    interview_id, answer_ids = await seed(db, 3)
    await interviews.finish(interview_id, status=COMPLETED, answered=3, skipped=[])

    await pipeline.evaluate_answer({"answer_id": answer_ids[0]})
    await pipeline.finalize_interview({"interview_id": interview_id})
    assert emitter.events("interview:complete") == []  # two answers still unevaluated

    # The last two evaluations and several finalize jobs race; one announcement wins. A job
    # that finds the completion hook running elsewhere fails (HookBusyError) and would be
    # retried by the queue.
    outcomes = await asyncio.gather(
        *(pipeline.evaluate_answer({"answer_id": a}) for a in answer_ids[1:]),
        *(pipeline.finalize_interview({"interview_id": interview_id}) for _ in range(5)),
        return_exceptions=True,
    )
    assert all(o is None or isinstance(o, HookBusyError) for o in outcomes), outcomes
    await pipeline.finalize_interview({"interview_id": interview_id})  # a retry: no-op
    announced = emitter.events("interview:complete")
    assert len(announced) == 1
    assert announced[0]["answered"] == 3 and 1 <= announced[0]["overall_score"] <= 10
    stored = await interviews.get(interview_id)
    assert stored is not None and stored["overall_score"] == announced[0]["overall_score"]
    assert [c.interview_id for c in completed] == [interview_id]  # the hook ran once
