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
from datetime import UTC, datetime
from typing import Any, Protocol

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from mockmate.auth.accounts import Accounts, HashingPool
from mockmate.auth.login_guard import LoginGuard
from mockmate.auth.throttle import CredentialThrottle
from mockmate.auth.tokens import TokenIssuer
from mockmate.auth.wiring import AccountSecurity, open_account_security
from mockmate.bookings.wiring import Marketplace, open_marketplace
from mockmate.candidates.account import AccountData
from mockmate.candidates.benchmark_service import BenchmarkService
from mockmate.candidates.learning_path_service import LearningPaths
from mockmate.candidates.progress_hooks import ProgressHooks
from mockmate.candidates.service import CandidateService
from mockmate.config import Settings
from mockmate.evaluators.base import AnswerEvaluator
from mockmate.evaluators.heuristic import HeuristicEvaluator
from mockmate.evaluators.hooks import HookRegistry
from mockmate.evaluators.pipeline import EvaluationPipeline
from mockmate.interviews.answers import AnswerService
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
from mockmate.interviews.takeover import Takeover
from mockmate.interviews.turns import TurnDetector
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
from mockmate.resumes.service import Resumes
from mockmate.server.embedded import EmbeddedMongo, dev_jwt_secret
from mockmate.server.redis_url import parse_sentinel, redis_from_url
from mockmate.sharing.links import ShareLinks
from mockmate.skills.wiring import CandidateFeatures, open_candidate_features
from mockmate.speech.base import SpeechToText, TextToSpeech
from mockmate.speech.elevenlabs_tts import make_elevenlabs_tts
from mockmate.speech.groq_stt import make_groq_stt
from mockmate.speech.piper_tts import PiperTextToSpeech
from mockmate.speech.sentence_cache import SentenceCachedSpeech
from mockmate.speech.whisper_stt import WhisperSpeechToText
from mockmate.state.answer_buffer import AnswerBuffer
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
    benchmarks: BenchmarkService
    learning_paths: LearningPaths
    credential_throttle: CredentialThrottle
    security: AccountSecurity
    resumes: Resumes
    shares: ShareLinks
    features: CandidateFeatures


def open_redis(settings: Settings) -> Redis:
    if settings.redis_url:
        if parse_sentinel(settings.redis_url) is not None:
            # Through the Sentinels, following the master across failovers.
            return redis_from_url(settings.redis_url,
                                  socket_connect_timeout=settings.redis_connect_timeout_s)
        # A pool that waits (bounded) for a free connection instead of raising at once when
        # every connection is busy; past the wait the request answers `unavailable`.
        # One retry on a fresh connection: after a Redis restart every pooled connection is
        # dead, and a pool made this way retries nothing by default (redis-py 8).
        pool = BlockingConnectionPool.from_url(
            settings.redis_url, max_connections=settings.redis_max_connections,
            timeout=settings.redis_pool_timeout_s,
            socket_connect_timeout=settings.redis_connect_timeout_s,
            retry=Retry(NoBackoff(), 1),
        )
        return Redis(connection_pool=pool)
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
        stt = WhisperSpeechToText(
            settings.stt_model, sha256=settings.stt_model_sha256,
            max_concurrency=settings.stt_workers, cpu_threads=settings.stt_cpu_threads,
        )
    return tts, stt


