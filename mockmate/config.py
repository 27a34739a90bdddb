"""Typed settings, read once at start-up from the environment (and a `.env` file).

Every limit the server enforces is a setting here, so operators can see and tune it.
"""

from pathlib import Path

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

    # Auth.
    jwt_secret: str = Field("", validation_alias="MOCKMATE_JWT_SECRET")
    jwt_ttl_s: int = Field(7 * 24 * 3600, gt=0, validation_alias="MOCKMATE_JWT_TTL_S")

    # Sessions.
    session_ttl_s: int = Field(2 * 3600, gt=0, validation_alias="MOCKMATE_SESSION_TTL_S")
    max_active_sessions: int = Field(1, ge=1, validation_alias="MOCKMATE_MAX_ACTIVE_SESSIONS")
    expiry_sweep_s: float = Field(30.0, gt=0, validation_alias="MOCKMATE_EXPIRY_SWEEP_S")
    # How long a finished session (and its event log) stays readable for a late resume.
    finished_session_ttl_s: int = Field(
        600, gt=0, validation_alias="MOCKMATE_FINISHED_SESSION_TTL_S"
    )

    # Server events (docs/protocol.md, "Event numbers and replay"). A session's event log keeps
    # at most this many events (question audio included); a resume from further back gets
    # `replayed: false` and relies on the snapshot.
    event_log_max_events: int = Field(
        5000, ge=10, validation_alias="MOCKMATE_EVENT_LOG_MAX_EVENTS"
    )
    # Events of a session that no longer exists (an expired one's `abandoned`) stay this long.
    event_log_grace_s: int = Field(600, gt=0, validation_alias="MOCKMATE_EVENT_LOG_GRACE_S")
    # A process counts as holding its users' sockets while its heartbeat is this fresh; a
    # crashed process's sockets stop counting as present after it.
    presence_ttl_s: float = Field(10.0, gt=0, validation_alias="MOCKMATE_PRESENCE_TTL_S")
    # A process asking a question renews its lease this often (x3); a crashed one's question
    # is finished by another process within about this long.
    ask_lease_s: float = Field(3.0, gt=0, validation_alias="MOCKMATE_ASK_LEASE_S")
    # A new socket holds live events this long for an `interview:resume` to replay first.
    resume_hold_s: float = Field(1.0, ge=0, validation_alias="MOCKMATE_RESUME_HOLD_S")

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

    # Background jobs (evaluation and post-answer hooks).
    # Job consumers per process. Jobs mostly wait on I/O; CPU-heavy steps (speech) are
    # bounded by their own thread pools, so several consumers keep short jobs moving.
    workers: int = Field(8, ge=0, validation_alias="MOCKMATE_WORKERS")
    job_claim_idle_s: float = Field(30.0, gt=0, validation_alias="MOCKMATE_JOB_CLAIM_IDLE_S")
    job_max_attempts: int = Field(5, ge=1, validation_alias="MOCKMATE_JOB_MAX_ATTEMPTS")

    # Question audio: how far ahead of real time it is sent (the rest is paced, so that a
    # client answering early stops it), and how long synthesized audio stays cached.
    tts_lead_s: float = Field(1.0, ge=0, validation_alias="MOCKMATE_TTS_LEAD_S")
    tts_cache_ttl_s: int = Field(7 * 24 * 3600, gt=0, validation_alias="MOCKMATE_TTS_CACHE_TTL_S")
    speech_threads: int = Field(2, ge=1, validation_alias="MOCKMATE_SPEECH_THREADS")
    # Synthesize the sentences of the bank's questions and of their offline follow-ups into
    # the cache in the background; offline engine only (a cloud one would spend its quota).
    tts_prewarm: bool = Field(True, validation_alias="MOCKMATE_TTS_PREWARM")

    # Cloud providers: each is used when its key is set (later issues wire them).
    gemini_api_key: str = Field("", validation_alias="GEMINI_API_KEY")
    gemini_base_url: str = Field("", validation_alias="GEMINI_BASE_URL")
    gemini_model: str = Field("gemini-2.5-flash", validation_alias="GEMINI_MODEL")
    # LLM calls (question sets and evaluations) a user may cause per UTC day.
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
    meeting_url_base: str = Field(
        "https://meet.mockmate.app", validation_alias="MOCKMATE_MEETING_URL_BASE"
    )

    log_level: str = Field("INFO", validation_alias="MOCKMATE_LOG_LEVEL")

    @property
    def embedded_redis(self) -> bool:
        return not self.redis_url

    @property
    def embedded_mongo(self) -> bool:
        return not self.mongodb_url
