"""Question audio: when speech synthesis fails the question still stands as text, the client
is told (retryable), and nothing broken is cached; candidates asked the same question at
once share one synthesis."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

from redis.asyncio import Redis

from mockmate.interviews.question_audio import QuestionVoice
from mockmate.questions.models import Question
from mockmate.speech.base import PcmAudio, SpeechError
from mockmate.state import session as ops
from mockmate.state.session import InterviewSession
from mockmate.state.store import SessionStore


class BrokenTextToSpeech:
    """A speech engine whose service is down."""

    async def stream(self, text: str, voice: str | None = None) -> AsyncIterator[PcmAudio]:
        raise SpeechError("speech service unavailable", retryable=True)
        yield PcmAudio(b"", 16000)  # unreachable: makes this an async generator


class RecordingEmitter:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def to_session(
        self, user_id: str, session_id: str, event: str, data: dict[str, Any],
        *, asks: int | None = None,
    ) -> None:
        self.sent.append((event, data))

    async def to_user(self, user_id: str, event: str, data: dict[str, Any]) -> None:
        self.sent.append((event, data))


async def test_failed_speech_sends_a_retryable_error_instead_of_audio(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    prefix = f"t:{uuid.uuid4().hex}"
    emitter = RecordingEmitter()
    try:
        sessions = SessionStore(redis, prefix=prefix, ttl_s=60, max_active=1)
        question = Question(id="q", text="Why this team?", category="behavioral",
                            difficulty="mid")
        session = InterviewSession(id="s1", user_id="u1", questions=[question],
                                   created_at=0, updated_at=0)
        await sessions.create(session)
        voice = QuestionVoice(
            tts=BrokenTextToSpeech(), redis=redis, sessions=sessions, emitter=emitter,
            prefix=prefix, lead_s=10, cache_ttl_s=60,
        )
        await voice.speak(session)
        assert await redis.keys(f"{prefix}:tts:*") == []
    finally:
        await redis.aclose()
    assert [event for event, _ in emitter.sent] == ["error"]
    error = emitter.sent[0][1]
    assert error == {"session_id": "s1", "code": "unavailable", "retryable": True,
                     "message": error["message"]}


class CountingTextToSpeech:
    """One second of silence per text, in four pieces; counts the syntheses."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def stream(self, text: str, voice: str | None = None) -> AsyncIterator[PcmAudio]:
        self.calls.append(text)
        for _ in range(4):
            yield PcmAudio(b"\x00\x00" * 4000, 16000)


async def test_candidates_asked_the_same_question_at_once_share_one_synthesis(
    redis_url: str,
) -> None:
    redis = Redis.from_url(redis_url)
    prefix = f"t:{uuid.uuid4().hex}"
    emitter, tts = RecordingEmitter(), CountingTextToSpeech()
    try:
        sessions = SessionStore(redis, prefix=prefix, ttl_s=60, max_active=1)
        question = Question(id="q", text="Why this team?", category="behavioral",
                            difficulty="mid")
        asked = []
        for n in range(5):
            session = InterviewSession(id=f"s{n}", user_id=f"u{n}", questions=[question],
                                       created_at=0, updated_at=0)
            await sessions.create(session)
            asked.append((await sessions.mutate(session.id, ops.start))[1])
        voice = QuestionVoice(tts=tts, redis=redis, sessions=sessions, emitter=emitter,
                              prefix=prefix, lead_s=3600, cache_ttl_s=60)
        await asyncio.gather(*(voice.speak(s) for s in asked))
        assert tts.calls == ["Why this team?"]
        assert len(await redis.keys(f"{prefix}:tts:*")) == 1  # cached once, for later askers
        await voice.aclose()
    finally:
        await redis.aclose()
    for n in range(5):
        audio = [d for e, d in emitter.sent
                 if e == "interview:audio" and d["session_id"] == f"s{n}"]
        assert [a["seq"] for a in audio] == list(range(len(audio))) and audio[-1]["final"]
        assert abs(sum(len(a["data"]) for a in audio) / 2 / 16000 - 1.0) < 0.01  # all of it
