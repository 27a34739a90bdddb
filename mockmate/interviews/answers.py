"""Taking answers: typed text, a whole recording, or chunks.

What the candidate submits is validated (a recording is decoded once to prove it is usable
audio) and stored (the recording in GridFS, the answer in MongoDB); then one Redis step moves
the session and queues its durable `transcribe_answer` job (`SessionFlow.change`), all
before the ack. The job (`interviews.transcription`), on any worker, transcribes, measures
delivery, sends `answer:transcript`, moves the session on, and queues evaluation.
"""

import asyncio
import logging
import uuid
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mockmate.config import Settings
from mockmate.errors import (
    Conflict,
    InvalidPayload,
    MockMateError,
    TooLarge,
    Unavailable,
)
from mockmate.interviews.acceptance import Acceptance, acceptance_of
from mockmate.interviews.flow import TRANSCRIBE_ANSWER, SessionFlow
from mockmate.interviews.hints import hint_due, missing_part, nudge
from mockmate.interviews.live import LiveTranscriber
from mockmate.interviews.payloads import AnswerChunk, SubmitAnswer
from mockmate.interviews.transcription import discard
from mockmate.interviews.turns import TurnDetector
from mockmate.jobs.queue import Job
from mockmate.speech.base import SpeechError
from mockmate.speech.codec import decode_to_pcm16k, sniff_format
from mockmate.state import session as ops
from mockmate.state.answer_buffer import AnswerBuffer
from mockmate.state.machine import State
from mockmate.state.session import InterviewSession
from mockmate.storage.answers import AnswerRepository
from mockmate.storage.audio import AudioStore
from mockmate.storage.records import AnswerRecord, StoredTranscript

log = logging.getLogger(__name__)

# A chunk that keeps meeting a session changed under it is refused `conflict` (retryable).
MAX_CHUNK_CHECKS = 3


def check_text_limit(field: str, value: str | None, limit: int) -> None:
    if value is not None and len(value) > limit:
        raise TooLarge(
            f"{field} is longer than {limit} characters", field=field
        )


@dataclass(frozen=True)
class ChunkGrant:
    """What a socket may assume about an answer's chunks until the session changes: the
    version they were checked at, and the silence that ends the turn (None: manual turns)."""

    version: int
    listen_silence_s: float | None
    hints: bool = False  # hands-free turns also nudge a candidate stuck mid-answer
    captions: bool = False  # `answer:partial` while the answer is spoken (interviews.live)


