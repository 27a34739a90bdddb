"""The evaluation pipeline on a real MongoDB-wire server: retries and duplicates of the same
job never run a finished hook again, never replace an evaluation, and announce completion once."""

import asyncio
import uuid
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from mockmate.domain import InterviewStatus
from mockmate.evaluators.heuristic import HeuristicEvaluator
from mockmate.interviews.hooks import (
    AnswerEvaluated,
    HookRegistry,
    InterviewCompleted,
)
from mockmate.interviews.pipeline import EvaluationPipeline
from mockmate.questions.models import Question
from mockmate.storage.answers import AnswerRepository
from mockmate.storage.database import Document
from mockmate.storage.hook_runs import HookRunRepository
from mockmate.storage.interviews import InterviewRepository
from mockmate.storage.records import AnswerRecord, InterviewRecord, StoredTranscript


class RecordingEmitter:
    """Stands in for the Socket.IO room emitter: the pipeline's only outward edge here."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict[str, Any]]] = []

    async def to_session(
        self, user_id: str, session_id: str, event: str, data: dict[str, Any],
        *, asks: int | None = None,
    ) -> None:
        self.sent.append((user_id, event, data))

    async def to_user(self, user_id: str, event: str, data: dict[str, Any]) -> None:
        self.sent.append((user_id, event, data))

    def events(self, name: str) -> list[dict[str, Any]]:
        return [data for _, event, data in self.sent if event == name]


async def seed(db: AsyncDatabase[Document], answers: int) -> tuple[str, list[str]]:
    interview_id = uuid.uuid4().hex
    questions = tuple(
        Question(id=f"q{i}", text="Tell me about a time you improved performance.",
                 category="behavioral", difficulty="mid")
        for i in range(answers)
    )
    await InterviewRepository(db).create(InterviewRecord(
        id=interview_id, user_id="u1", role="Backend Engineer", questions=questions,
    ))
    ids = []
    for index in range(answers):
        answer_id = uuid.uuid4().hex
        await AnswerRepository(db).create(AnswerRecord(
            id=answer_id, interview_id=interview_id, user_id="u1", index=index,
            category="behavioral", kind="text",
            text="I cut our API latency by 40% by adding a cache; as a result we saved $2k.",
            transcript=StoredTranscript(text="I cut our API latency by 40% by adding a cache.",
                                        confidence=1.0, duration_s=0.0, delivery=None),
        ))
        ids.append(answer_id)
    return interview_id, ids


def pipeline_for(
    db: AsyncDatabase[Document], hooks: HookRegistry | None = None
) -> tuple[EvaluationPipeline, RecordingEmitter]:
    """A pipeline over `db` with the heuristic evaluator and `hooks` (none by default), and
    the emitter it sends its events to."""
    emitter = RecordingEmitter()
    pipeline = EvaluationPipeline(
        evaluator=HeuristicEvaluator(), answers=AnswerRepository(db),
        interviews=InterviewRepository(db),
        hooks=hooks if hooks is not None else HookRegistry(HookRunRepository(db)),
        emitter=emitter,
    )
    return pipeline, emitter


async def evaluation_of(answers: AnswerRepository, answer_id: str) -> dict[str, Any]:
    """The stored evaluation as JSON (empty before there is one)."""
    answer = await answers.get(answer_id)
    return answer.evaluation.wire() if answer and answer.evaluation else {}


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
    answers = AnswerRepository(db)
    pipeline, emitter = pipeline_for(db, hooks)
    _, (answer_id,) = await seed(db, 1)

    with pytest.raises(RuntimeError):
        await pipeline.evaluate_answer({"answer_id": answer_id})
    first = await evaluation_of(answers, answer_id)
    await pipeline.evaluate_answer({"answer_id": answer_id})  # the retry
    await pipeline.evaluate_answer({"answer_id": answer_id})  # a duplicated job
    assert runs == {"steady": 1, "flaky": 2}
    assert await evaluation_of(answers, answer_id) == first
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
    interviews = InterviewRepository(db)
    pipeline, emitter = pipeline_for(db, hooks)
    interview_id, answer_ids = await seed(db, 3)
    await interviews.finish(interview_id, status=InterviewStatus.COMPLETED, answered=3, skipped=[])

    await pipeline.evaluate_answer({"answer_id": answer_ids[0]})
    await pipeline.finalize_interview({"interview_id": interview_id})
    assert emitter.events("interview:complete") == []  # two answers still unevaluated

    # The last two evaluations and several finalize jobs race; one announcement wins. A job
    # that finds the completion hook running elsewhere waits for it instead of failing.
    outcomes = await asyncio.gather(
        *(pipeline.evaluate_answer({"answer_id": a}) for a in answer_ids[1:]),
        *(pipeline.finalize_interview({"interview_id": interview_id}) for _ in range(5)),
        return_exceptions=True,
    )
    assert all(o is None for o in outcomes), outcomes
    await pipeline.finalize_interview({"interview_id": interview_id})  # a retry: no-op
    announced = emitter.events("interview:complete")
    assert len(announced) == 1
    assert announced[0]["answered"] == 3 and 1 <= announced[0]["overall_score"] <= 10
    stored = await interviews.get(interview_id)
    assert stored is not None and stored.overall_score == announced[0]["overall_score"]
    assert [c.interview_id for c in completed] == [interview_id]  # the hook ran once


async def test_a_hook_that_meets_a_running_twin_waits_and_a_dead_ones_claim_is_taken_over(
    db: AsyncDatabase[Document],
) -> None:
    runs = HookRunRepository(db, lease_s=0.3)
    ran: list[str] = []
    release = asyncio.Event()
    started = asyncio.Event()

    async def slow(event: InterviewCompleted) -> None:
        ran.append(event.interview_id)
        started.set()
        await release.wait()

    hooks = HookRegistry(runs)
    hooks.on_interview_completed("slow", slow)
    event = InterviewCompleted(user_id="u", interview_id=uuid.uuid4().hex, overall_score=5.0,
                               category_scores={}, answered=1, skipped=0, duration_s=1.0)
    first = asyncio.create_task(hooks.interview_completed(event))
    await started.wait()
    twin = asyncio.create_task(hooks.interview_completed(event))
    # The twin waits while the first runs well past its lease (it is renewed), then skips.
    done, _ = await asyncio.wait({twin}, timeout=1.0)
    assert not done and ran == [event.interview_id]
    release.set()
    await asyncio.wait_for(asyncio.gather(first, twin), timeout=5)
    assert ran == [event.interview_id]

    # A worker claimed a hook and died: its claim is taken over once the lease lapses.
    dead = InterviewCompleted(user_id="u", interview_id=uuid.uuid4().hex, overall_score=5.0,
                              category_scores={}, answered=1, skipped=0, duration_s=1.0)
    assert await runs.claim(f"interview:{dead.interview_id}", "slow") == "claimed"
    await asyncio.wait_for(hooks.interview_completed(dead), timeout=5)
    assert ran[-1] == dead.interview_id


async def test_an_interview_ended_without_answers_completes_once(
    db: AsyncDatabase[Document],
) -> None:
    """The finalize job of an interview ended with no answer (`interview:end` after streamed
    chunks): it records the end if the change could not, and completion is announced once
    however many copies of the job run, whichever of them recorded the end."""
    completed: list[InterviewCompleted] = []

    async def on_complete(event: InterviewCompleted) -> None:
        completed.append(event)

    hooks = HookRegistry(HookRunRepository(db))
    hooks.on_interview_completed("record", on_complete)
    interviews = InterviewRepository(db)
    pipeline, emitter = pipeline_for(db, hooks)
    job = {"answered": 0, "skipped": [0]}
    for change_recorded_it in (False, True):
        interview_id, _ = await seed(db, 0)
        if change_recorded_it:
            await interviews.finish(interview_id, status=InterviewStatus.COMPLETED,
                                    answered=0, skipped=[0])
        outcomes = await asyncio.gather(
            *(pipeline.finalize_interview({"interview_id": interview_id, **job})
              for _ in range(3)),
            return_exceptions=True,
        )
        assert all(o is None for o in outcomes), outcomes
        await pipeline.finalize_interview({"interview_id": interview_id, **job})  # a retry
        announced = [e for e in emitter.events("interview:complete")
                     if e["session_id"] == interview_id]
        stored = await interviews.get(interview_id)
        assert stored is not None and stored.status is InterviewStatus.COMPLETED
        assert stored.completion_sent and stored.answered == 0
        assert announced == [{
            "session_id": interview_id, "overall_score": None, "category_scores": {},
            "answered": 0, "skipped": 1, "duration_s": stored.duration_s,
        }]
        assert [c.interview_id for c in completed].count(interview_id) == 1


async def test_an_answer_the_session_never_took_does_not_hold_back_an_answerless_end(
    db: AsyncDatabase[Document],
) -> None:
    """A stored answer that the session never took (its submit's process died before the
    step) is not one of the interview's: ended with no answer taken, it completes."""
    pipeline, emitter = pipeline_for(db)
    interview_id, _ = await seed(db, 1)  # stored, never taken: the session counted none
    await pipeline.finalize_interview({"interview_id": interview_id, "answered": 0})
    assert [e["answered"] for e in emitter.events("interview:complete")] == [0]


