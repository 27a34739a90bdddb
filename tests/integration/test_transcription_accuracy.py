"""How well spoken answers are heard, through the real server: twelve answers of 30-60 words,
spoken by Piper (the voice the project ships) and by espeak-ng (a robotic formant voice from
Debian, unlike anything Whisper was trained on), sent over Socket.IO, half as one recording
(`answer:submit {audio}`) and half streamed in 250 ms `answer:chunk`s. The word error rate of
the `answer:transcript`s must stay at or under 8 % for Piper and 15 % for espeak-ng, for the
whole set (each way of sending within 10 points of it).

About 6 minutes of speech in all: the audio is synthesised once per test session.
"""

import asyncio
import functools
from collections.abc import Callable

import pytest

from mockmate.speech.base import PcmAudio
from tests.integration.test_voice import new_candidate
from tests.support.audio import encode, espeak_16k, speech_16k
from tests.support.client import Candidate
from tests.support.server import running_app, settings_from
from tests.support.wer import word_error_rate

ANSWERS = [
    "In my last role our checkout page was slow at peak times. I profiled the database and "
    "found one query scanning the whole orders table. I added an index and a read replica "
    "for reports, and the page loaded three times faster.",
    "We had a queue that backed up every Monday morning. I measured where the time went, "
    "split the big jobs into smaller ones and added two more workers. After that change the "
    "backlog cleared within ten minutes instead of two hours.",
    "A teammate and I disagreed about rewriting a service from scratch. I suggested we list "
    "the risks together and try a small prototype first. The prototype showed the rewrite "
    "was not worth it, and we improved the old code instead.",
    "My biggest mistake was shipping a change on a Friday without a rollback plan. It broke "
    "the login page for an hour. Since then I always write down how to undo a release, and "
    "I prefer to deploy early in the week.",
    "To design a rate limiter I would keep a counter for each user in a fast shared store. "
    "Every request takes a token from a bucket that refills over time. When the bucket is "
    "empty, the service answers with a clear error and a retry time.",
    "I led the migration of our billing system to a new platform. It took about three "
    "months of careful work. We moved one customer group at a time, compared every invoice, "
    "and reduced billing errors by forty percent.",
    "When a new engineer joined the team, I paired with them for the first two weeks. We "
    "picked small tickets that touched every part of the system. By the end of the month "
    "they were reviewing code and fixing bugs on their own.",
    "Our mobile app crashed for some users after an update. I collected the crash reports, "
    "noticed they all came from older phones, and found a missing check for an old system "
    "version. The fix went out the same afternoon.",
    "I like to start a project by talking to the people who will use it. Then I write a short "
    "plan with the goal, the risks and how we will measure success. I share it early so the "
    "team can question it before we build anything.",
    "The hardest bug I fixed was a memory leak that appeared only after several days. I "
    "added metrics, reproduced it with a load test and found a cache that never removed old "
    "entries. Limiting its size solved the problem.",
    "To keep a large code base healthy we agreed on a few simple rules. Every change needs a "
    "test and a review, and the build must stay green. Once a month we spend a day removing "
    "dead code and updating libraries.",
    "I handled a production incident where payments failed for twenty minutes. I paused the "
    "latest release, rolled it back and kept support informed. Afterwards we wrote a short "
    "review and added an alert that would have warned us sooner.",
]
# The two voices: Piper (deterministic) and espeak-ng; each with its word error rate limit.
# espeak-ng: the 15 % (12.5 % measured since each 30 s window is decoded without the
# previous one's text; docs/voice.md). Each way of sending is held to the limit plus 10 points.
VOICES: dict[str, tuple[Callable[[str], PcmAudio], float]] = {
    "piper": (lambda text: speech_16k(text), 0.08),
    "espeak-ng": (lambda text: espeak_16k(text), 0.15),
}
PER_MODE_SLACK = 0.10


@functools.cache
def spoken(voice: str) -> tuple[PcmAudio, ...]:
    """The twelve answers in `voice`, synthesised once per test session."""
    speak, _ = VOICES[voice]
    return tuple(speak(text) for text in ANSWERS)


def test_the_answers_are_30_to_60_words() -> None:
    assert len(ANSWERS) >= 12
    assert all(30 <= len(text.split()) <= 60 for text in ANSWERS)


