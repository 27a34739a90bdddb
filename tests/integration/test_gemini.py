"""Gemini question generation and evaluation through the official google-genai SDK, against a
local server speaking Gemini's wire format: success, bad output, 429, 5xx, breaker, timeouts."""

import json
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest
from google import genai
from google.genai import errors as genai_errors

from mockmate.evaluators.heuristic import HeuristicEvaluator
from mockmate.evaluators.models import Delivery, EvaluationContext
from mockmate.providers.gemini import classify_gemini, load_json_lenient, make_gemini_client
from mockmate.providers.gemini_evaluator import GeminiEvaluator, MemoryLRUCache
from mockmate.providers.gemini_questions import GeminiQuestionGenerator, GeneratedQuestion
from mockmate.providers.resilience import (
    RetryPolicy,
)
from mockmate.questions.bank import load_bank
from mockmate.questions.models import Question
from tests.fakes.gemini import FakeGemini, Reply
from tests.fakes.guard import RecordingGuard, state

ROLE = "Senior Backend Engineer"
JOB = "We need strong Kafka and PostgreSQL experience, and you will own our payments API."
RESUME = "Led Project Nightjar, a Go ingestion pipeline on Kafka handling 2M events/day."


class Harness(RecordingGuard):
    """Everything one test needs: fake server, SDK client, guard with recorded sleeps."""

    def __init__(self, fake: FakeGemini, client: genai.Client) -> None:
        self.fake = fake
        self.client = client
        super().__init__("gemini", classify_gemini)
        self.generator = GeminiQuestionGenerator(client, self.guard, bank=load_bank())
        self.evaluator = GeminiEvaluator(
            client, self.guard, fallback=HeuristicEvaluator(), cache=MemoryLRUCache(8)
        )

    async def questions(self, count: int = 3, interview_type: Any = "mixed") -> list[Question]:
        return await self.generator.generate(
            ROLE, JOB, RESUME, interview_type, "senior", count, rng=random.Random(7)
        )


@pytest.fixture
async def h() -> AsyncIterator[Harness]:
    async with FakeGemini() as fake:
        client = make_gemini_client(fake.api_key, fake.url)
        try:
            yield Harness(fake, client)
        finally:
            await client.aio.aclose()


def item(text: str, category: str = "technical", **extra: Any) -> dict[str, Any]:
    return {"text": text, "category": category, "difficulty": "senior",
            "skills": ["kafka", "Distributed Systems"], "why": "Probes Nightjar.", **extra}


GOOD = {"questions": [
    item("How did you make Project Nightjar's Kafka consumers idempotent?"),
    item("Tell me about a time Nightjar missed its ingestion SLA.", "behavioral"),
    item("Your payments API must stay consistent across PostgreSQL and Kafka: how?",
         "situational"),
]}


async def test_generates_tailored_questions(h: Harness) -> None:
    h.fake.script(Reply.json(GOOD))
    questions = await h.questions()
    assert [q.text for q in questions] == [i["text"] for i in GOOD["questions"]]
    assert all(isinstance(q, GeneratedQuestion) and q.id.startswith("gen:") for q in questions)
    first = questions[0]
    assert isinstance(first, GeneratedQuestion)
    assert first.why == "Probes Nightjar." and first.skills == ("kafka", "distributed-systems")
    assert "backend" in first.roles
    (request,) = h.fake.requests
    assert request.version == "v1beta" and request.model == "gemini-2.5-flash"
    assert "Project Nightjar" in request.prompt and "payments API" in request.prompt
    assert "Write exactly 3" in request.prompt
    config = request.generation_config
    assert config["responseMimeType"] == "application/json"
    assert "questions" in config["responseSchema"]["properties"]


async def test_partial_and_invalid_output_is_repaired_and_topped_up(h: Harness) -> None:
    h.fake.script(Reply.json({"questions": [
        item("How did Nightjar handle Kafka consumer rebalancing at peak?"),
        item("Describe a conflict you resolved while leading Nightjar.", "Behavioural",
             difficulty="Mid-Level"),
        item("Walk me through a Nightjar outage and how you handled it.", "coding"),  # dropped
        item("How did Nightjar handle Kafka consumer rebalancing at peak?"),  # duplicate
        {"category": "technical"},  # no text
        "not an object",
    ]}))
    questions = await h.questions(count=5)
    assert len(questions) == 5 and len({q.id for q in questions}) == 5
    generated = [q for q in questions if q.id.startswith("gen:")]
    assert [(q.category, q.difficulty) for q in generated] == [
        ("technical", "senior"), ("behavioral", "mid")]
    assert all(q.id.startswith("bank:") for q in questions[2:])


