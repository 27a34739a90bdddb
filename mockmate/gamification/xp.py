"""XP sources and amounts as data, the awards each event earns, and applying them to a total.

Why: every XP change is an `Award` keyed by its cause (the answer, the interview, the day, the
badge...). The store keeps one row per (user, cause_key) under a unique index, so a retried
hook, a duplicated job or two processes handling the same answer award each cause once; only
the awards the store actually inserted are then passed to `apply_awards`.
"""

from collections.abc import Iterable
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mockmate.gamification.levels import Level, level_for, level_up_bonus

XpSource = Literal[
    "answer_submitted",
    "answer_high_score",
    "first_practice_of_day",
    "interview_completed",
    "interview_high_average",
    "streak_milestone",
    "challenge",
    "badge",
    "level_up",
    "onboarding",
]


class XpRule(BaseModel):
    """A fixed-amount XP source (challenges, badges and level-ups carry their own amounts)."""

    model_config = ConfigDict(frozen=True)

    source: XpSource
    xp: int = Field(ge=0)
    description: str


XP_RULES: tuple[XpRule, ...] = (
    XpRule(source="answer_submitted", xp=5, description="Answer submitted"),
    XpRule(source="answer_high_score", xp=10, description="Answer scored 8 or more"),
    XpRule(source="first_practice_of_day", xp=15, description="First practice of the day"),
    XpRule(source="interview_completed", xp=50, description="Interview completed"),
    XpRule(source="interview_high_average", xp=100, description="Interview average of 9 or more"),
    XpRule(source="streak_milestone", xp=75, description="Seven more days of streak"),
)
XP_BY_SOURCE: dict[XpSource, int] = {rule.source: rule.xp for rule in XP_RULES}

HIGH_ANSWER_SCORE = 8.0
HIGH_INTERVIEW_AVERAGE = 9.0


class Award(BaseModel):
    """XP earned once per cause: `cause_key` is unique per user in the store."""

    model_config = ConfigDict(frozen=True)

    cause_key: str = Field(min_length=1)
    source: XpSource
    xp: int = Field(ge=0)


def _rule(cause_key: str, source: XpSource) -> Award:
    return Award(cause_key=cause_key, source=source, xp=XP_BY_SOURCE[source])


def answer_awards(
    answer_id: str, score: float, *, local_day: date, first_of_day: bool
) -> list[Award]:
    """Awards for an evaluated answer: 5 for submitting, +10 at a score ≥ 8, and +15 when it
    is the first practice of the user's local day. The day award is keyed by the day, not the
    answer, so two answers that both believe they are first still pay it once."""
    awards = [_rule(f"answer:{answer_id}:submitted", "answer_submitted")]
    if score >= HIGH_ANSWER_SCORE:
        awards.append(_rule(f"answer:{answer_id}:high_score", "answer_high_score"))
    if first_of_day:
        awards.append(_rule(f"day:{local_day.isoformat()}:first_practice", "first_practice_of_day"))
    return awards


def interview_awards(interview_id: str, average: float | None, *, answered: int) -> list[Award]:
    """Awards for a completed interview: 50, and +100 at an average ≥ 9. An interview with no
    answered question earns nothing (starting and ending empty interviews must not farm XP)."""
    if answered <= 0:
        return []
    awards = [_rule(f"interview:{interview_id}:completed", "interview_completed")]
    if average is not None and average >= HIGH_INTERVIEW_AVERAGE:
        awards.append(_rule(f"interview:{interview_id}:high_average", "interview_high_average"))
    return awards


def streak_awards(day: date, milestones: Iterable[int]) -> list[Award]:
    """75 per streak milestone (7, 14, 21... days) reached on `day`. Keyed by the day and the
    length, so a new streak reaching 7 days again later pays again, a retry does not."""
    return [
        _rule(f"streak:{day.isoformat()}:{length}", "streak_milestone") for length in milestones
    ]


def challenge_award(challenge_id: str, reward_xp: int) -> Award:
    """A claimed daily challenge's reward (challenge ids already hold their day)."""
    return Award(cause_key=f"challenge:{challenge_id}", source="challenge", xp=reward_xp)


def badge_award(slug: str, reward_xp: int) -> Award:
    """A badge's reward: each badge is earned once ever."""
    return Award(cause_key=f"badge:{slug}", source="badge", xp=reward_xp)


def level_up_award(new_level: int) -> Award:
    """The bonus for reaching `new_level`: levels never go down, so it is paid once ever."""
    return Award(cause_key=f"level:{new_level}", source="level_up", xp=level_up_bonus(new_level))


class XpResult(BaseModel):
    """A total after a batch of awards, with the level-up bonuses the batch triggered."""

    model_config = ConfigDict(frozen=True)

    total_xp: int
    gained: int
    level_before: Level
    level_after: Level
    level_up: bool
    awards: tuple[Award, ...]
    bonus_awards: tuple[Award, ...]


def unique_awards(awards: Iterable[Award]) -> tuple[Award, ...]:
    """The awards with each cause key kept once (the first one)."""
    seen: dict[str, Award] = {}
    for award in awards:
        seen.setdefault(award.cause_key, award)
    return tuple(seen.values())


def apply_awards(total_xp: int, awards: Iterable[Award]) -> XpResult:
    """Adds the awards (each cause once) to `total_xp`, then pays 25 * n for every level n
    crossed. Bonuses count towards the total, so they may cross a further level, which pays
    its own bonus too. Bonus awards are keyed `level:{n}` and returned for storing."""
    if total_xp < 0:
        raise ValueError("total XP is never negative")
    batch = unique_awards(awards)
    keys = {award.cause_key for award in batch}
    level_before = level_for(total_xp)
    total = total_xp + sum(award.xp for award in batch)
    reached = level_before.number
    bonuses: list[Award] = []
    while (now := level_for(total).number) > reached:
        for number in range(reached + 1, now + 1):
            bonus = level_up_award(number)
            if bonus.cause_key not in keys:
                bonuses.append(bonus)
                total += bonus.xp
        reached = now
    level_after = level_for(total)
    return XpResult(
        total_xp=total,
        gained=total - total_xp,
        level_before=level_before,
        level_after=level_after,
        level_up=level_after.number > level_before.number,
        awards=batch,
        bonus_awards=tuple(bonuses),
    )
