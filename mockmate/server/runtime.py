"""Start-up wiring: every service the server needs, chosen once from settings.

`open_services` is the only place that decides between embedded defaults and configured
services, and the only place that constructs repositories, stores and providers.
"""

import asyncio
import logging
import os
import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import socketio
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from mockmate.auth.accounts import Accounts
from mockmate.auth.login_guard import LoginGuard
from mockmate.auth.tokens import TokenIssuer
from mockmate.bookings.wiring import Marketplace, open_marketplace
from mockmate.candidates.account import AccountData
from mockmate.candidates.progress_hooks import ProgressHooks
from mockmate.candidates.service import CandidateService
from mockmate.config import Settings
from mockmate.evaluators.base import AnswerEvaluator
from mockmate.evaluators.heuristic import HeuristicEvaluator
from mockmate.evaluators.hooks import HookRegistry
from mockmate.evaluators.pipeline import EvaluationPipeline
from mockmate.interviews.answers import AnswerService
from mockmate.interviews.asking import AskLeases
from mockmate.interviews.emitter import Emitter
from mockmate.interviews.flow import (
    EVALUATE_ANSWER,
    FINALIZE_INTERVIEW,
    TRANSCRIBE_ANSWER,
    SessionFlow,
)
from mockmate.interviews.follow_ups import FollowUpPlanner
from mockmate.interviews.question_audio import QuestionVoice
from mockmate.interviews.service import InterviewService
from mockmate.jobs.queue import JobQueue
from mockmate.metrics import Metrics
from mockmate.providers.budget import LlmBudget, RedisEvaluationCache
from mockmate.providers.gemini import make_gemini_client, make_gemini_guard
from mockmate.providers.gemini_evaluator import GeminiEvaluator
from mockmate.providers.gemini_follow_ups import GeminiFollowUpWriter
from mockmate.providers.gemini_questions import GeminiQuestionGenerator
from mockmate.providers.resilience import PrometheusProviderMetrics
from mockmate.questions.bank import load_bank
from mockmate.questions.follow_ups import FollowUpWriter, TemplateFollowUps, offline_texts
from mockmate.questions.models import QuestionGenerator
from mockmate.server.embedded import EmbeddedMongo, dev_jwt_secret
from mockmate.server.fanout import Fanout, new_process_id
from mockmate.speech.base import SpeechToText, TextToSpeech
from mockmate.speech.elevenlabs_tts import make_elevenlabs_tts
from mockmate.speech.groq_stt import make_groq_stt
from mockmate.speech.piper_tts import PiperTextToSpeech
from mockmate.speech.sentence_cache import SentenceCachedSpeech
from mockmate.speech.sphinx_stt import SphinxSpeechToText
from mockmate.state.answer_buffer import AnswerBuffer
from mockmate.state.event_log import EventLog
from mockmate.state.store import SessionStore
from mockmate.storage.answers import AnswerRepository
from mockmate.storage.audio import AudioStore
from mockmate.storage.database import Document, connect, ensure_indexes, ping
from mockmate.storage.hook_runs import HookRunRepository
from mockmate.storage.interviews import InterviewRepository
from mockmate.storage.leaderboard import Leaderboard
from mockmate.storage.profiles import ProfileRepository
from mockmate.storage.progress import ProgressRepository
from mockmate.storage.users import UserRepository
from mockmate.tasks import BackgroundTasks, repeat_every

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    redis: Redis
    mongo: AsyncMongoClient[Document]
    db: AsyncDatabase[Document]
    users: UserRepository
    interviews: InterviewRepository
    answers: AnswerRepository
    sessions: SessionStore
    queue: JobQueue
    hooks: HookRegistry
    pipeline: EvaluationPipeline
    accounts: Accounts
    tokens: TokenIssuer
    interview_service: InterviewService
    answer_service: AnswerService
    audio: AudioStore
    tasks: BackgroundTasks
    profiles: ProfileRepository
    progress: ProgressRepository
    leaderboard: Leaderboard
    candidate_service: CandidateService
    marketplace: Marketplace
    account: AccountData
    login_guard: LoginGuard
    fanout: Fanout