@asynccontextmanager
async def open_services(
    settings: Settings, emitter: Emitter, metrics: Metrics
) -> AsyncIterator[Services]:
    async with AsyncExitStack() as stack:
        mongo_url = await open_mongo_url(settings, stack)
        mongo = connect(
            mongo_url, max_pool=settings.mongo_max_pool, wait_s=settings.mongo_pool_timeout_s,
            select_s=settings.mongo_select_timeout_s,
        )
        stack.push_async_callback(mongo.close)
        db = mongo[settings.mongodb_db]
        await ensure_indexes(db)

        redis = open_redis(settings)
        stack.push_async_callback(redis.aclose)
        if settings.embedded_redis:
            # In-process sessions died with the previous run: close their interviews.
            lost = await InterviewRepository(db).abandon_in_progress()
            if lost:
                log.info("marked %d interview(s) from the previous run abandoned", lost)

        users = UserRepository(db)
        interviews = InterviewRepository(db)
        answers = AnswerRepository(db)
        secret = jwt_secret(settings)
        tokens = TokenIssuer(secret, settings.jwt_ttl_s)
        hashing = HashingPool(settings.password_hash_threads, settings.password_hash_queue)
        stack.callback(hashing.close)
        accounts = Accounts(users, tokens, hashing)
        sessions = SessionStore(
            redis, prefix=settings.redis_prefix, ttl_s=settings.session_ttl_s,
            max_active=settings.max_active_sessions,
            # Lapsed after 3/4 of it, found within the last 1/4 by the sweep below.
            lease_s=settings.takeover_s * 0.75,
        )
        queue = JobQueue(
            redis, prefix=settings.redis_prefix,
            consumer_prefix=f"{socket.gethostname()}-{os.getpid()}",
            claim_idle_s=settings.job_claim_idle_s, max_attempts=settings.job_max_attempts,
            blocking_reads=not settings.embedded_redis,
            observe=lambda kind, outcome: metrics.jobs.labels(kind, outcome).inc(),
        )
        await queue.ensure_group()
        hook_runs = HookRunRepository(db, lease_s=settings.hook_lease_s)
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
        if isinstance(stt, WhisperSpeechToText):
            # Refuse to start with weights that are not the pinned ones (hashed once, on the
            # low-priority thread); the model itself loads in the background below.
            await stt.verify()
        buffer = AnswerBuffer(
            redis, prefix=settings.redis_prefix, ttl_s=settings.session_ttl_s,
            max_bytes=settings.max_answer_bytes,
        )
        audio = AudioStore(db)
        speech: TextToSpeech = tts
        if isinstance(tts, PiperTextToSpeech):
            speech = sentences = SentenceCachedSpeech(
                tts, redis, prefix=settings.redis_prefix, ttl_s=settings.tts_cache_ttl_s,
                resolve_voice=tts.resolve_voice, background=tts.synthesize_in_background,
            )
        speaker = QuestionVoice(
            tts=speech, redis=redis, sessions=sessions, emitter=emitter,
            prefix=settings.redis_prefix, lead_s=settings.tts_lead_s,
            cache_ttl_s=settings.tts_cache_ttl_s,
        )
        stack.push_async_callback(speaker.aclose)
        flow = SessionFlow(
            sessions=sessions, interviews=interviews, queue=queue, emitter=emitter,
            speaker=speaker, tasks=tasks,
        )
        turns = TurnDetector(
            redis, prefix=settings.redis_prefix, ttl_s=settings.session_ttl_s, stt=stt,
            read_answer=buffer.read, spawn=lambda work: tasks.spawn(work, name="turn-check"),
        )
        answer_service = AnswerService(
            settings=settings, flow=flow, answers=answers, audio=audio, buffer=buffer,
            queue=queue, stt=stt, turns=turns,
        )
        # First of the hooks: the sooner a follow-up is planned, the likelier it is asked next.
        hooks.on_answer_evaluated("follow_ups", FollowUpPlanner(
            sessions=sessions, interviews=interviews, writer=follow_up_writer, emitter=emitter,
        ))
        features = await open_candidate_features(
            settings, db=db, hooks=hooks, interviews=interviews, emitter=emitter, bank=load_bank(),
            redis=redis)
        profiles, progress = ProfileRepository(db), ProgressRepository(db)
        leaderboard = Leaderboard(redis, prefix=settings.redis_prefix)
        progress_hooks = ProgressHooks(
            users=users, profiles=profiles, progress=progress, leaderboard=leaderboard,
            emitter=emitter,
        )
        hooks.on_answer_evaluated("progress", features.unless_practice(
            progress_hooks.answer_evaluated))
        hooks.on_interview_completed("progress", features.unless_practice(
            progress_hooks.interview_completed))
        queue.register(TRANSCRIBE_ANSWER, answer_service.transcribe_answer)
        queue.register(EVALUATE_ANSWER, pipeline.evaluate_answer)
        queue.register(FINALIZE_INTERVIEW, pipeline.finalize_interview)
        learning_paths = LearningPaths(db)
        security = await open_account_security(
            settings, db=db, redis=redis, users=users, accounts=accounts, tokens=tokens,
            queue=queue, secret=secret,
        )
        resumes = Resumes(db, max_bytes=settings.max_resume_bytes,
                          max_per_user=settings.max_resumes_per_user)
        await resumes.ensure_indexes()
        shares = ShareLinks(db, public_url=settings.public_url)
        await shares.ensure_indexes()
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
            hooks=hooks, pipeline=pipeline, accounts=accounts, tokens=tokens,
            interview_service=InterviewService(
                settings=settings, flow=flow, interviews=interviews, answers=answers,
                buffer=buffer, bank=load_bank(), generator=generator, budget=budget,
                on_started=progress_hooks.interview_started, users=users, resumes=resumes,
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
                learning_paths=learning_paths,
                others={"security": security, "resumes": resumes, "sharing": shares,
                        **features.data_owners()},
            ),
            login_guard=LoginGuard(
                redis, prefix=settings.redis_prefix, max_failures=settings.login_max_failures,
                window_s=settings.login_lockout_s,
            ),
            benchmarks=BenchmarkService(db, min_group=settings.benchmark_min_group,
                                        refresh_s=settings.benchmark_refresh_s),
            learning_paths=learning_paths,
            credential_throttle=CredentialThrottle(
                redis, prefix=settings.redis_prefix, per_ip=settings.auth_per_ip,
                per_address=settings.auth_per_address, window_s=settings.auth_window_s,
            ),
            security=security, resumes=resumes, shares=shares, features=features,
        )
        if isinstance(tts, PiperTextToSpeech):
            tasks.spawn(tts.warm_up(), name="tts-warm-up")
            if settings.tts_prewarm:
                tasks.spawn(_prewarm_forever(sentences, settings.tts_cache_ttl_s),
                            name="tts-prewarm")
        if isinstance(stt, WhisperSpeechToText):
            tasks.spawn(stt.warm_up(), name="stt-warm-up")
        if settings.workers:
            tasks.spawn(queue.run(settings.workers), name="job-workers")
        tasks.spawn(_sweep_forever(services), name="expiry-sweeper")
        takeover = Takeover(flow=flow, queue=queue, redis=redis, prefix=settings.redis_prefix)
        tasks.spawn(repeat_every(settings.takeover_s / 4, takeover.sweep, what="takeover"),
                    name="takeover")
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
        lost = await services.interview_service.sweep_lost(datetime.now(UTC))
        if lost:
            log.warning("Redis lost its data: marked %d interview(s) abandoned", lost)
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
    return {"redis": redis_ok, "mongo": await ping(services.db),
            "jobs": not services.settings.workers or services.queue.consuming}
