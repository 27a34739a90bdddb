"""The sockets connected to this process: who they are and how fast they may send."""

from dataclasses import dataclass, field

from mockmate.interviews.answers import ChunkGrant
from mockmate.ratelimit import TokenBucket


@dataclass
class Connection:
    sid: str
    user_id: str
    roles: tuple[str, ...]
    bucket: TokenBucket = field(repr=False)
    # (session id, question index) -> session version at which this socket's `answer:chunk`
    # was last checked (owner, state, index): trusted until the session changes.
    chunk_grants: dict[tuple[str, int], ChunkGrant] = field(default_factory=dict, repr=False)


class ConnectionRegistry:
    def __init__(self, rate_per_s: float, burst: int):
        self._rate = rate_per_s
        self._burst = burst
        self._by_sid: dict[str, Connection] = {}

    def add(self, sid: str, user_id: str, roles: tuple[str, ...]) -> Connection:
        conn = Connection(sid, user_id, roles, TokenBucket(self._rate, self._burst))
        self._by_sid[sid] = conn
        return conn

    def get(self, sid: str) -> Connection | None:
        return self._by_sid.get(sid)

    def remove(self, sid: str) -> None:
        self._by_sid.pop(sid, None)

    def __len__(self) -> int:
        return len(self._by_sid)
