"""Practice streaks in the user's own time zone, with streak freezes.

Why: a streak counts consecutive local days with at least one answered question, so "today"
depends on the user's IANA time zone (DST days count once), and a freeze, earned at each
7-day milestone (at most 2 held), covers exactly one missed day. The state is a small value
the store keeps per user; `record_practice` is the only way it moves.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field

MILESTONE_EVERY = 7
MAX_FREEZES = 2
# How many freeze-covered days the state remembers (for display); older ones are dropped.
FREEZE_HISTORY = 20

UTC = ZoneInfo("UTC")
_ONE_DAY = timedelta(days=1)


class StreakState(BaseModel):
    """A user's streak: `current` consecutive days ending on `last_practice_day`."""

    model_config = ConfigDict(frozen=True)

    current: int = Field(default=0, ge=0)
    longest: int = Field(default=0, ge=0)
    last_practice_day: date | None = None
    freezes: int = Field(default=0, ge=0, le=MAX_FREEZES)
    freeze_used_days: tuple[date, ...] = ()


class StreakUpdate(BaseModel):
    """The state after a practice, and what happened on the way."""

    model_config = ConfigDict(frozen=True)

    state: StreakState
    milestones_reached: tuple[int, ...] = ()
    freeze_earned: bool = False
    freeze_used: bool = False


def zone(tz: str | None) -> ZoneInfo:
    """The IANA zone named `tz`; UTC when it is missing or unknown (profiles may hold junk)."""
    if not tz:
        return UTC
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return UTC


def local_day(at: datetime, tz: str | None) -> date:
    """The calendar day `at` falls on in the zone `tz` (unknown zones: UTC). `at` must be
    timezone-aware: a naive datetime (e.g. read back from MongoDB) is ambiguous, so refused."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("local_day needs a timezone-aware datetime")
    return at.astimezone(zone(tz)).date()


def record_practice(state: StreakState, day: date) -> StreakUpdate:
    """The streak after practicing on the local `day`.

    Same day again: unchanged. The next day: +1. One missed day with a freeze held: the freeze
    covers it and the streak goes on (+1). Any longer gap, or no freeze: a new streak of 1.
    A day earlier than the last one (out-of-order events, clock skew) changes nothing.
    Reaching 7, 14, 21... days is a milestone and earns a freeze while fewer than 2 are held.
    """
    last = state.last_practice_day
    if last is not None and day <= last:
        return StreakUpdate(state=state)
    freezes = state.freezes
    used_days = state.freeze_used_days
    freeze_used = False
    if last is not None and day == last + _ONE_DAY:
        current = state.current + 1
    elif last is not None and day == last + 2 * _ONE_DAY and freezes > 0:
        freezes -= 1
        used_days = (*used_days, last + _ONE_DAY)[-FREEZE_HISTORY:]
        freeze_used = True
        current = state.current + 1
    else:
        current = 1
    milestones: tuple[int, ...] = ()
    freeze_earned = False
    if current % MILESTONE_EVERY == 0:
        milestones = (current,)
        if freezes < MAX_FREEZES:
            freezes += 1
            freeze_earned = True
    new_state = StreakState(
        current=current,
        longest=max(state.longest, current),
        last_practice_day=day,
        freezes=freezes,
        freeze_used_days=used_days,
    )
    return StreakUpdate(
        state=new_state,
        milestones_reached=milestones,
        freeze_earned=freeze_earned,
        freeze_used=freeze_used,
    )


def current_streak_as_of(state: StreakState, today: date) -> int:
    """The streak to show on `today`: still alive if the last practice was today or yesterday,
    or the day before with a freeze held (practicing today would use it); otherwise 0."""
    last = state.last_practice_day
    if last is None:
        return 0
    gap = (today - last).days
    if gap <= 1 or (gap == 2 and state.freezes > 0):
        return state.current
    return 0


def is_first_practice_of_day(state: StreakState, day: date) -> bool:
    """Whether a practice on `day` may be the user's first that day (ask before recording it).
    A late event for an earlier day answers True: the day's award is keyed by the day, so the
    store pays it only if that day was not paid yet."""
    return day != state.last_practice_day
