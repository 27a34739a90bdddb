"""Interviews: sessions, answers and their audio, the job handlers that transcribe and
evaluate them, the post-answer hooks, spoken questions, and the sweeps and takeover that
keep interviews moving when a process dies or a session expires."""

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp import web

from mockmate.events.asking import AskingRecord
from mockmate.interviews.answers import AnswerService
from mockmate.interviews.flow import (
    EVALUATE_ANSWER,
    FINALIZE_INTERVIEW,
    SPEECH_LANE,
    TRANSCRIBE_ANSWER,
    SessionFlow,
)
from mockmate.interviews.follow_ups import FollowUpPlanner
from mockmate.interviews.hooks import HookRegistry
from mockmate.interviews.live import open_live
from mockmate.interviews.pipeline import EvaluationPipeline
from mockmate.interviews.question_audio import QuestionVoice
from mockmate.interviews.service import InterviewService
from mockmate.interviews.takeover import Takeover
from mockmate.interviews.transcription import TranscriptionJob
from mockmate.interviews.turns import TurnDetector
from mockmate.interviews.voice_wiring import Voice, open_voice
from mockmate.questions.bank import load_bank
from mockmate.server.wiring.accounts import ACCOUNTS
from mockmate.server.wiring.ai import AI
from mockmate.server.wiring.candidate import CANDIDATE
from mockmate.server.wiring.core import CORE
from mockmate.server.wiring.documents import DOCUMENTS
from mockmate.server.wiring.progress import PROGRESS
from mockmate.server.wiring.speech import SPEECH
from mockmate.state.answer_buffer import AnswerBuffer
from mockmate.state.store import SessionStore
from mockmate.storage.answers import AnswerRepository
from mockmate.storage.audio import AudioStore
from mockmate.storage.hook_runs import HookRunRepository
from mockmate.storage.interviews import InterviewRepository
from mockmate.tasks import repeat_every

log = logging.getLogger(__name__)

AUDIO_SWEEP_EVERY_S = 3600.0


@dataclass(frozen=True)
class Interviews:
    interviews: InterviewRepository
    answers: AnswerRepository
    audio: AudioStore
    sessions: SessionStore
    buffer: AnswerBuffer
    hook_runs: HookRunRepository
    service: InterviewService
    answer_service: AnswerService


INTERVIEWS = web.AppKey("interviews", Interviews)
# Issue 15's voice features: transcript corrections, recordings under consent, speech API.
VOICE = web.AppKey("voice", Voice)


