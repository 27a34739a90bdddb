"""Free booking slots from an expert's weekly availability, shown in the caller's time zone.

Why: an expert says "Mondays 09:00-17:00" in their own IANA zone and means local wall-clock
time on every Monday, including the day DST changes (so that day's UTC offsets differ). A
candidate in another zone asks for dates in *their* calendar. This module turns both into
absolute, timezone-aware slots, skipping blackout days, wall times that do not exist (spring
forward), taking only the first occurrence of repeated wall times (fall back, `fold=0`),
leaving out anything overlapping a booking or live hold, and anything starting too soon.
`is_offered` re-checks a requested booking against the same rules so the API cannot be
tricked into booking a time the expert never offered.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import NamedTuple
from zoneinfo import ZoneInfo

MAX_RANGE_DAYS = 31
DEFAULT_STEP_MIN = 30
DEFAULT_MIN_NOTICE = timedelta(hours=2)
_ONE_DAY = timedelta(days=1)
_ONE_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Window:
    """A weekly availability window on `weekday` (0 = Monday), [start, end) local wall time."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) … 6 (Sunday)")
        if self.start >= self.end:
            raise ValueError("a window must start before it ends (it cannot cross midnight)")

    @classmethod
    def parse(cls, weekday: int, start: str, end: str) -> "Window":
        """A window from wire values: `Window.parse(0, "09:00", "17:00")`."""
        return cls(weekday, parse_hhmm(start), parse_hhmm(end))


class Slot(NamedTuple):
    """A bookable interval [start, end), both timezone-aware."""

    start: datetime
    end: datetime


def parse_hhmm(value: str) -> time:
    """ "HH:MM" (24 h) as a `time`; anything else raises ValueError."""
    hours, sep, minutes = value.partition(":")
    if not sep or len(hours) != 2 or len(minutes) != 2:
        raise ValueError(f"{value!r} is not a time in HH:MM form")
    if not (hours.isdigit() and minutes.isdigit()):
        raise ValueError(f"{value!r} is not a time in HH:MM form")
    return time(int(hours), int(minutes))  # raises ValueError past 23:59


def _aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime")


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Whether half-open intervals [a_start, a_end) and [b_start, b_end) share any instant.
    Touching intervals (one ends when the other starts) and empty intervals do not overlap.
    Compared in UTC: Python compares two datetimes of the same zone by wall clock, which is
    wrong across a fall-back hour."""
    for value in (a_start, a_end, b_start, b_end):
        _aware(value, "interval bound")
    a0, a1, b0, b1 = (t.astimezone(UTC) for t in (a_start, a_end, b_start, b_end))
    return a0 < a1 and b0 < b1 and a0 < b1 and b0 < a1


def _zone(tz: str | tzinfo) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _local(day: date, minutes: int, zone: tzinfo) -> datetime | None:
    """The instant of wall time `minutes` after midnight on `day` in `zone` (fold=0), or None
    when that wall time does not exist there (skipped by a spring-forward gap)."""
    wall = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)
    instant = wall.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
        return None
    return instant


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _first_reaching(day: date, minutes: int, zone: tzinfo) -> datetime:
    """The first instant on `day` at which the wall clock in `zone` reads `minutes` after
    midnight or later: the first occurrence of a repeated (fall back) time, and the moment the
    clocks jump for a time skipped by a spring-forward gap."""
    exact = _local(day, minutes, zone)
    if exact is not None:
        return exact
    wall = datetime.combine(day, time(minutes // 60, minutes % 60))
    # In a gap, fold=1 reads the wall time with the later offset (an instant before the jump)
    # and fold=0 with the earlier one (after it); the jump lies between: find its minute.
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    lo, hi = 0, (high - low) // _ONE_MINUTE  # wall(low + lo min) < wall <= wall(low + hi min)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if (low + mid * _ONE_MINUTE).astimezone(zone).replace(tzinfo=None) >= wall:
            hi = mid
        else:
            lo = mid
    return low + hi * _ONE_MINUTE


def _window_slots(
    window: Window, day: date, zone: tzinfo, duration: timedelta, step_min: int
) -> Iterable[Slot]:
    """Slots of `duration` starting every `step_min` wall-clock minutes from the window's start
    on `day`, each lasting exactly `duration` in real time (DST days neither stretch nor
    squeeze a session) and ending by the time the clock first reads the window's end."""
    start_min, end_min = _minutes(window.start), _minutes(window.end)
    window_end = _first_reaching(day, end_min, zone)
    for offset in range(start_min, end_min, step_min):
        start = _local(day, offset, zone)
        if start is None:  # skipped by a spring-forward gap
            continue
        end = start + duration
        if end > window_end:
            break
        yield Slot(start, end)


