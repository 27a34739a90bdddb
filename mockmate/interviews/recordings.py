"""Answer recordings under the candidate's consent.

A recording is needed until its transcript and delivery figures are stored; after that it is
kept only when the profile's `consent.recordings` is true, and deleted otherwise (the answer
says which: `recording: "kept" | "deleted"`). The owner can play or download a kept one as
WAV or Ogg/Opus; withdrawing consent deletes every kept recording of theirs.
"""

import asyncio
import logging
from dataclasses import dataclass
from typing import Literal

from mockmate.config import Settings
from mockmate.errors import NotFound
from mockmate.speech.codec import decode_to_pcm16k, encode_ogg_opus
from mockmate.speech.output import wav_bytes
from mockmate.storage.answers import AnswerRepository
from mockmate.storage.audio import AudioStore
from mockmate.storage.interviews import InterviewRepository
from mockmate.storage.profiles import ProfileRepository
from mockmate.storage.records import AnswerRecord

log = logging.getLogger(__name__)

Kept = Literal["kept", "deleted"]
PlayFormat = Literal["wav", "ogg"]
CONTENT_TYPES: dict[PlayFormat, str] = {"wav": "audio/wav", "ogg": "audio/ogg"}


@dataclass(frozen=True)
class Playable:
    data: bytes
    content_type: str
    filename: str


class Recordings:
    def __init__(
        self, *, settings: Settings, answers: AnswerRepository, audio: AudioStore,
        profiles: ProfileRepository, interviews: InterviewRepository,
    ) -> None:
        self._settings = settings
        self._answers = answers
        self._audio = audio
        self._profiles = profiles
        self._interviews = interviews

    async def settle(self, answer: AnswerRecord) -> Kept | None:
        """After the transcript is stored: keep the recording only with consent. None for a
        typed answer. Idempotent (a retried job settles again with the same outcome)."""
        if answer.kind != "audio":
            return None
        if answer.recording == "deleted" or not answer.audio_file_id:
            return "deleted"
        if await self._profiles.consents_to_recordings(answer.user_id):
            await self._answers.mark_recording(answer.id, "kept")
            return "kept"
        await self._audio.delete(answer.audio_file_id)
        await self._answers.mark_recording(answer.id, "deleted")
        return "deleted"

    async def withdraw(self, user_id: str) -> int:
        """Consent was withdrawn: delete every kept recording of the user; returns how many."""
        deleted = await self._audio.delete_for_user(user_id)
        await self._answers.mark_recordings_deleted(user_id)
        if deleted:
            log.info("consent withdrawn: deleted %d recording(s)", deleted)
        return deleted

    async def playable(
        self, user_id: str, interview_id: str, index: int, fmt: PlayFormat
    ) -> Playable:
        """The kept recording of an answer of the user's, in `fmt`; `not_found` for anyone
        else, and for an answer without a kept recording."""
        interview = await self._interviews.get(interview_id)
        answer = await self._answers.at_index(interview_id, index)
        if (interview is None or interview.user_id != user_id or answer is None
                or answer.user_id != user_id or answer.recording != "kept"
                or not answer.audio_file_id):
            raise NotFound("no recording of this answer is kept")
        original = await self._audio.load(answer.audio_file_id)
        if original is None:  # past retention, or deleted meanwhile
            raise NotFound("no recording of this answer is kept")
        data = await asyncio.to_thread(self._convert, original, answer.format, fmt)
        return Playable(data, CONTENT_TYPES[fmt], f"answer-{index + 1}.{fmt}")

    def _convert(self, original: bytes, source: str | None, fmt: PlayFormat) -> bytes:
        pcm = decode_to_pcm16k(original, source, max_seconds=self._settings.max_answer_seconds)
        return wav_bytes(pcm.data, pcm.sample_rate) if fmt == "wav" else encode_ogg_opus(pcm)
