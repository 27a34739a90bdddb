"""Pure notification rules: the kinds, each user's settings, which channels a notification
takes, when quiet hours defer an e-mail, and when reminders, streak warnings and weekly
summaries fall due, all in the user's own time zone.

Why pure: these decide what a user is told and when; they are tested directly, with no
clock, database or mail server (tests/unit/test_notification_rules.py).
"""

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from mockmate.gamification.streaks import StreakState


class Kind(StrEnum):
    BOOKING_REQUESTED = "booking_requested"
    BOOKING_CONFIRMED = "booking_confirmed"
    BOOKING_CANCELLED = "booking_cancelled"
    BOOKING_RESCHEDULED = "booking_rescheduled"
    REMINDER_24H = "reminder_24h"
    REMINDER_1H = "reminder_1h"
    FEEDBACK_RECEIVED = "feedback_received"
    BADGE_EARNED = "badge_earned"
    LEVEL_UP = "level_up"
    STREAK_AT_RISK = "streak_at_risk"
    WEEKLY_SUMMARY = "weekly_summary"
    EXPERT_VERIFIED = "expert_verified"
    EXPERT_REJECTED = "expert_rejected"


Channel = Literal["in_app", "email"]
CHANNELS: tuple[Channel, ...] = ("in_app", "email")

# Everything reaches the inbox; e-mail is for what matters outside the app. Badges and
# levels are celebrated in the app only (a mail per badge would be noise).
_IN_APP_ONLY = {Kind.BADGE_EARNED, Kind.LEVEL_UP}
DEFAULT_CHANNELS: dict[Kind, tuple[Channel, ...]] = {
    kind: ("in_app",) if kind in _IN_APP_ONLY else CHANNELS for kind in Kind
}
# A reminder one hour before a session is useless after the session: quiet hours do not
# hold it back.
URGENT = frozenset({Kind.REMINDER_1H})
REMINDER_LEADS: tuple[tuple[Kind, timedelta], ...] = (
    (Kind.REMINDER_24H, timedelta(hours=24)),
    (Kind.REMINDER_1H, timedelta(hours=1)),
)


def _hh_mm(value: str) -> str:
    try:
        parsed = time.fromisoformat(value)
    except ValueError:
        raise ValueError("a time of day must look like 22:00") from None
    if parsed.second or parsed.microsecond or len(value) != 5:
        raise ValueError("a time of day must look like 22:00")
    return value


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None
    return name


TimeOfDay = Annotated[str, AfterValidator(_hh_mm)]


class QuietHours(BaseModel):
    """Local times between which no e-mail is sent (it waits until `end`); may wrap
    midnight (22:00 to 07:00). Equal start and end mean no quiet hours."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    start: TimeOfDay
    end: TimeOfDay


class NotificationSettings(BaseModel):
    """A user's choices: channels per kind (an empty list is "none"; a kind left out keeps
    its default), quiet hours, and the time zone they are in (None: the profile's)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    channels: dict[Kind, list[Channel]] = Field(default_factory=dict)
    quiet_hours: QuietHours | None = None
    time_zone: Annotated[str, AfterValidator(_zone)] | None = Field(None, max_length=64)

    @field_validator("channels")
    @classmethod
    def _distinct(cls, value: dict[Kind, list[Channel]]) -> dict[Kind, list[Channel]]:
        return {kind: sorted(set(chosen), key=CHANNELS.index) for kind, chosen in value.items()}

    def effective(self) -> dict[Kind, list[Channel]]:
        return {kind: list(self.channels.get(kind, DEFAULT_CHANNELS[kind])) for kind in Kind}


def channels_for(settings: NotificationSettings, kind: Kind) -> frozenset[Channel]:
    return frozenset(settings.effective()[kind])


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def in_quiet_hours(quiet: QuietHours | None, local: time) -> bool:
    if quiet is None or quiet.start == quiet.end:
        return False
    start, end = time.fromisoformat(quiet.start), time.fromisoformat(quiet.end)
    local = local.replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end  # wraps midnight


def _at_local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`day` at local time `at` in `tz`, as a UTC instant. A time skipped by a DST jump
    falls after the jump (zoneinfo's fold=0 reading), which is what a user would expect."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def email_due(settings: NotificationSettings, tz: ZoneInfo, kind: Kind, now: datetime) -> datetime:
    """When an e-mail of `kind` created at `now` may be sent: now, or the end of the quiet
    hours it falls in."""
    quiet = settings.quiet_hours
    local = now.astimezone(tz)
    if kind in URGENT or quiet is None or not in_quiet_hours(quiet, local.time()):
        return now
    end = time.fromisoformat(quiet.end)
    day = local.date() if local.time().replace(tzinfo=None) < end else local.date() + \
        timedelta(days=1)
    return _at_local(day, end, tz)


def reminder_times(start: datetime, now: datetime) -> list[tuple[Kind, datetime]]:
    """The reminders still ahead for a session starting at `start` (a booking made 3 h
    ahead gets the 1 h reminder only)."""
    return [(kind, start - lead) for kind, lead in REMINDER_LEADS if start - lead > now]


def streak_check_at(day: date, tz: ZoneInfo, hour: int) -> datetime:
    """The evening of local `day` when a streak that `day` has not yet extended is at risk."""
    return _at_local(day, time(hour=hour), tz)


def streak_at_risk(streak: StreakState, today: date) -> bool:
    """Practised yesterday, not yet today: the streak breaks at midnight."""
    return streak.current > 0 and streak.last_practice_day == today - timedelta(days=1)


def next_weekly_summary(now: datetime, tz: ZoneInfo, hour: int) -> datetime:
    """The next Monday at `hour` local, strictly after `now`."""
    local = now.astimezone(tz)
    day = local.date() - timedelta(days=local.weekday())
    while (at := _at_local(day, time(hour=hour), tz)) <= now:
        day += timedelta(days=7)
    return at


def week_of(now: datetime, tz: ZoneInfo) -> date:
    """The Monday starting the local week that ended before `now` (the summary's week)."""
    local = now.astimezone(tz).date()
    return local - timedelta(days=local.weekday() + 7)


class WeekFigures(BaseModel):
    answers: int = 0
    interviews: int = 0
    xp: int = 0


def week_figures(awards: list[tuple[str, int, datetime]], start: datetime,
                 end: datetime) -> WeekFigures:
    """Answers, interviews and XP of [start, end) from the XP ledger's (source, xp, at)."""
    inside = [(source, xp) for source, xp, at in awards if start <= at < end]
    return WeekFigures(
        answers=sum(1 for source, _ in inside if source == "answer_submitted"),
        interviews=sum(1 for source, _ in inside if source == "interview_completed"),
        xp=sum(xp for _, xp in inside),
    )