def free_slots(
    *,
    weekly: Sequence[Window],
    expert_tz: str | tzinfo,
    date_from: date,
    date_to: date,
    caller_tz: str | tzinfo,
    duration_min: int,
    now: datetime,
    busy: Iterable[tuple[datetime, datetime]] = (),
    blackout_dates: Iterable[date] = (),
    step_min: int = DEFAULT_STEP_MIN,
    min_notice: timedelta = DEFAULT_MIN_NOTICE,
) -> list[Slot]:
    """The expert's free slots that start on caller-local dates `date_from`..`date_to`
    (inclusive, at most 31 days), expressed in `caller_tz`, sorted by start.

    A slot is offered when it starts a multiple of `step_min` wall-clock minutes after the
    start of one of the expert's windows on a non-blackout expert-local day, ends by the time
    the expert's clock first reads the window's end, starts at least `min_notice` after `now`,
    and overlaps none of the `busy` intervals (bookings and live holds, any aware datetimes).
    Slots are sorted by instant; note that Python compares datetimes sharing one zone by wall
    clock, so re-sort or compare them in UTC across a fall-back hour."""
    if date_to < date_from:
        raise ValueError(f"date range ends ({date_to}) before it starts ({date_from})")
    days = (date_to - date_from).days + 1
    if days > MAX_RANGE_DAYS:
        raise ValueError(
            f"date range covers {days} days; at most {MAX_RANGE_DAYS} days can be requested"
        )
    if duration_min <= 0:
        raise ValueError("duration_min must be positive")
    if step_min <= 0:
        raise ValueError("step_min must be positive")
    _aware(now, "now")
    expert_zone, caller_zone = _zone(expert_tz), _zone(caller_tz)
    busy_list = list(busy)
    for b_start, b_end in busy_list:
        _aware(b_start, "busy interval start")
        _aware(b_end, "busy interval end")
    blackout = frozenset(blackout_dates)
    earliest = now.astimezone(UTC) + min_notice  # real time, not wall-clock arithmetic
    duration = timedelta(minutes=duration_min)

    # Expert-local days that can hold a slot starting on one of the caller's days: convert
    # the caller's range to expert-local dates and pad a day each side (offsets differ < 1 day).
    first = datetime.combine(date_from, time(0), tzinfo=caller_zone).astimezone(expert_zone)
    last = datetime.combine(date_to, time(0), tzinfo=caller_zone).astimezone(expert_zone)
    day, stop = first.date() - _ONE_DAY, last.date() + 2 * _ONE_DAY

    found: dict[datetime, Slot] = {}
    while day <= stop:
        if day not in blackout:
            for window in weekly:
                if window.weekday != day.weekday():
                    continue
                for slot in _window_slots(window, day, expert_zone, duration, step_min):
                    if slot.start < earliest or slot.start in found:
                        continue
                    if not date_from <= slot.start.astimezone(caller_zone).date() <= date_to:
                        continue
                    if any(overlaps(slot.start, slot.end, b, e) for b, e in busy_list):
                        continue
                    found[slot.start] = slot
        day += _ONE_DAY
    return [
        Slot(s.start.astimezone(caller_zone), s.end.astimezone(caller_zone))
        for s in sorted(found.values())
    ]


def is_offered(
    start: datetime,
    duration_min: int,
    *,
    weekly: Sequence[Window],
    expert_tz: str | tzinfo,
    now: datetime,
    busy: Iterable[tuple[datetime, datetime]] = (),
    blackout_dates: Iterable[date] = (),
    step_min: int = DEFAULT_STEP_MIN,
    min_notice: timedelta = DEFAULT_MIN_NOTICE,
) -> bool:
    """Whether [start, start + duration_min) is exactly one of the expert's free slots under
    the same rules as `free_slots` (start may be in any zone; the instant is what counts)."""
    _aware(start, "start")
    day = start.astimezone(UTC).date()
    slots = free_slots(
        weekly=weekly,
        expert_tz=expert_tz,
        date_from=day,
        date_to=day,
        caller_tz=UTC,
        duration_min=duration_min,
        now=now,
        busy=busy,
        blackout_dates=blackout_dates,
        step_min=step_min,
        min_notice=min_notice,
    )
    # In UTC: real (not wall-clock) minutes, and `==` between zones is False for any time in
    # a fall-back hour (PEP 495), so compare instants in one zone.
    start = start.astimezone(UTC)
    end = start + timedelta(minutes=duration_min)
    return any(slot.start == start and slot.end == end for slot in slots)