async def interviews_context(app: web.Application) -> AsyncIterator[None]:
    core, ai, speech, progress = app[CORE], app[AI], app[SPEECH], app[PROGRESS]
    candidate = app[CANDIDATE]
    settings, redis, emitter, tasks = core.settings, core.redis, core.emitter, core.tasks
    interviews, answers = InterviewRepository(core.db), AnswerRepository(core.db)
    audio = AudioStore(core.db)
    sessions = SessionStore(
        redis, prefix=settings.redis_prefix, ttl_s=settings.session_ttl_s,
        max_active=settings.max_active_sessions,
        # Lapsed after 3/4 of it, found within the last 1/4 by the takeover sweep below.
        lease_s=settings.takeover_s * 0.75,
        finished_ttl_s=settings.finished_session_ttl_s,
    )
    buffer = AnswerBuffer(
        redis, prefix=settings.redis_prefix, ttl_s=settings.session_ttl_s,
        max_bytes=settings.max_answer_bytes,
    )
    hook_runs = HookRunRepository(core.db, lease_s=settings.hook_lease_s)
    hooks = HookRegistry(hook_runs)
    pipeline = EvaluationPipeline(
        evaluator=ai.evaluator, answers=answers, interviews=interviews,
        hooks=hooks, emitter=emitter, offline=ai.offline, budget=ai.budget,
        sessions=sessions, audio=audio,
    )
    speaker = QuestionVoice(
        tts=speech.tts, redis=redis, sessions=sessions, emitter=emitter,
        prefix=settings.redis_prefix, lead_s=settings.tts_lead_s,
        cache_ttl_s=settings.tts_cache_ttl_s,
    )
    try:
        flow = SessionFlow(
            sessions=sessions, interviews=interviews, queue=core.queue, emitter=emitter,
            speaker=speaker, tasks=tasks, history=AskingRecord(core.fanout.events),
        )
        turns = TurnDetector(
            redis, prefix=settings.redis_prefix, ttl_s=settings.session_ttl_s, stt=speech.stt,
            read_answer=buffer.read, spawn=lambda work: tasks.spawn(work, name="turn-check"),
        )
        voice = open_voice(
            settings=settings, flow=flow, answers=answers, queue=core.queue, pipeline=pipeline,
            audio=audio, profiles=progress.profiles, interviews=interviews, stt=speech.stt,
            tts=speech.tts, redis=redis,
        )
        progress.candidates.on_recordings_withdrawn(voice.recordings.withdraw)
        live = open_live(settings, redis=redis, stt=speech.stt, buffer=buffer, emitter=emitter,
                         spawn=lambda work: tasks.spawn(work, name="live-transcript"))
        answer_service = AnswerService(
            settings=settings, flow=flow, answers=answers, audio=audio, buffer=buffer,
            turns=turns, live=live,
        )
        transcription = TranscriptionJob(
            settings=settings, flow=flow, answers=answers, audio=audio, queue=core.queue,
            stt=speech.stt, recordings=voice.recordings, live=live,
        )
        # First of the hooks: the sooner a follow-up is planned, the likelier it is asked next.
        hooks.on_answer_evaluated("follow_ups", FollowUpPlanner(
            flow=flow, interviews=interviews, writer=ai.follow_up_writer,
        ))
        candidate.plug(hooks)
        # Practice sessions stay out of the interview figures.
        hooks.on_answer_evaluated("progress", candidate.unless_practice(
            progress.hooks.answer_evaluated))
        hooks.on_interview_completed("progress", candidate.unless_practice(
            progress.hooks.interview_completed))
        core.queue.register(TRANSCRIBE_ANSWER, transcription.run, lane=SPEECH_LANE,
                            gave_up=transcription.gave_up)
        core.queue.register(EVALUATE_ANSWER, pipeline.evaluate_answer)
        core.queue.register(FINALIZE_INTERVIEW, pipeline.finalize_interview)
        service = InterviewService(
            settings=settings, flow=flow, interviews=interviews, answers=answers,
            buffer=buffer, bank=load_bank(), generator=ai.generator, budget=ai.budget,
            on_started=progress.hooks.interview_started,
            account_open=app[ACCOUNTS].security.authenticator.account_open,
            resumes=app[DOCUMENTS].resumes,
        )
        app[INTERVIEWS] = Interviews(
            interviews=interviews, answers=answers, audio=audio, sessions=sessions,
            buffer=buffer, hook_runs=hook_runs, service=service,
            answer_service=answer_service,
        )
        app[VOICE] = voice
        tasks.spawn(repeat_every(settings.expiry_sweep_s, lambda: _sweep(service),
                                 what="expiry sweep"), name="expiry-sweeper")
        tasks.spawn(repeat_every(
            AUDIO_SWEEP_EVERY_S, lambda: _expire_audio(audio, settings.audio_retention_days),
            what="audio retention", first_s=settings.expiry_sweep_s,
        ), name="audio-retention")
        takeover = Takeover(flow=flow, queue=core.queue, redis=redis,
                            prefix=settings.redis_prefix)
        tasks.spawn(repeat_every(settings.takeover_s / 4, takeover.sweep, what="takeover"),
                    name="takeover")
        yield
    finally:
        # Nothing may speak a question once the voice is closed.
        await tasks.close()
        await speaker.aclose()


async def _sweep(service: InterviewService) -> None:
    swept = await service.sweep_expired()
    if swept:
        log.info("marked %d expired interview(s) abandoned", swept)
    lost = await service.sweep_lost()
    if lost:
        log.warning("Redis lost its data: marked %d interview(s) abandoned", lost)


async def _expire_audio(audio: AudioStore, retention_days: float) -> None:
    expired = await audio.expire(retention_days)
    if expired:
        log.info("deleted %d answer recording(s) past retention", expired)
