"""A submit whose process died after storing the answer, before the step that has the session
take it and queues its transcription (issue 10; one step since issue 9): the candidate, never
acknowledged, submits again. Only the answer the session took is evaluated, shown and
counted; the leftover is deleted."""

import uuid
from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis

from mockmate.config import Settings
from mockmate.interviews.flow import TRANSCRIBE_ANSWER
from mockmate.jobs.queue import JobQueue
from mockmate.storage.answers import AnswerRepository
from mockmate.storage.audio import BUCKET as AUDIO_BUCKET
from mockmate.storage.database import connect
from mockmate.storage.interviews import InterviewRepository
from mockmate.storage.records import AnswerRecord, StoredTranscript
from tests.conftest import CandidateFactory
from tests.integration.test_corrections import answers_of
from tests.integration.test_progress import rest
from tests.support.audio import encode, speech_16k
from tests.support.waiting import eventually


async def test_only_the_answer_the_session_took_counts(
    candidates: CandidateFactory, settings: Settings
) -> None:
    client = await candidates.new()
    ack = await client.call("interview:start", {
        "role": "Backend Engineer", "interview_type": "behavioral", "difficulty": "mid",
        "speak": False, "adaptive": False,
        "questions": [{"text": "Tell me about a time you made something faster."}]})
    assert ack["ok"], ack
    sid = str(ack["session_id"])
    await client.expect("interview:question", session_id=sid, index=0)

    # What the dead process left: the stored answer, and no job (queued only with the step).
    mongo, redis = connect(settings.mongodb_url), Redis.from_url(settings.redis_url)
    try:
        db = mongo[settings.mongodb_db]
        interview = await InterviewRepository(db).get(sid)
        assert interview is not None
        left = uuid.uuid4().hex
        text = "The first try, lost with its process."
        await AnswerRepository(db).create(AnswerRecord(
            id=left, interview_id=sid, user_id=interview.user_id, index=0,
            question_id=interview.questions[0].id, category="behavioral",
            question=interview.questions[0], kind="text", text=text,
            transcript=StoredTranscript(text=text, confidence=1.0, duration_s=0.0,
                                        delivery=None)))
        # A transcription job for it, as a process of the previous version queued it before
        # its session change: it neither shows nor moves anything for an answer not taken.
        queue = JobQueue(redis, prefix=settings.redis_prefix, consumer_prefix="dead",
                         claim_idle_s=1, max_attempts=5)
        await queue.enqueue(TRANSCRIBE_ANSWER, {"answer_id": left})

        async def drained() -> bool:
            return await redis.xlen(queue.stream) == 0

        await eventually(drained)
        assert not client.pending("answer:transcript")
        assert (await AnswerRepository(db).get(left)) is not None  # left for the next submit

        resubmit = {"session_id": sid, "index": 0,
                    "text": "We cached the slow report, and checkout got four times faster."}
        # Younger than the takeover delay, its submit may still be alive: try again soon.
        busy = await client.call("answer:submit", resubmit)
        assert busy["error"]["code"] == "unavailable" and busy["error"]["retryable"], busy
        # Spoken, the same: and the recording stored for the refused submit is not kept.
        spoken = encode(speech_16k("We cached the slow report."), "wav")
        busy = await client.call("answer:submit", {"session_id": sid, "index": 0,
                                                   "audio": spoken, "format": "wav"})
        assert busy["error"]["code"] == "unavailable" and busy["error"]["retryable"], busy
        assert await db[f"{AUDIO_BUCKET}.files"].find_one({}) is None
        # Later (the stored time moved back, as the clock would move on), it is replaced.
        await db.answers.update_one({"_id": left}, {"$set": {
            "created_at": datetime.now(UTC) - timedelta(seconds=60)}})
        again = await client.call("answer:submit", resubmit)
        assert again["ok"], again
        taken = again["answer_id"]
        evaluation = await client.expect("answer:evaluation", answer_id=taken)
        await client.expect("interview:complete", session_id=sid)

        answers = await answers_of(client, sid)
        assert [(a["answer_id"], a["transcript"]["text"]) for a in answers] == [
            (taken, resubmit["text"])]

        assert await AnswerRepository(db).get(left) is None
        evaluated = [e["answer_id"] for e in client.pending("answer:evaluation")]
        assert left not in evaluated
        _, stats = await rest(client, "GET", "/api/me/statistics")
        assert stats["statistics"]["questions_answered"] == 1
        assert stats["statistics"]["average_score"] == evaluation["score"]
    finally:
        await mongo.close()
        await redis.aclose()
