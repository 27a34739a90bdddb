"""The badge catalog, as data: each badge's criterion is a threshold on one progress counter.

Why thresholds instead of code: the catalog is shown to clients (with progress towards each
badge), stored badges are referenced by slug, and a new badge is one more row. The counters
come from the user's statistics (`ProgressSnapshot`); which badges are new is a pure function
of the snapshot and the slugs already held. Each badge is earned once, ever.
"""

from collections.abc import Set
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BadgeCategory = Literal["milestone", "streak", "performance", "dedication"]
Rarity = Literal["common", "rare", "epic", "legendary"]
RARITIES: tuple[Rarity, ...] = ("common", "rare", "epic", "legendary")

Metric = Literal[
    "interviews_completed",
    "longest_streak",
    "best_answer_score",
    "best_interview_average",
    "behavioral_answers_scored_9_plus",
    "interviews_averaging_8_plus",
    "practice_seconds_today",
]


class ProgressSnapshot(BaseModel):
    """The counters badge criteria read. Unknown scores are None (nothing scored yet)."""

    model_config = ConfigDict(frozen=True)

    interviews_completed: int = Field(default=0, ge=0)
    current_streak: int = Field(default=0, ge=0)
    longest_streak: int = Field(default=0, ge=0)
    best_answer_score: float | None = None
    last_interview_average: float | None = None
    best_interview_average: float | None = None
    behavioral_answers_scored_9_plus: int = Field(default=0, ge=0)
    interviews_averaging_8_plus: int = Field(default=0, ge=0)
    practice_seconds_today: float = Field(default=0.0, ge=0)

    def value(self, metric: Metric) -> float | None:
        """A metric's value. The longest streak is at least the current one, and the best
        interview average at least the last one, whichever the caller filled in."""
        if metric == "longest_streak":
            return max(self.longest_streak, self.current_streak)
        if metric == "best_interview_average":
            averages = (self.best_interview_average, self.last_interview_average)
            known = [a for a in averages if a is not None]
            return max(known) if known else None
        value: float | None = getattr(self, metric)
        return value


class Criterion(BaseModel):
    """Met when the snapshot's `metric` is at least `at_least`."""

    model_config = ConfigDict(frozen=True)

    metric: Metric
    at_least: float = Field(gt=0)

    def met(self, snapshot: ProgressSnapshot) -> bool:
        value = snapshot.value(self.metric)
        return value is not None and value >= self.at_least

    def progress(self, snapshot: ProgressSnapshot) -> float:
        """Fraction (0..1) of the way to the threshold."""
        value = snapshot.value(self.metric)
        if value is None:
            return 0.0
        return min(1.0, max(0.0, value / self.at_least))


class Badge(BaseModel):
    model_config = ConfigDict(frozen=True)

    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str
    description: str
    icon: str
    category: BadgeCategory
    rarity: Rarity
    xp: int = Field(ge=0)
    criterion: Criterion

    def earned_by(self, snapshot: ProgressSnapshot) -> bool:
        return self.criterion.met(snapshot)

    def wire(self) -> dict[str, str]:
        """The `badges_unlocked` item of `gamification:update`: {slug, title, rarity}."""
        return {"slug": self.slug, "title": self.title, "rarity": self.rarity}


def _badge(
    slug: str,
    title: str,
    description: str,
    icon: str,
    category: BadgeCategory,
    rarity: Rarity,
    xp: int,
    metric: Metric,
    at_least: float,
) -> Badge:
    return Badge(
        slug=slug,
        title=title,
        description=description,
        icon=icon,
        category=category,
        rarity=rarity,
        xp=xp,
        criterion=Criterion(metric=metric, at_least=at_least),
    )


TWO_HOURS_S = 2 * 60 * 60

BADGES: tuple[Badge, ...] = (
    _badge("first-interview", "First Steps", "Complete your first interview.", "🎯",
           "milestone", "common", 25, "interviews_completed", 1),
    _badge("ten-interviews", "Getting Serious", "Complete 10 interviews.", "📈",
           "milestone", "rare", 100, "interviews_completed", 10),
    _badge("fifty-interviews", "Interview Machine", "Complete 50 interviews.", "🏭",
           "milestone", "epic", 250, "interviews_completed", 50),
    _badge("streak-3", "On a Roll", "Practice 3 days in a row.", "🔥",
           "streak", "common", 25, "longest_streak", 3),
    _badge("streak-7", "Week Warrior", "Practice 7 days in a row.", "📅",
           "streak", "rare", 75, "longest_streak", 7),
    _badge("streak-30", "Unstoppable", "Practice 30 days in a row.", "🏆",
           "streak", "legendary", 300, "longest_streak", 30),
    _badge("perfect-answer", "Perfect 10", "Get a perfect 10 on an answer.", "💯",
           "performance", "rare", 100, "best_answer_score", 10),
    _badge("stellar-interview", "Stellar Performance", "Finish an interview averaging 9 or more.",
           "🌟", "performance", "epic", 150, "best_interview_average", 9),
    _badge("master-storyteller", "Master Storyteller",
           "Score 9 or more on 10 behavioral answers.", "📖",
           "performance", "epic", 150, "behavioral_answers_scored_9_plus", 10),
    _badge("consistent-performer", "Consistent Performer",
           "Finish 3 interviews averaging 8 or more.", "🎖️",
           "performance", "rare", 100, "interviews_averaging_8_plus", 3),
    _badge("marathon", "Marathon Session", "Practice for 2 hours in one day.", "⏱️",
           "dedication", "rare", 100, "practice_seconds_today", TWO_HOURS_S),
)
BADGES_BY_SLUG: dict[str, Badge] = {badge.slug: badge for badge in BADGES}


def badge(slug: str) -> Badge:
    """The catalog's badge `slug` (KeyError for an unknown one)."""
    return BADGES_BY_SLUG[slug]


def newly_earned(snapshot: ProgressSnapshot, already: Set[str]) -> list[Badge]:
    """The badges the snapshot earns that are not among `already` (slugs), in catalog order."""
    return [b for b in BADGES if b.slug not in already and b.earned_by(snapshot)]