async def test_truncated_output_keeps_the_whole_items(h: Harness) -> None:
    text = '```json\n{"questions": [' + ", ".join(
        json.dumps(i) for i in GOOD["questions"][:2]
    ) + ', {"text": "How would you shard the paym'
    h.fake.script(Reply.raw(text, finish_reason="MAX_TOKENS"))
    questions = await h.questions(count=4)
    assert [q.id[:4] for q in questions] == ["gen:", "gen:", "bank", "bank"]


async def test_unparseable_output_gives_the_offline_selection(h: Harness) -> None:
    h.fake.script(Reply.raw("Sorry, I cannot help with that."))
    questions = await h.questions(count=4, interview_type="technical")
    assert len(questions) == 4
    assert all(q.id.startswith("bank:") and q.category == "technical" for q in questions)
    assert len(h.fake.requests) == 1  # bad output is not retried
    assert h.errors("invalid_output") == 1 and state(h.guard.breaker) == "closed"


async def test_429_waits_for_retry_after_then_succeeds(h: Harness) -> None:
    h.fake.script(Reply.error(429, retry_after="7"), Reply.json(GOOD))
    questions = await h.questions()
    assert all(q.id.startswith("gen:") for q in questions)
    assert len(h.fake.requests) == 2
    assert h.sleeps == [7.0]
    assert h.errors("rate_limited") == 1


async def test_429_with_only_retry_info_uses_its_delay(h: Harness) -> None:
    h.fake.script(Reply.error(429, retry_delay="3s"), Reply.json(GOOD))
    await h.questions()
    assert h.sleeps == [3.0] and len(h.fake.requests) == 2


async def test_500s_open_the_breaker_then_calls_short_circuit(h: Harness) -> None:
    h.fake.default = Reply.error(500, "backend error")
    first = await h.questions(count=3)  # 3 attempts, 3 failures: the breaker opens
    assert len(first) == 3 and all(q.id.startswith("bank:") for q in first)
    assert len(h.fake.requests) == 3 and h.sleeps == [0.25, 0.5]
    assert state(h.guard.breaker) == "open"

    again = await h.questions(count=3)
    assert len(again) == 3 and len(h.fake.requests) == 3  # the server was not called
    assert h.errors("server_error") == 3 and h.errors("circuit_open") == 1

    h.clock.now += 30.0  # cool-down over: one trial call, which succeeds
    h.fake.script(Reply.json(GOOD))
    recovered = await h.questions(count=3)
    assert all(q.id.startswith("gen:") for q in recovered)
    assert state(h.guard.breaker) == "closed" and len(h.fake.requests) == 4


async def test_slow_response_times_out_and_falls_back(h: Harness) -> None:
    generator = GeminiQuestionGenerator(
        h.client, h.guard, bank=load_bank(), policy=RetryPolicy(attempts=2, timeout_s=0.3)
    )
    h.fake.default = Reply.json(GOOD, delay_s=10.0)
    questions = await generator.generate(ROLE, JOB, RESUME, "mixed", "senior", 3)
    assert len(questions) == 3 and all(q.id.startswith("bank:") for q in questions)
    assert len(h.fake.requests) == 2 and len(h.sleeps) == 1
    assert h.errors("timeout") == 2


async def test_wrong_api_key_falls_back_without_retrying(h: Harness) -> None:
    client = make_gemini_client("wrong-key", h.fake.url)
    try:
        generator = GeminiQuestionGenerator(client, h.guard, bank=load_bank())
        questions = await generator.generate(ROLE, JOB, RESUME, "mixed", "senior", 2)
    finally:
        await client.aio.aclose()
    assert len(questions) == 2 and h.sleeps == [] and h.errors("auth") == 1


QUESTION = Question(id="bank:x", text="Tell me about a system you scaled.",
                    category="behavioral", difficulty="senior", skills=("system-design",))