def open_redis(settings: Settings) -> Redis:
    if settings.redis_url:
        return Redis.from_url(settings.redis_url)
    import fakeredis  # embedded default only

    log.warning(
        "REDIS_URL is not set: using in-process fakeredis. This server must run as a "
        "SINGLE process; set REDIS_URL to run several."
    )
    redis: Redis = fakeredis.FakeAsyncRedis()
    return redis


async def open_mongo_url(settings: Settings, stack: AsyncExitStack) -> str:
    if settings.mongodb_url:
        return settings.mongodb_url
    embedded = EmbeddedMongo(settings.data_dir)
    url = await asyncio.to_thread(embedded.start)
    stack.callback(embedded.stop)
    return url


def jwt_secret(settings: Settings) -> str:
    if settings.jwt_secret:
        return settings.jwt_secret
    log.warning("MOCKMATE_JWT_SECRET is not set: using the development secret in %s",
                settings.data_dir)
    return dev_jwt_secret(settings.data_dir)


class ClosableTextToSpeech(TextToSpeech, Protocol):
    async def aclose(self) -> None: ...


class ClosableSpeechToText(SpeechToText, Protocol):
    async def aclose(self) -> None: ...


def open_speech(
    settings: Settings, provider_metrics: PrometheusProviderMetrics
) -> tuple[ClosableTextToSpeech, ClosableSpeechToText]:
    """ElevenLabs and Groq when their keys are set, else the offline engines."""
    tts: ClosableTextToSpeech
    stt: ClosableSpeechToText
    if settings.elevenlabs_api_key:
        tts = make_elevenlabs_tts(
            settings.elevenlabs_api_key, settings.elevenlabs_base_url, provider_metrics
        )
        log.info("ElevenLabs speaks the questions")
    else:
        tts = PiperTextToSpeech(max_concurrency=settings.speech_threads)
    if settings.groq_api_key:
        stt = make_groq_stt(settings.groq_api_key, settings.groq_base_url, provider_metrics)
        log.info("Groq Whisper transcribes the answers")
    else:
        stt = SphinxSpeechToText(max_concurrency=settings.speech_threads)
    return tts, stt


