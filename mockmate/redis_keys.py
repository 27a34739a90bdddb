"""Every Redis key name MockMate uses, in one place.

All keys start with the deployment's prefix (`MOCKMATE_REDIS_PREFIX`), so several deployments
(or test runs) share one Redis. Stores take the prefix and ask this class for their keys; a
new key is added here, so a reader sees at a glance what lives in Redis and which keys hold
a user's data (`user_*`, erased with the account by the store that owns them).
"""

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

    # An answer's streamed chunks (state/answer_buffer.py) and its hands-free turn.
    def answer_chunks(self, session_id: str, index: int) -> tuple[str, str]:
        base = f"{self.prefix}:answer:{session_id}:{index}"
        return f"{base}:meta", f"{base}:data"

    def turn(self, session_id: str, index: int) -> str:
        return f"{self.prefix}:turn:{session_id}:{index}"

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

    def evaluation(self, cache_key: str) -> str:
        return f"{self.prefix}:evalcache:{cache_key}"

    # Accounts: revoked sign-in families, sign-in throttles and lockouts (by digest).
    def auth_family(self, family: str) -> str:
        return f"{self.prefix}:auth:family:{family}"

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

    # Socket.IO's channel between processes.
    @property
    def socketio_channel(self) -> str:
        return f"{self.prefix}:socketio"
