"""The ten levels and their cumulative XP thresholds, as data.

Why a module of its own: the level table is read by XP awarding (level-up bonuses), by the
`gamification:update` payload and by the REST profile, and must be the same table everywhere.
"""

from pydantic import BaseModel, ConfigDict, Field


class Level(BaseModel):
    """One level: reached at `min_xp` total XP; `next_min_xp` is None at the top level."""

    model_config = ConfigDict(frozen=True)

    number: int = Field(ge=1)
    title: str
    min_xp: int = Field(ge=0)
    next_min_xp: int | None = None

    def progress(self, total_xp: int) -> float:
        """Fraction (0..1) of the way from this level to the next; 1.0 at the top level."""
        if self.next_min_xp is None:
            return 1.0
        span = self.next_min_xp - self.min_xp
        return min(1.0, max(0.0, (total_xp - self.min_xp) / span))


_TABLE: tuple[tuple[int, str], ...] = (
    (0, "Newcomer"),
    (100, "Learner"),
    (300, "Practitioner"),
    (600, "Improver"),
    (1000, "Dedicated"),
    (1500, "Skilled"),
    (2200, "Expert"),
    (3000, "Master"),
    (4000, "Veteran"),
    (5500, "Interview Guru"),
)

LEVELS: tuple[Level, ...] = tuple(
    Level(
        number=i + 1,
        title=title,
        min_xp=min_xp,
        next_min_xp=_TABLE[i + 1][0] if i + 1 < len(_TABLE) else None,
    )
    for i, (min_xp, title) in enumerate(_TABLE)
)
MAX_LEVEL = len(LEVELS)
LEVEL_UP_BONUS_PER_LEVEL = 25


def level_for(total_xp: int) -> Level:
    """The level a total of XP gives. Negative totals (never stored) count as 0."""
    reached = LEVELS[0]
    for level in LEVELS:
        if total_xp >= level.min_xp:
            reached = level
        else:
            break
    return reached


def level_by_number(number: int) -> Level:
    """The level numbered `number` (1..MAX_LEVEL)."""
    if not 1 <= number <= MAX_LEVEL:
        raise ValueError(f"no level {number}: levels are 1..{MAX_LEVEL}")
    return LEVELS[number - 1]


def level_up_bonus(new_level: int) -> int:
    """XP paid for reaching `new_level` (2..MAX_LEVEL): 25 * the new level."""
    if not 2 <= new_level <= MAX_LEVEL:
        raise ValueError(f"no level-up to level {new_level}: levels are reached 2..{MAX_LEVEL}")
    return LEVEL_UP_BONUS_PER_LEVEL * new_level


def levels_crossed(xp_before: int, xp_after: int) -> tuple[Level, ...]:
    """The levels reached when total XP moves from `xp_before` to `xp_after`, lowest first."""
    return tuple(level for level in LEVELS if xp_before < level.min_xp <= xp_after)
