"""The voice features around interviews (issue 15), built in one place at start-up so that
`server/wiring/interviews.py` only plugs them in: transcript confirmation and correction (and
the job that evaluates a corrected answer again), recordings kept under consent, and the
speech API outside interviews."""

from dataclasses import dataclass

from redis.asyncio import Redis

from mockmate.config import Settings
from mockmate.interviews.corrections import REEVALUATE_ANSWER, Corrections
from mockmate.interviews.flow import SessionFlow
from mockmate.interviews.pipeline import EvaluationPipeline
from mockmate.interviews.recordings import Recordings
from mockmate.interviews.speech_api import SpeechApi
from mockmate.jobs.queue import JobQueue
from mockmate.speech.base import SpeechToText, TextToSpeech
from mockmate.storage.answers import AnswerRepository
from mockmate.storage.audio import AudioStore
from mockmate.storage.interviews import InterviewRepository
from mockmate.storage.profiles import ProfileRepository


@dataclass(frozen=True)
class Voice:
    corrections: Corrections
    recordings: Recordings
    speech: SpeechApi


def open_voice(
    *, settings: Settings, flow: SessionFlow, answers: AnswerRepository, queue: JobQueue,
    pipeline: EvaluationPipeline, audio: AudioStore, profiles: ProfileRepository,
    interviews: InterviewRepository, stt: SpeechToText, tts: TextToSpeech, redis: Redis,
) -> Voice:
    queue.register(REEVALUATE_ANSWER, pipeline.reevaluate_answer)
    return Voice(
        corrections=Corrections(settings=settings, flow=flow, answers=answers, queue=queue),
        recordings=Recordings(settings=settings, answers=answers, audio=audio,
                              profiles=profiles, interviews=interviews),
        speech=SpeechApi(settings=settings, stt=stt, tts=tts, redis=redis,
                         prefix=settings.redis_prefix),
    )
