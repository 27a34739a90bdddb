"""An expert's booking rules beyond their weekly hours: buffers, daily and weekly caps,
notice, horizon, vacations and pausing.

Why pure and separate from `slots`: `slots` answers "which times does the weekly calendar
offer?"; these rules answer "which of those may be booked *now*, given what is already
booked?". Both the slot listing and the booking request apply the same functions, so a time
shown as free is exactly a time that can be booked. Concurrency is not decided here: the
store claims one unique cell per 15 minutes (the buffer included) and one unique *seat* per
day and per week (see `storage.bookings.SlotCells.claim_seat`), so caps and buffers hold even
when many requests race.

- The buffer follows each session: a booking holds [start, end + buffer), so two sessions
  are always at least `buffer` apart, whichever was booked first.
- Caps count sessions per expert-local day and per ISO week of expert-local dates.
- Notice is the larger of the platform's and the expert's; the horizon is how far ahead the
  expert takes bookings.
- Vacations are inclusive ranges of expert-local dates, treated like blackout dates.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from mockmate.bookings.slots import Slot, overlaps

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class BookingRules:
    """What an expert allows, on top of their weekly windows."""

    buffer: timedelta = timedelta(0)
    max_per_day: int | None = None
    max_per_week: int | None = None
    min_notice: timedelta = timedelta(0)
    horizon: timedelta | None = None
    vacations: tuple[tuple[date, date], ...] = ()
    paused: bool = False


@dataclass(frozen=True)
class SeatDemand:
    """One seat a booking must claim: the period it counts in, and that period's capacity."""

    period: str
    capacity: int


def _zone(tz: str | tzinfo) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def day_period(local_day: date) -> str:
    return f"day:{local_day.isoformat()}"


def week_period(local_day: date) -> str:
    year, week, _ = local_day.isocalendar()
    return f"week:{year}-W{week:02d}"


def seat_demands(start: datetime, expert_tz: str | tzinfo, rules: BookingRules) -> list[SeatDemand]:
    """The seats a session starting at `start` takes: one in its expert-local day when days
    are capped, one in its ISO week when weeks are."""
    local_day = start.astimezone(_zone(expert_tz)).date()
    demands = []
    if rules.max_per_day is not None:
        demands.append(SeatDemand(day_period(local_day), rules.max_per_day))
    if rules.max_per_week is not None:
        demands.append(SeatDemand(week_period(local_day), rules.max_per_week))
    return demands


def off_days(
    blackout_dates: Iterable[date], rules: BookingRules, first: date, last: date
) -> frozenset[date]:
    """Blackout dates plus every vacation day between `first` and `last` (vacations are only
    expanded over the range asked about, however long they are)."""
    days = set(blackout_dates)
    for begin, end in rules.vacations:
        day = max(begin, first)
        while day <= min(end, last):
            days.add(day)
            day += _ONE_DAY
    return frozenset(days)


def notice(platform_min_notice: timedelta, rules: BookingRules) -> timedelta:
    """The notice a booking needs: the platform's, or the expert's when that is longer."""
    return max(platform_min_notice, rules.min_notice)


def held_interval(start: datetime, end: datetime, rules: BookingRules) -> tuple[datetime, datetime]:
    """The time a booking claims: the session and the buffer after it."""
    return start, end + rules.buffer


def within_horizon(start: datetime, now: datetime, rules: BookingRules) -> bool:
    return rules.horizon is None or start.astimezone(UTC) <= now.astimezone(UTC) + rules.horizon


def seats_free(demands: Sequence[SeatDemand], taken: Mapping[str, int]) -> bool:
    """Whether every period still has a seat, given how many are `taken` in each."""
    return all(taken.get(d.period, 0) < d.capacity for d in demands)


def bookable(
    slots: Iterable[Slot],
    *,
    rules: BookingRules,
    expert_tz: str | tzinfo,
    now: datetime,
    busy: Sequence[tuple[datetime, datetime]] = (),
    seats_taken: Mapping[str, int] | None = None,
) -> list[Slot]:
    """The `slots` (already free by the weekly calendar) that these rules let be booked now:
    none while paused; within the horizon; whose session and buffer touch nothing `busy`; in
    a day and week with a seat left."""
    if rules.paused:
        return []
    taken = seats_taken or {}
    kept = []
    for slot in slots:
        if not within_horizon(slot.start, now, rules):
            continue
        held_start, held_end = held_interval(slot.start, slot.end, rules)
        if rules.buffer and any(overlaps(held_start, held_end, b, e) for b, e in busy):
            continue
        if not seats_free(seat_demands(slot.start, expert_tz, rules), taken):
            continue
        kept.append(slot)
    return kept
