"""A transcription the job queue gives up on does not leave the candidate waiting.

A job that fails `MOCKMATE_JOB_MAX_ATTEMPTS` times goes to the dead-letter stream. For a
transcription that used to leave the session in `transcribing` for good: no transcript, no
error, nothing to answer. Here one attempt is allowed, and the process running it is killed
mid-transcription: the process that takes the job over gives it up, the candidate is told
(`error`, `unavailable`, retryable) and answers again.
"""

from collections.abc import Callable

from redis.asyncio import Redis

from mockmate.config import Settings
from mockmate.interviews.flow import SPEECH_LANE
from mockmate.jobs.queue import JobQueue
from tests.integration.test_takeover import stored_answers
from tests.support.audio import encode, speech_16k
from tests.support.client import Candidate, register
from tests.support.server import ServerProcess
from tests.support.waiting import eventually

ONE_TRY = {"MOCKMATE_JOB_MAX_ATTEMPTS": "1", "MOCKMATE_JOB_CLAIM_IDLE_S": "1",
           "MOCKMATE_TAKEOVER_S": "2", "MOCKMATE_STT_WORKERS": "1"}
# Long enough (about 40 s of speech) that its transcription is still running at the kill.
LONG_ANSWER = " ".join([
    "In my last role I owned the checkout service and its database.",
    "I profiled the slow queries, added an index and a cache for the product pages,",
    "moved the reports to a read replica, and split the nightly batch into smaller jobs.",
    "As a result the page loaded twice as fast and the backlog cleared within minutes.",
] * 3)


async def test_a_transcription_given_up_lets_the_candidate_answer_again(
    spawn: Callable[..., ServerProcess], settings: Settings
) -> None:
    a = await spawn("a", **ONE_TRY).ready()
    token = await register(a.url, "given-up@example.com")
    on_a = await Candidate(a.url, token).connect()
    redis: Redis = Redis.from_url(settings.redis_url)
    queue = JobQueue(redis, prefix=settings.redis_prefix, consumer_prefix="test",
                     claim_idle_s=1, max_attempts=1)
    lane = queue.lane_stream(SPEECH_LANE)
    try:
        start = {"role": "Backend Engineer", "interview_type": "behavioral",
                 "difficulty": "mid", "question_count": 1, "speak": False, "adaptive": False}
        sid = (await on_a.call("interview:start", start))["session_id"]
        await on_a.expect("interview:question", session_id=sid, index=0)
        wav = encode(speech_16k(LONG_ANSWER), "wav")
        ack = await on_a.call("answer:submit", {"session_id": sid, "index": 0, "audio": wav})
        assert ack["ok"], ack

        async def taken() -> bool:  # a worker of `a` has read the job: it is running
            return int((await redis.xpending(lane, "workers"))["pending"]) == 1

        await eventually(taken)
        a.kill()
        b = await spawn("b", **ONE_TRY).ready()
        on_b = await Candidate(b.url, token).connect()
        resumed = await on_b.call("interview:resume", {"session_id": sid, "last_event_seq": 0})
        assert resumed["ok"], resumed  # replays what happened, and what happens next follows
        error = await on_b.expect("error", session_id=sid, timeout=30)
        assert error["code"] == "unavailable" and error["retryable"], error
        await on_b.expect("interview:state", session_id=sid, state="awaiting_answer")
        assert len(await redis.xrange(queue.dead_stream)) == 1

        again = await on_b.call("answer:submit", {
            "session_id": sid, "index": 0, "text": "I added an index and a read replica."})
        assert again["ok"], again
        complete = await on_b.expect("interview:complete", session_id=sid, timeout=60)
        assert complete["answered"] == 1
        answers = await stored_answers(b.url, token, sid)
        assert [answer["answer_id"] for answer in answers] == [again["answer_id"]]
        # The given-up answer was never announced as heard; only the new one was.
        heard = [t["answer_id"] for t in on_b.pending("answer:transcript")]
        assert set(heard) <= {again["answer_id"]}, heard
        await on_b.close()
    finally:
        await redis.aclose()
        await on_a.close()