ANSWER = ("At Nightjar our Kafka consumers fell behind at peak. I owned the fix: I partitioned "
          "by customer and added backpressure. Lag dropped from 40 minutes to 30 seconds.")
CONTEXT = EvaluationContext(
    question=QUESTION, answer_text=ANSWER, role=ROLE, job_description=JOB, resume_text=RESUME,
    delivery=Delivery(words_per_minute=142, filler_words={"um": 3}, pause_count=2,
                      longest_pause_s=2.5),
)
LLM_EVALUATION = {
    "rubric": {"relevance": 9, "examples": 11, "clarity": 7.25, "technical_accuracy": 0,
               "job_alignment": 8},
    "strengths": ["Concrete lag numbers", "Concrete lag numbers", "Clear ownership"],
    "weaknesses": ["Little on trade-offs"],
    "tips": ["Say why you chose per-customer partitions"],
    "evidence": ["Lag dropped from 40 minutes to 30 seconds", "I rewrote it in Rust"],
    "star": {"situation": "At Nightjar our Kafka consumers fell behind at peak.",
             "task": "I owned the fix", "action": "I partitioned by customer",
             "result": "N/A"},
    "ideal_answer": "At Nightjar I ... and lag fell from 40 minutes to 30 seconds.",
    "ideal_answer_strengths": "It quantifies the result and explains the trade-off.",
}


async def test_evaluator_success(h: Harness) -> None:
    h.fake.script(Reply.json(LLM_EVALUATION))
    evaluation = await h.evaluator.evaluate(CONTEXT)
    assert evaluation.source == "llm"
    assert evaluation.ideal_answer is not None
    assert evaluation.ideal_answer.startswith("At Nightjar I")
    assert evaluation.ideal_answer_strengths == (
        "It quantifies the result and explains the trade-off."
    )
    # The offline outline rides along: the STAR steps, marked against the answer.
    assert evaluation.ideal_outline is not None
    assert evaluation.ideal_outline.structure == "star"
    assert evaluation.ideal_outline.points[0].part == "answer"
    rubric = evaluation.rubric
    assert (rubric.examples, rubric.technical_accuracy, rubric.clarity) == (10.0, 1.0, 7.2)
    assert evaluation.score == rubric.weighted_score()
    assert evaluation.strengths == ["Concrete lag numbers", "Clear ownership"]
    assert evaluation.evidence == ["Lag dropped from 40 minutes to 30 seconds"]  # real quotes
    assert evaluation.star.result is None and evaluation.star.task == "I owned the fix"
    prompt = h.fake.requests[0].prompt
    for expected in (QUESTION.text, "Lag dropped from 40 minutes", "142 words per minute",
                     "um x3", "payments API", "Project Nightjar"):
        assert expected in prompt


async def test_evaluator_malformed_output_falls_back_to_heuristics(h: Harness) -> None:
    h.fake.script(Reply.json({"rubric": {"relevance": "high"}, "strengths": []}),
                  Reply.raw("{not json"))
    for _ in range(2):
        evaluation = await h.evaluator.evaluate(CONTEXT)
        assert evaluation.source == "heuristic"
        assert evaluation.ideal_answer is not None and evaluation.ideal_outline is not None
    assert len(h.fake.requests) == 2  # fallbacks are not cached
    assert h.errors("invalid_output") == 2


async def test_evaluator_provider_down_falls_back(h: Harness) -> None:
    h.fake.default = Reply.error(503)
    evaluation = await h.evaluator.evaluate(CONTEXT)
    assert evaluation.source == "heuristic" and len(h.fake.requests) == 3


async def test_identical_evaluation_is_served_from_the_cache(h: Harness) -> None:
    h.fake.default = Reply.json(LLM_EVALUATION)
    first = await h.evaluator.evaluate(CONTEXT)
    second = await h.evaluator.evaluate(CONTEXT)
    assert second == first and len(h.fake.requests) == 1
    await h.evaluator.evaluate(CONTEXT.model_copy(update={"answer_text": ANSWER + " Done."}))
    await h.evaluator.evaluate(CONTEXT.model_copy(update={"job_description": "Frontend"}))
    assert len(h.fake.requests) == 3


