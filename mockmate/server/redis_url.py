"""`REDIS_URL` naming a Redis Sentinel instead of one server.

Accepted forms (docs/deploy.md):

- `redis+sentinel://[user:password@]host:port[,host:port...]/service_name`
- `redis+sentinel://[user:password@]host:port[,host:port...]/db/service_name` (the form
  python-socketio's `AsyncRedisManager` takes)

The password is the data nodes' (as python-socketio uses it); the sentinels themselves are
asked without one. Everything else is an ordinary `redis://` URL for `Redis.from_url`.
"""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.sentinel import Sentinel, SentinelConnectionPool

SCHEME = "redis+sentinel"


@dataclass(frozen=True)
class SentinelUrl:
    sentinels: list[tuple[str, int]]
    service: str
    db: int = 0
    auth: dict[str, str] = field(default_factory=dict)  # username / password of the nodes

    def for_socketio(self) -> str:
        """The same deployment in python-socketio's form (`.../db/service_name`)."""
        user = self.auth.get("username", "")
        password = self.auth.get("password", "")
        cred = f"{user}:{password}@" if user or password else ""
        hosts = ",".join(f"{h}:{p}" for h, p in self.sentinels)
        return f"{SCHEME}://{cred}{hosts}/{self.db}/{self.service}"


def parse_sentinel(url: str) -> SentinelUrl | None:
    """The Sentinel deployment `url` names; None for any other URL; ValueError when malformed."""
    parts = urlsplit(url)
    if parts.scheme != SCHEME:
        return None
    hosts = parts.netloc.rpartition("@")[2]
    sentinels = []
    for host_port in filter(None, hosts.split(",")):
        host, _, port = host_port.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"REDIS_URL: {host_port!r} is not host:port")
        sentinels.append((host.strip("[]"), int(port)))
    path = [p for p in parts.path.split("/") if p]
    if not sentinels or not 1 <= len(path) <= 2 or (len(path) == 2 and not path[0].isdigit()):
        raise ValueError("REDIS_URL: expected redis+sentinel://host:port[,host:port]/[db/]"
                         "service_name")
    auth = {k: unquote(v) for k, v in (("username", parts.username),
                                        ("password", parts.password)) if v}
    return SentinelUrl(sentinels, path[-1], int(path[0]) if len(path) == 2 else 0, auth)


class BlockingSentinelConnectionPool(SentinelConnectionPool, BlockingConnectionPool):
    """The master's pool behind Sentinels that, like the plain pool, waits (bounded by
    `timeout`) for a free connection when all are busy, instead of raising
    `MaxConnectionsError` at once (redis-py's Sentinel pool does). The Sentinel half finds the
    master; the blocking half hands out connections."""


def redis_from_url(url: str, **options: Any) -> Redis:
    """A client for `url`: through the Sentinels (following the master across failovers) when
    it names them, else `Redis.from_url`. `options` go to the client either way; with
    `max_connections` and `timeout` (the pool wait) a Sentinel client gets a blocking pool."""
    sentinel = parse_sentinel(url)
    if sentinel is None:
        return Redis.from_url(url, **options)
    kwargs: dict[str, Any] = {"db": sentinel.db, **sentinel.auth, **options}
    if "max_connections" in kwargs:
        kwargs["connection_pool_class"] = BlockingSentinelConnectionPool
    sentinels = Sentinel(sentinel.sentinels)  # type: ignore[no-untyped-call]
    client: Redis = sentinels.master_for(sentinel.service, **kwargs)
    return client


def socketio_url(url: str) -> str:
    """`url` as python-socketio's Redis manager wants it."""
    sentinel = parse_sentinel(url)
    return url if sentinel is None else sentinel.for_socketio()