async def test_the_last_answers_job_waits_for_the_hooks_of_the_others(
    db: AsyncDatabase[Document],
) -> None:
    """The job of an answer finalizes after its own hooks, and only once every other
    answer's hooks are done too: what the interview completes comes after all of theirs."""
    release, running = asyncio.Event(), asyncio.Event()
    completed: list[str] = []
    interview_id, (first, second) = await seed(db, 2)

    async def slow_for_second(event: AnswerEvaluated) -> None:
        if event.answer_id == second:
            running.set()
            await release.wait()

    async def on_complete(event: InterviewCompleted) -> None:
        completed.append(event.interview_id)

    hooks = HookRegistry(HookRunRepository(db))
    hooks.on_answer_evaluated("slow", slow_for_second)
    hooks.on_interview_completed("record", on_complete)
    interviews = InterviewRepository(db)
    pipeline, emitter = pipeline_for(db, hooks)
    await interviews.finish(interview_id, status=InterviewStatus.COMPLETED, answered=2,
                            skipped=[])
    second_job = asyncio.create_task(pipeline.evaluate_answer({"answer_id": second}))
    await asyncio.wait_for(running.wait(), timeout=5)  # evaluated, its hook still running
    await pipeline.evaluate_answer({"answer_id": first})
    await pipeline.evaluate_answer({"answer_id": first})  # a retried job: the same
    assert emitter.events("interview:complete") == [] and completed == []
    release.set()
    await asyncio.wait_for(second_job, timeout=5)
    assert [e["answered"] for e in emitter.events("interview:complete")] == [2]
    assert completed == [interview_id]