@asynccontextmanager
async def open_services(
    settings: Settings, sio: socketio.AsyncServer, metrics: Metrics
) -> AsyncIterator[Services]:
    async with AsyncExitStack() as stack:
        mongo_url = await open_mongo_url(settings, stack)
        mongo = connect(mongo_url)
        stack.push_async_callback(mongo.close)
        db = mongo[settings.mongodb_db]
        await ensure_indexes(db)

        redis = open_redis(settings)
        stack.push_async_callback(redis.aclose)
        fanout = Fanout(
            sio, redis, EventLog(
                redis, prefix=settings.redis_prefix, process_id=new_process_id(),
                max_events=settings.event_log_max_events, grace_s=settings.event_log_grace_s,
            ),
            presence_ttl_s=settings.presence_ttl_s, hold_s=settings.resume_hold_s,
        )
        await fanout.start()
        stack.push_async_callback(fanout.close)
        emitter: Emitter = fanout
        if settings.embedded_redis:
            # In-process sessions died with the previous run: close their interviews.
            lost = await InterviewRepository(db).abandon_in_progress()
            if lost:
                log.info("marked %d interview(s) from the previous run abandoned", lost)

        users = UserRepository(db)
        interviews = InterviewRepository(db)
        answers = AnswerRepository(db)
        tokens = TokenIssuer(jwt_secret(settings), settings.jwt_ttl_s)
        sessions = SessionStore(
            redis, prefix=settings.redis_prefix, ttl_s=settings.session_ttl_s,
            max_active=settings.max_active_sessions,
            finished_ttl_s=settings.finished_session_ttl_s,
        )
        queue = JobQueue(
            redis, prefix=settings.redis_prefix,
            consumer_prefix=f"{socket.gethostname()}-{os.getpid()}",
            claim_idle_s=settings.job_claim_idle_s, max_attempts=settings.job_max_attempts,
            blocking_reads=not settings.embedded_redis,
            observe=lambda kind, outcome: metrics.jobs.labels(kind, outcome).inc(),
        )
        await queue.ensure_group()
        hook_runs = HookRunRepository(db)
        hooks = HookRegistry(hook_runs)
        provider_metrics = PrometheusProviderMetrics(metrics.registry)
        offline = HeuristicEvaluator()
        evaluator: AnswerEvaluator = offline
        generator: QuestionGenerator | None = None
        follow_up_writer: FollowUpWriter = TemplateFollowUps()
        budget: LlmBudget | None = None
        if settings.gemini_api_key:
            budget = LlmBudget(redis, prefix=settings.redis_prefix,
                               daily_limit=settings.llm_daily_limit)
            gemini = make_gemini_client(settings.gemini_api_key, settings.gemini_base_url)
            stack.push_async_callback(gemini.aio.aclose)
            guard = make_gemini_guard(provider_metrics)
            evaluator = GeminiEvaluator(
                gemini, guard, fallback=offline,
                cache=RedisEvaluationCache(redis, prefix=settings.redis_prefix),
                model=settings.gemini_model,
            )
            generator = GeminiQuestionGenerator(
                gemini, guard, bank=load_bank(), model=settings.gemini_model
            )
            follow_up_writer = GeminiFollowUpWriter(
                gemini, guard, budget=budget, model=settings.gemini_model
            )
            log.info("Gemini (%s) writes questions and evaluates answers", settings.gemini_model)
        pipeline = EvaluationPipeline(
            evaluator=evaluator, answers=answers, interviews=interviews,
            hooks=hooks, emitter=emitter, offline=offline, budget=budget,
        )
        tasks = BackgroundTasks()
        stack.push_async_callback(tasks.close)
        tts, stt = open_speech(settings, provider_metrics)
        stack.push_async_callback(tts.aclose)
        stack.push_async_callback(stt.aclose)
        buffer = AnswerBuffer(
            redis, prefix=settings.redis_prefix, ttl_s=settings.session_ttl_s,
            max_bytes=settings.max_answer_bytes,
        )
        audio = AudioStore(db)
        speech: TextToSpeech = tts
        if isinstance(tts, PiperTextToSpeech):
            speech = sentences = SentenceCachedSpeech(
                tts, redis, prefix=settings.redis_prefix, ttl_s=settings.tts_cache_ttl_s,
                resolve_voice=tts.resolve_voice,
            )
        speaker = QuestionVoice(
            tts=speech, redis=redis, sessions=sessions, emitter=emitter,
            prefix=settings.redis_prefix, lead_s=settings.tts_lead_s,
            cache_ttl_s=settings.tts_cache_ttl_s,
        )
        stack.push_async_callback(speaker.aclose)
        flow = SessionFlow(
            sessions=sessions, interviews=interviews, queue=queue, emitter=emitter,
            speaker=speaker, tasks=tasks, events=fanout.events,
            leases=AskLeases(redis, prefix=settings.redis_prefix, lease_s=settings.ask_lease_s),
        )
        answer_service = AnswerService(
            settings=settings, flow=flow, answers=answers, audio=audio, buffer=buffer,
            queue=queue, stt=stt,
        )
        # First of the hooks: the sooner a follow-up is planned, the likelier it is asked next.
        hooks.on_answer_evaluated("follow_ups", FollowUpPlanner(
            sessions=sessions, interviews=interviews, writer=follow_up_writer, emitter=emitter,
        ))
        profiles, progress = ProfileRepository(db), ProgressRepository(db)
        leaderboard = Leaderboard(redis, prefix=settings.redis_prefix)
        progress_hooks = ProgressHooks(
            users=users, profiles=profiles, progress=progress, leaderboard=leaderboard,
            emitter=emitter,
        )
        hooks.on_answer_evaluated("progress", progress_hooks.answer_evaluated)
        hooks.on_interview_completed("progress", progress_hooks.interview_completed)
        queue.register(TRANSCRIBE_ANSWER, answer_service.transcribe_answer)
        queue.register(EVALUATE_ANSWER, pipeline.evaluate_answer)
        queue.register(FINALIZE_INTERVIEW, pipeline.finalize_interview)
        candidate_service = CandidateService(
            profiles=profiles, progress=progress, leaderboard=leaderboard
        )
        marketplace = await open_marketplace(
            settings=settings, db=db, redis=redis, stack=stack, tasks=tasks, emitter=emitter,
            provider_metrics=provider_metrics,
        )
        services = Services(
            settings=settings, redis=redis, mongo=mongo, db=db, users=users,
            interviews=interviews, answers=answers, sessions=sessions, queue=queue,
            hooks=hooks, pipeline=pipeline, accounts=Accounts(users, tokens), tokens=tokens,
            interview_service=InterviewService(
                settings=settings, flow=flow, interviews=interviews, answers=answers,
                buffer=buffer, bank=load_bank(), generator=generator, budget=budget,
                on_started=progress_hooks.interview_started, users=users,
            ),
            answer_service=answer_service, audio=audio, tasks=tasks,
            profiles=profiles, progress=progress, leaderboard=leaderboard,
            candidate_service=candidate_service,
            marketplace=marketplace,
            account=AccountData(
                redis=redis, redis_prefix=settings.redis_prefix, users=users,
                interviews=interviews, answers=answers, audio=audio, sessions=sessions,
                buffer=buffer, hook_runs=hook_runs, profiles=profiles, progress=progress,
                leaderboard=leaderboard, candidates=candidate_service, marketplace=marketplace,
            ),
            login_guard=LoginGuard(
                redis, prefix=settings.redis_prefix, max_failures=settings.login_max_failures,
                window_s=settings.login_lockout_s,
            ),
            fanout=fanout,
        )
        if isinstance(tts, PiperTextToSpeech):
            tasks.spawn(tts.warm_up(), name="tts-warm-up")
            if settings.tts_prewarm:
                tasks.spawn(_prewarm_forever(sentences, settings.tts_cache_ttl_s),
                            name="tts-prewarm")
        if settings.workers:
            tasks.spawn(queue.run(settings.workers), name="job-workers")
        tasks.spawn(_sweep_forever(services), name="expiry-sweeper")
        tasks.spawn(repeat_every(settings.ask_lease_s / 2, flow.take_over_questions,
                                 what="question takeover"), name="question-takeover")
        yield services