async def answer(client: Candidate, sid: str, index: int, pcm: PcmAudio,
                 streamed: bool) -> str:
    """Send one spoken answer, whole or in 250 ms chunks; the transcript's text."""
    if streamed:
        for seq, start in enumerate(range(0, len(pcm.data), 8000)):
            ack = await client.call("answer:chunk", {"session_id": sid, "index": index,
                                                     "seq": seq,
                                                     "data": pcm.data[start:start + 8000]})
            assert ack["ok"], ack
        ack = await client.call("answer:submit", {"session_id": sid, "index": index,
                                                  "format": "pcm_16000"})
    else:
        ack = await client.call("answer:submit", {"session_id": sid, "index": index,
                                                  "audio": encode(pcm, "wav")})
    assert ack["ok"], ack
    # An answer the server fails to transcribe comes back as an `error` for the session:
    # the failure then says why, rather than timing out on a transcript that never comes.
    transcript = asyncio.ensure_future(client.expect(
        "answer:transcript", answer_id=ack["answer_id"], timeout=180))
    failure = asyncio.ensure_future(client.expect("error", session_id=sid, timeout=180))
    await asyncio.wait({transcript, failure}, return_when=asyncio.FIRST_COMPLETED)
    for waiting in (transcript, failure):
        waiting.cancel()
    await asyncio.gather(transcript, failure, return_exceptions=True)
    if not transcript.cancelled() and transcript.exception() is None:
        return str(transcript.result()["text"])
    if not failure.cancelled() and failure.exception() is None:
        raise AssertionError(f"answer {index} was not transcribed: {failure.result()}")
    # Where it got: still `transcribing` (the job is lost or stuck), or moved on (the
    # transcript was sent but not received).
    resumed = await client.call("interview:resume", {"session_id": sid})
    raise AssertionError(f"answer {index}: neither a transcript nor an error in 180 s; "
                         f"the session now: {resumed}")


@pytest.mark.timeout(900)
@pytest.mark.parametrize("voice", list(VOICES))
async def test_spoken_answers_are_heard_whole_and_streamed(
    deployment_env: dict[str, str], voice: str
) -> None:
    audio = await asyncio.to_thread(spoken, voice)
    _, limit = VOICES[voice]
    # Chunks go as fast as acks come back, not in real time: no rate limit in the way.
    settings = settings_from(deployment_env, MOCKMATE_MAX_ANSWER_BYTES="4000000",
                             MOCKMATE_MAX_ANSWER_SECONDS="120", MOCKMATE_RATE_LIMIT_PER_S="1000",
                             MOCKMATE_RATE_LIMIT_BURST="1000")
    async with running_app(settings) as url:
        client = await new_candidate(url)
        start = {"role": "Backend Engineer", "interview_type": "behavioral",
                 "difficulty": "mid", "speak": False, "adaptive": False,
                 "questions": [{"text": f"Question {i + 1}?"} for i in range(len(ANSWERS))]}
        sid = (await client.call("interview:start", start))["session_id"]
        errors = {True: [0, 0], False: [0, 0]}  # streamed -> [errors, reference words]
        heard = []
        for index, (text, pcm) in enumerate(zip(ANSWERS, audio, strict=True)):
            await client.expect("interview:question", session_id=sid, index=index,
                                timeout=180)
            streamed = index % 2 == 1
            transcript = await answer(client, sid, index, pcm, streamed)
            wrong, words = word_error_rate(text, transcript, counts=True)
            errors[streamed][0] += wrong
            errors[streamed][1] += words
            heard.append(f"{wrong}/{words}: {transcript}")
        await client.close()
    report = "\n".join(heard)
    total = sum(e for e, _ in errors.values()) / sum(n for _, n in errors.values())
    print(f"{voice}: WER {100 * total:.1f} % (whole {100 * errors[False][0] / errors[False][1]:.1f}"
          f" %, streamed {100 * errors[True][0] / errors[True][1]:.1f} %)")
    assert total <= limit, report
    for streamed, (wrong, words) in errors.items():
        assert wrong / words <= limit + PER_MODE_SLACK, (streamed, report)
