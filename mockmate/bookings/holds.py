"""Time-cell keys that make double booking impossible under a unique index.

Why: two processes can both check "is this slot free?" and both say yes. Instead, a booking
(or a payment hold) claims every 15-minute UTC cell its [start, end) covers, one row per cell
key under a unique index; the store inserts them all or none. Because bookings start and end
on the 15-minute UTC grid, two bookings of the same expert overlap exactly when their key
lists share a key, so the second insert fails with a duplicate key instead of a double booking.
"""

from datetime import UTC, datetime, timedelta

GRID_MINUTES = 15
HOLD_MINUTES = 30
MAX_CELLS = 24 * 60 // GRID_MINUTES  # a booking never spans more than a day
_GRID = timedelta(minutes=GRID_MINUTES)


def _aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime")


def is_on_grid(at: datetime) -> bool:
    """Whether `at` (aware) falls exactly on a 15-minute UTC boundary (:00, :15, :30, :45)."""
    _aware(at, "time")
    utc = at.astimezone(UTC)
    return utc.second == 0 and utc.microsecond == 0 and utc.minute % GRID_MINUTES == 0


def require_on_grid(at: datetime, what: str = "start") -> datetime:
    """`at` in UTC, or ValueError when it is naive or off the 15-minute UTC grid."""
    if not is_on_grid(at):
        raise ValueError(f"{what} must be on a {GRID_MINUTES}-minute boundary (:00, :15, :30, :45)")
    return at.astimezone(UTC)


def cell_key(expert_id: str, cell_start: datetime) -> str:
    """The key of the 15-minute cell starting at `cell_start`: "<expert_id>:2026-03-08T14:15Z"."""
    return f"{expert_id}:{cell_start.astimezone(UTC):%Y-%m-%dT%H:%M}Z"


def slot_keys(expert_id: str, start: datetime, end: datetime) -> list[str]:
    """The keys of every 15-minute UTC cell [start, end) covers, in time order. `start` and
    `end` must be aware, on the grid, and 15 minutes to a day apart."""
    if not expert_id:
        raise ValueError("expert_id must not be empty")
    first = require_on_grid(start, "start")
    last = require_on_grid(end, "end")
    cells = (last - first) // _GRID
    if not 0 < cells <= MAX_CELLS:
        raise ValueError("a booking must last between 15 minutes and 24 hours")
    return [cell_key(expert_id, first + n * _GRID) for n in range(cells)]


def hold_expires_at(created_at: datetime, hold_minutes: int = HOLD_MINUTES) -> datetime:
    """When an unpaid booking's hold on its slot lapses: `hold_minutes` real minutes after
    `created_at`, in UTC (adding minutes in a DST zone would count wall-clock minutes)."""
    _aware(created_at, "created_at")
    if hold_minutes <= 0:
        raise ValueError("hold_minutes must be positive")
    return created_at.astimezone(UTC) + timedelta(minutes=hold_minutes)
