"""Every Redis key name MockMate uses, in one place.

All keys start with the deployment's prefix (`MOCKMATE_REDIS_PREFIX`), so several deployments
(or test runs) share one Redis. Stores take the prefix and ask this class for their keys; a
new key is added here, so a reader sees at a glance what lives in Redis and which keys hold
a user's data (`user_*`, erased with the account by the store that owns them).
"""

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class RedisKeys:
    prefix: str

    # Interview sessions (state/store.py, state/leases.py): a hash per session, the user's
    # active session, the expiry index, the liveness leases and the "not wiped" marker.
    def session(self, session_id: str) -> str:
        return f"{self.prefix}:session:{session_id}"

    def user_active_session(self, user_id: str) -> str:
        return f"{self.prefix}:user:{user_id}:active"

    @property
    def session_expiry(self) -> str:
        return f"{self.prefix}:sessions:expiry"

    @property
    def session_leases(self) -> str:
        return f"{self.prefix}:sessions:leases"

    @property
    def sessions_marker(self) -> str:
        return f"{self.prefix}:sessions-marker"

    # A session's numbered events (events/log.py): its counter, its log (a Stream) and each
    # socket's acknowledged position; they expire with the session hash.
    def session_event_seq(self, session_id: str) -> str:
        return f"{self.session(session_id)}:seq"

    def session_events(self, session_id: str) -> str:
        return f"{self.session(session_id)}:events"

    def session_event_positions(self, session_id: str) -> str:
        return f"{self.session(session_id)}:positions"

    # Which process holds each socket of a user (presence), and the channels and heartbeats
    # of the live processes (`<events_prefix>proc:<id>`, `<events_prefix>alive:<id>`).
    def user_presence(self, user_id: str) -> str:
        return f"{self.prefix}:presence:{user_id}"

    @property
    def events_prefix(self) -> str:
        return f"{self.prefix}:events:"

    # An answer's streamed chunks (state/answer_buffer.py) and its hands-free turn.
    def answer_chunks(self, session_id: str, index: int) -> tuple[str, str]:
        base = f"{self.prefix}:answer:{session_id}:{index}"
        return f"{base}:meta", f"{base}:data"

    def turn(self, session_id: str, index: int) -> str:
        return f"{self.prefix}:turn:{session_id}:{index}"

    # What is transcribed of a streamed answer while it is spoken (interviews/live.py): its
    # state (hash) and its closed segments (list).
    def live_transcript(self, session_id: str, index: int) -> tuple[str, str]:
        base = f"{self.prefix}:live:{session_id}:{index}"
        return base, f"{base}:segments"

    def requeued(self, answer_id: str) -> str:
        return f"{self.prefix}:requeued:{answer_id}"

    # Speech caches: a whole question's audio, and one sentence's.
    def question_audio(self, digest: str) -> str:
        return f"{self.prefix}:tts:{digest}"

    def sentence_audio(self, digest: str) -> str:
        return f"{self.prefix}:tts-sentence:{digest}"

    # The job queue's streams.
    @property
    def jobs(self) -> str:
        return f"{self.prefix}:jobs"

    @property
    def dead_jobs(self) -> str:
        return f"{self.prefix}:jobs:dead"

    # AI cost control: a user's calls per day, and finished evaluations.
    def user_llm_calls(self, user_id: str, day: str) -> str:
        return f"{self.prefix}:llm:{user_id}:{day}"

    def user_llm_calls_pattern(self, user_id: str) -> str:
        return f"{self.prefix}:llm:{user_id}:*"

    # The speech API's rate limit per user (`interviews/speech_api.py`): a GCRA cell that
    # lapses by itself.
    def speech_api_rate(self, user_id: str) -> str:
        return f"{self.prefix}:speech-api:{user_id}"

    def evaluation(self, cache_key: str) -> str:
        return f"{self.prefix}:evalcache:{cache_key}"

    # Accounts: revoked sign-in families, sign-in throttles and lockouts (by digest).
    def auth_family(self, family: str) -> str:
        return f"{self.prefix}:auth:family:{family}"

    def auth_epoch(self, user_id: str) -> str:
        # By digest: the tombstone an erasure leaves (auth/revocation.py) must not name the
        # erased user.
        digest = hashlib.sha256(b"auth-epoch:" + user_id.encode()).hexdigest()[:32]
        return f"{self.prefix}:auth:epoch:{digest}"

    def auth_rate_ip(self, digest: str) -> str:
        return f"{self.prefix}:authrate:ip:{digest}"

    def auth_rate_email(self, digest: str) -> str:
        return f"{self.prefix}:authrate:email:{digest}"

    def login_failures(self, digest: str) -> str:
        return f"{self.prefix}:loginfail:{digest}"

    def mfa_ticket(self, digest: str) -> str:
        """A single-use two-factor ticket (between the password and the code)."""
        return f"{self.prefix}:auth:mfa:{digest}"

    # Progress.
    @property
    def leaderboard(self) -> str:
        return f"{self.prefix}:leaderboard:average_score"

    # Scheduled jobs (notifications/scheduler.py): a sorted set of keys by due time, and a
    # hash of each key's job body. A user's scheduled jobs are cancelled by key on erasure.
    @property
    def scheduled_due(self) -> str:
        return f"{self.prefix}:schedule"

    @property
    def scheduled_jobs(self) -> str:
        return f"{self.prefix}:schedule:jobs"

    # Socket.IO's channel between processes.
    @property
    def socketio_channel(self) -> str:
        return f"{self.prefix}:socketio"
