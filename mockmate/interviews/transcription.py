"""The `transcribe_answer` job: an answer the session took, heard and measured.

On any worker, after `answer:submit` (`interviews.answers`) queued it with the session's move
to `transcribing`: it transcribes the stored recording (a streamed answer mostly while it was
spoken: `interviews.live`), measures delivery, stores the transcript, sends
`answer:transcript`, moves the session on and queues the evaluation. It is idempotent (a
retry finds the transcript stored), and when it fails for good, on a recording that no longer
decodes or once the queue gives it up, the candidate is told and answers again.
"""

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

from mockmate.config import Settings
from mockmate.errors import MockMateError
from mockmate.evaluators.delivery import AudioMeasures, analyse_delivery, measure_audio, pace_flag
from mockmate.interviews.acceptance import Acceptance, acceptance
from mockmate.interviews.flow import EVALUATE_ANSWER, SessionFlow
from mockmate.interviews.live import LiveTranscriber
from mockmate.interviews.recordings import Recordings
from mockmate.jobs.queue import Job, JobQueue
from mockmate.speech.base import PcmAudio, SpeechError, SpeechToText, Transcript
from mockmate.speech.codec import decode_to_pcm16k
from mockmate.state import session as ops
from mockmate.storage.answers import AnswerRepository
from mockmate.storage.audio import AudioStore
from mockmate.storage.records import AnswerRecord, StoredTranscript

log = logging.getLogger(__name__)

TRANSCRIPTION_FAILED_MESSAGE = (
    "we could not transcribe that answer; please answer again or type it"
)


Heard = TypeVar("Heard")


async def transcribe_pcm(
    stt: SpeechToText, pcm: PcmAudio, *, pause_s: float
) -> tuple[StoredTranscript, Transcript]:
    """The stored transcript of `pcm` (text, confidence, duration, delivery) and the
    engine's own result (with word times)."""
    result, measured = await measured_while(stt.transcribe(pcm), pcm)
    return described(result, pcm, pause_s=pause_s, measured=measured), result


async def measured_while(hearing: Awaitable[Heard], pcm: PcmAudio) -> tuple[Heard, AudioMeasures]:
    """`hearing`'s result, and the delivery figures of `pcm`'s audio measured on a thread
    meanwhile (about 75 ms of CPU for two minutes). Measured after the words, they waited up
    to a second for a thread and the GIL with 20 candidates speaking (docs/performance.md)."""
    measuring = asyncio.ensure_future(asyncio.to_thread(measure_audio, pcm))
    try:
        result = await hearing
    except BaseException:
        measuring.cancel()
        measuring.add_done_callback(lambda done: done.cancelled() or done.exception())
        raise
    return result, await measuring


def described(result: Transcript, pcm: PcmAudio, *, pause_s: float,
              measured: AudioMeasures) -> StoredTranscript:
    """The stored transcript of `pcm` that the engine heard as `result`, whose audio was
    `measured`: the words' part of delivery, ~3 ms for two minutes (on the event loop)."""
    delivery = analyse_delivery(result.text, pcm, result.words, pause_s=pause_s,
                                measured=measured)
    return StoredTranscript(
        text=result.text, confidence=round(result.confidence, 3),
        duration_s=round(pcm.duration_s, 2),
        delivery={**delivery.model_dump(mode="json"),
                  "pace": pace_flag(delivery.words_per_minute)},
    )


async def discard(answers: AnswerRepository, audio: AudioStore, doc: AnswerRecord) -> None:
    """Delete an answer that will not count, and its recording."""
    await answers.delete(doc.id)
    if doc.audio_file_id:
        await audio.delete(doc.audio_file_id)


