"""The one way services read the time: a `Clock` they are given, so that tests (and the
date-sensitive faketime runs) can set the day and hour instead of depending on the real ones."""

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