class AnswerService:
    def __init__(
        self,
        *,
        settings: Settings,
        flow: SessionFlow,
        answers: AnswerRepository,
        audio: AudioStore,
        buffer: AnswerBuffer,
        turns: TurnDetector | None = None,
        live: LiveTranscriber | None = None,
    ):
        self._settings = settings
        self._flow = flow
        self._answers = answers
        self._audio = audio
        self._buffer = buffer
        self._turns = turns
        self._live = live

    async def owned(self, session_id: str, user_id: str) -> InterviewSession:
        session = await self._flow.sessions.get(session_id)
        ops.ensure_owner(session, user_id)
        return session

    async def chunk(
        self, user_id: str, p: AnswerChunk, grants: MutableMapping[tuple[str, int], ChunkGrant]
    ) -> dict[str, Any]:
        """Store one chunk of a spoken answer: one Redis round trip while nothing changes.

        `grants` (kept per socket) remembers the session version at which this answer's
        chunks were last checked; the append succeeds only while the session is still at
        it, so a submit, skip or pause in between sends the chunk down the checking path.
        """
        key = (p.session_id, p.index)
        for _ in range(MAX_CHUNK_CHECKS):
            grant = grants.get(key)
            if grant is None:
                grant = await self._grant_chunks(user_id, p)
                grants.clear()  # one answer streams at a time: keep the cache to one entry
                grants[key] = grant
            guard = self._flow.sessions.guard(p.session_id, user_id, grant.version)
            receipt = await self._buffer.append(guard, p.index, p.seq, p.data)
            if receipt is not None:
                if self._live is not None and receipt.stored:  # schedules only: no await
                    self._live.heard(user_id, p.session_id, p.index, receipt.received_bytes,
                                     captions=grant.captions)
                if grant.listen_silence_s is not None and receipt.stored:
                    await self._listen(user_id, p, receipt.received_bytes,
                                       grant.listen_silence_s, hints=grant.hints)
                return {"received_bytes": receipt.received_bytes, "next_seq": receipt.next_seq}
            grants.pop(key, None)  # the session changed: check again
        raise Conflict("the interview is busy; try again")

    async def _grant_chunks(self, user_id: str, p: AnswerChunk) -> ChunkGrant:
        """Check that chunks of answer `p.index` are welcome now; the version checked, and
        the silence that ends the turn when the interview listens for it."""
        session = await self.owned(p.session_id, user_id)
        ops.receive_chunk(session, p.index)  # refuse before storing anything
        if session.state is not State.RECEIVING_ANSWER:
            session = await self._flow.change(
                session.id, user_id, lambda s: ops.receive_chunk(s, p.index)
            )
        auto = self._turns is not None and session.turn_detection == "auto"
        return ChunkGrant(session.version, session.end_of_turn_silence_s if auto else None,
                          hints=auto and session.hints, captions=session.live_captions)

    async def _listen(self, user_id: str, p: AnswerChunk, received_bytes: int,
                      silence_s: float, *, hints: bool = False) -> None:
        """Hands-free turns (`interviews.turns`): after a long silence, submit for them."""
        assert self._turns is not None
        if not await self._turns.heard(p.session_id, p.index, p.data, received_bytes,
                                       silence_s):
            if hints:
                await self._maybe_hint(user_id, p, silence_s)
            return
        try:
            await self.submit(user_id, SubmitAnswer(session_id=p.session_id, index=p.index,
                                                    format="pcm_16000"))
        except MockMateError as exc:  # submitted by hand meanwhile: that answer stands
            log.info("turn of %s/%d ended by hand first: %s", p.session_id, p.index, exc)
            return
        await self._flow.emit(user_id, "answer:turn_ended", {
            "session_id": p.session_id, "index": p.index, "reason": "silence"})

    async def _maybe_hint(self, user_id: str, p: AnswerChunk, silence_s: float) -> None:
        """One `answer:hint` per answer, in the background (the chunk's ack never waits for
        the transcription it needs): what the answer so far still lacks."""
        assert self._turns is not None
        turns = self._turns
        pause_at = await turns.claim_hint(p.session_id, p.index, silence_s, hint_due)
        if pause_at is None:
            return

        async def send() -> None:
            try:
                said = await turns.said_before(p.session_id, p.index, pause_at)
            except (SpeechError, ValueError) as exc:
                log.warning("no hint for %s/%d: %s", p.session_id, p.index, exc)
                said = ""
            await self._flow.emit(user_id, "answer:hint", {
                "session_id": p.session_id, "index": p.index, "text": nudge(said),
                "missing": missing_part(said), "at_s": round(pause_at, 2)})

        turns.in_background(send())

    async def submit(self, user_id: str, p: SubmitAnswer) -> dict[str, Any]:
        session = await self.owned(p.session_id, user_id)
        answer_id = uuid.uuid4().hex
        ops.submit_answer(session, p.index, answer_id)  # refuse before storing anything
        question = session.questions[p.index]
        doc = AnswerRecord(
            id=answer_id, interview_id=session.id, user_id=user_id,
            index=p.index, question_id=question.id, category=question.category,
            # As asked: a follow-up may replace a planned question after the interview began.
            question=question,
        )
        # Only a transcript the machine made waits for the candidate's confirmation.
        if session.confirm_transcripts and p.text is None:
            doc = doc.model_copy(update={"confirm": True})
        if p.text is not None:
            doc = doc.model_copy(update=self._text_answer(p.text))
        else:
            recording = p.audio
            if recording is None:
                recording = await self._buffer.read(session.id, p.index)
            if not recording:
                raise InvalidPayload(
                    "nothing to submit: send text, audio, or chunks"
                )
            doc = doc.model_copy(update=await self._audio_answer(recording, p.format, doc))
        try:
            await self._answers.create(doc)
        except Conflict:
            try:
                await self._replace_leftover(session, doc)
            except MockMateError:  # refused: the recording stored for it goes too
                if doc.audio_file_id:
                    await self._audio.delete(doc.audio_file_id)
                raise
        try:
            # The session takes the answer and its transcription is queued in one step: the
            # job never runs before the session took the answer, and a crash before the step
            # leaves only the stored answer, which the next submit replaces.
            await self._flow.change(
                session.id, user_id, lambda s: ops.submit_answer(s, p.index, answer_id),
                jobs=[Job(TRANSCRIBE_ANSWER, {"answer_id": answer_id})],
            )
        except MockMateError:
            # The session moved on; nothing was accepted.
            await discard(self._answers, self._audio, doc)
            raise
        await self._buffer.clear(session.id, p.index)  # any chunks are now superseded
        return {"answer_id": answer_id}

    async def _replace_leftover(self, session: InterviewSession, doc: AnswerRecord) -> None:
        """Store `doc` in place of an answer to the same question that the session never
        took: the leftover of a submit whose process died between storing the answer and the
        session taking it (`interviews.acceptance`). One younger than the takeover delay may
        still be on its way: the candidate is asked to try again shortly."""
        index = doc.index
        existing = await self._answers.at_index(session.id, index)
        if existing is not None:
            if acceptance_of(session, index, existing.id) is not Acceptance.PENDING:
                raise Conflict(f"question {index} is already answered")
            created = existing.created_at
            age_s = (datetime.now(UTC) - created).total_seconds() if created else 0.0
            if age_s < self._settings.takeover_s:
                raise Unavailable("an earlier submission of this answer is still being "
                                  "stored; try again in a few seconds", retryable=True)
            if await self._answers.delete_if_created(existing.id, existing.created_at):
                log.info("answer %s of %s/%d was left by a dead submit; replaced",
                         existing.id, session.id, index)
                if existing.audio_file_id:
                    await self._audio.delete(existing.audio_file_id)
        await self._answers.create(doc)  # a second conflict: another submit won meanwhile

    def _text_answer(self, raw: str) -> dict[str, Any]:
        text = raw.strip()
        if not text:
            raise InvalidPayload("the answer is empty", field="text")
        check_text_limit("text", text, self._settings.max_answer_chars)
        transcript = StoredTranscript(text=text, confidence=1.0, duration_s=0.0, delivery=None)
        return {"kind": "text", "text": text, "transcript": transcript}

    async def _audio_answer(
        self, recording: bytes, fmt: str | None, doc: AnswerRecord
    ) -> dict[str, Any]:
        if len(recording) > self._settings.max_answer_bytes:
            raise TooLarge(
                f"an answer may hold at most {self._settings.max_answer_bytes} bytes",
            )
        fmt = (fmt or sniff_format(recording) or "").lower() or None
        pcm = await asyncio.to_thread(
            decode_to_pcm16k, recording, fmt, max_seconds=self._settings.max_answer_seconds
        )
        file_id = await self._audio.save(
            recording, interview_id=doc.interview_id, user_id=doc.user_id,
            answer_id=doc.id, fmt=fmt or "unknown",
        )
        return {"kind": "audio", "format": fmt, "audio_file_id": file_id,
                "audio_bytes": len(recording), "duration_s": round(pcm.duration_s, 2)}