def test_lenient_json_and_error_triage() -> None:
    assert load_json_lenient('Here you go:\n{"a": [1]} thanks') == {"a": [1]}
    assert load_json_lenient('{"questions": [{"x": 1}, {"y"', "questions") == {
        "questions": [{"x": 1}]}
    with pytest.raises(Exception, match="not JSON"):
        load_json_lenient("no json here")
    failure = classify_gemini(genai_errors.ClientError(429, {"error": {"details": [
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1.5s"}]}}))
    assert failure.retryable and failure.retry_after == 1.5
    assert not classify_gemini(genai_errors.ClientError(400, {"error": {}})).counts


STUFFED = ("For this I would leverage indexes, composite indexes, covering indexes, the query "
           "plan, EXPLAIN ANALYZE, Redis, Memcached, caching, TTL, cache invalidation, read "
           "replicas, connection pooling, sharding, partitioning and materialized views.")
SLOW_SQL = Question(id="bank:slow-sql", text="An API endpoint runs an expensive SQL query on "
                    "every request and has become slow. How would you speed it up?",
                    category="technical", difficulty="mid", skills=("sql", "caching"))


async def test_llm_marks_are_capped_where_the_heuristics_see_a_trap(h: Harness) -> None:
    # The model is charmed by a list of the right terms; the post-check is not.
    charmed = {**LLM_EVALUATION, "rubric": {"relevance": 8, "examples": 8, "clarity": 7,
                                            "technical_accuracy": 9, "job_alignment": 7}}
    h.fake.script(Reply.json(charmed))
    evaluation = await h.evaluator.evaluate(
        EvaluationContext(question=SLOW_SQL, answer_text=STUFFED, role=ROLE)
    )
    assert evaluation.source == "llm"
    assert (evaluation.rubric.examples, evaluation.rubric.technical_accuracy) == (2.0, 3.0)
    assert evaluation.criteria_reasons["examples"] == (
        "Capped at 2.0: it lists terms instead of using them to say something."
    )
    assert "criteria_reasons" in h.fake.requests[0].prompt
    assert "answers a different question" in h.fake.requests[0].prompt


MISTAKE = Question(id="bank:mistake", text="Tell me about a time you made a mistake at work.",
                   category="behavioral", difficulty="mid")
PREPARED = ("A project I'm proud of is the caching layer I built for our product catalogue. "
            "Pages took two seconds, so I added Redis with a five-minute TTL, and load times "
            "dropped to 300 milliseconds.")


async def test_llm_marks_are_capped_for_a_prepared_story_of_another_kind(h: Harness) -> None:
    charmed = {**LLM_EVALUATION, "rubric": {"relevance": 8, "examples": 9, "clarity": 8,
                                            "technical_accuracy": 7, "job_alignment": 7}}
    h.fake.script(Reply.json(charmed))
    evaluation = await h.evaluator.evaluate(
        EvaluationContext(question=MISTAKE, answer_text=PREPARED, role=ROLE)
    )
    assert (evaluation.rubric.relevance, evaluation.rubric.examples) == (3.0, 3.0)
    assert evaluation.criteria_reasons["relevance"] == (
        "Capped at 3.0: it announces another story (\"A project I'm proud of\") than the one "
        "asked for."
    )
    assert evaluation.confidence == "low"
    assert evaluation.ideal_outline is not None
    assert evaluation.ideal_outline.missed[0].startswith("Answer what was asked")


async def test_llm_evaluation_carries_confidence_and_reasons(h: Harness) -> None:
    with_reasons = {**LLM_EVALUATION, "criteria_reasons": {
        "relevance": "It answers the scaling question directly.", "examples": "",
        "clarity": "Three short sentences.", "technical_accuracy": "'backpressure' is apt.",
        "job_alignment": "Kafka matches the job."}}
    h.fake.script(Reply.json(with_reasons))
    evaluation = await h.evaluator.evaluate(CONTEXT)
    reasons = evaluation.criteria_reasons
    assert reasons["relevance"] == "It answers the scaling question directly."
    assert reasons["examples"].startswith("Examples ")  # the model gave none: the heuristics'
    assert evaluation.confidence == "medium"  # 29 words: short
    h.fake.script(Reply.json(LLM_EVALUATION))
    short = await h.evaluator.evaluate(CONTEXT.model_copy(update={"answer_text": "I scaled it."}))
    assert short.confidence == "low" and short.tips[0].startswith("Treat this score as a rough")