AUDIO_SWEEP_EVERY_S = 3600.0


async def _prewarm_forever(speech: SentenceCachedSpeech, cache_ttl_s: int) -> None:
    """Keep the bank's questions, and the offline follow-ups to them, ready to be spoken:
    now, then twice per cache lifetime."""
    texts = offline_texts(load_bank())
    await speech.warm_all(texts)
    await repeat_every(cache_ttl_s / 2, lambda: speech.warm_all(texts), what="speech prewarm")


async def _sweep_forever(services: Services) -> None:
    loop = asyncio.get_running_loop()
    next_audio_sweep = loop.time()

    async def sweep() -> None:
        nonlocal next_audio_sweep
        swept = await services.interview_service.sweep_expired()
        if swept:
            log.info("marked %d expired interview(s) abandoned", swept)
        if loop.time() >= next_audio_sweep:
            next_audio_sweep = loop.time() + AUDIO_SWEEP_EVERY_S
            expired = await services.audio.expire(services.settings.audio_retention_days)
            if expired:
                log.info("deleted %d answer recording(s) past retention", expired)
            finished = await services.account.resume_erasures()
            if finished:
                log.info("finished %d interrupted account erasure(s)", finished)

    await repeat_every(services.settings.expiry_sweep_s, sweep, what="expiry sweep")


async def health(services: Services) -> dict[str, Any]:
    try:
        redis_ok = bool(await services.redis.ping())
    except Exception:
        redis_ok = False
    return {"redis": redis_ok, "mongo": await ping(services.db)}