class TranscriptionJob:
    def __init__(
        self,
        *,
        settings: Settings,
        flow: SessionFlow,
        answers: AnswerRepository,
        audio: AudioStore,
        queue: JobQueue,
        stt: SpeechToText,
        recordings: Recordings | None = None,
        live: LiveTranscriber | None = None,
    ):
        self._settings = settings
        self._flow = flow
        self._answers = answers
        self._audio = audio
        self._queue = queue
        self._stt = stt
        self._recordings = recordings
        self._live = live

    async def run(self, payload: dict[str, Any]) -> None:
        answer = await self._answers.get(str(payload["answer_id"]))
        if answer is None:
            return
        verdict = await acceptance(self._flow.sessions, answer)
        if verdict is Acceptance.SUPERSEDED:
            # Left by a submit whose process died; the candidate's next submit was taken.
            log.info("answer %s was never taken by its session: dropped", answer.id)
            await discard(self._answers, self._audio, answer)
            return
        if verdict is Acceptance.PENDING:
            # Queued in the step that takes the answer, the job never finds it pending: only
            # a job queued by an earlier version (before its session change) can. The next
            # submit replaces a leftover; a late change re-queues the job (`takeover`).
            log.info("answer %s is not taken by its session: left alone", answer.id)
            return
        transcript = answer.transcript
        if transcript is None:
            try:
                async with self._flow.sessions.leases.renewing(answer.interview_id):
                    transcript = await self._transcribe(answer)
            except (SpeechError, MockMateError) as exc:
                # A recording that no longer decodes is as final as a failed transcription:
                # retrying the job would leave the candidate waiting in `transcribing`.
                await self._transcription_failed(answer, exc)
                return
            if not await self._answers.store_transcript(answer.id, transcript):
                stored = await self._answers.get(answer.id)
                transcript = (stored.transcript if stored else None) or transcript
            if self._live is not None:
                await self._live.forget(answer.interview_id, answer.index)
        answer_id, session_id, user_id = answer.id, answer.interview_id, answer.user_id
        index = answer.index
        extra: dict[str, Any] = {}
        if self._recordings is not None:  # the transcript is stored: the audio may go
            extra["recording"] = await self._recordings.settle(answer)
        await self._flow.emit(user_id, "answer:transcript", {
            "session_id": session_id, "index": index, "answer_id": answer_id, **transcript.wire(),
            **extra,
        })
        confirm = answer.confirm
        # Evaluation is queued with the move (else `answer:confirm` queues it: corrections);
        # when the move is moot (the interview went on, or a retry of this job made it) the
        # answer is still evaluated: twice stores one evaluation.
        evaluate = [] if confirm else [Job(EVALUATE_ANSWER, {"answer_id": answer_id})]
        moved = await self._flow.try_change(
            session_id, user_id, lambda s: ops.transcribed(s, index, answer_id, confirm=confirm),
            jobs=evaluate,
        )
        if evaluate and not moved:
            await self._queue.enqueue(*evaluate[0])

    async def gave_up(self, payload: dict[str, Any]) -> None:
        """The transcription job failed every attempt (`JobQueue` gave it up): rather than
        leave the candidate waiting in `transcribing`, tell them and let them answer again."""
        answer = await self._answers.get(str(payload["answer_id"]))
        if answer is None or answer.transcript is not None:
            return  # gone, or transcribed: what failed came after (and is retried elsewhere)
        if await acceptance(self._flow.sessions, answer) is not Acceptance.ACCEPTED:
            return
        await self._transcription_failed(
            answer, SpeechError("the transcription failed on every attempt", retryable=True))

    async def _transcribe(self, answer: AnswerRecord) -> StoredTranscript:
        recording = await self._audio.load(answer.audio_file_id) if answer.audio_file_id else None
        if recording is None:
            raise SpeechError("the recording is no longer stored", retryable=False)
        pcm = await asyncio.to_thread(
            decode_to_pcm16k, recording, answer.format,
            max_seconds=self._settings.max_answer_seconds,
        )
        result, measured = await measured_while(self._heard(answer, pcm), pcm)
        return described(result, pcm, pause_s=self._settings.pause_s, measured=measured)

    async def _heard(self, answer: AnswerRecord, pcm: PcmAudio) -> Transcript:
        """The answer's words: its live segments and the rest, else one pass over it all."""
        if self._live is not None and answer.format == "pcm_16000":
            # Streamed: most of it was transcribed while it was spoken (interviews.live).
            result = await self._live.finish(answer.interview_id, answer.index, pcm)
            if result is not None:
                return result
        return await self._stt.transcribe(pcm)

    async def _transcription_failed(
        self, answer: AnswerRecord, exc: SpeechError | MockMateError
    ) -> None:
        """Tell the candidate and let them answer again (by voice or text)."""
        answer_id, session_id, user_id = answer.id, answer.interview_id, answer.user_id
        index = answer.index
        log.warning("transcription of %s failed: %s", answer_id, exc)
        await discard(self._answers, self._audio, answer)
        await self._flow.try_change(
            session_id, user_id, lambda s: ops.transcription_failed(s, index, answer_id)
        )
        await self._flow.emit(user_id, "error", {
            "session_id": session_id, "code": "unavailable",
            "message": TRANSCRIPTION_FAILED_MESSAGE,
            "retryable": True,
        })
