"""Which failures mean "Redis or MongoDB cannot serve this right now".

An outage, a restart, or a pool whose connections are all busy past its bounded wait is not
the client's fault nor a bug: it answers `unavailable` with `retryable: true` (503 over
REST), never `internal`. The Socket.IO dispatcher and the REST middleware both ask here.
"""

import redis.exceptions as redis_errors
from pymongo import errors as mongo_errors

from mockmate.errors import MockMateError, Unavailable

# redis: ConnectionError covers refused/reset connections and MaxConnectionsError (a full
# pool); TimeoutError a connect or pool wait past its bound; BusyLoadingError a Redis still
# loading its data after a restart. pymongo: ConnectionFailure covers AutoReconnect,
# NetworkTimeout, ServerSelectionTimeoutError and WaitQueueTimeoutError (a full pool).
OUTAGES: tuple[type[BaseException], ...] = (
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
    redis_errors.BusyLoadingError,
    mongo_errors.ConnectionFailure,
)


def unavailable_from(exc: BaseException) -> MockMateError | None:
    """`unavailable` (retryable) when `exc` is an outage of a backing service, else None."""
    if isinstance(exc, OUTAGES):
        service = "Redis" if isinstance(exc, redis_errors.RedisError) else "MongoDB"
        return Unavailable(
            f"{service} is unavailable right now; try again shortly",
            retryable=True,
        )
    return None
