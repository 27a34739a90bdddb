"""The `gamification:update` payload of the client contract, built from the pure results.

Why: the contract fixes its names and shape ({xp_gained, total_xp, level, level_title,
level_up, streak_days, badges_unlocked: [{slug, title, rarity}], challenges_completed: []}),
so one function builds it and the wiring cannot drift from it.
"""

from collections.abc import Sequence

from mockmate.gamification.badges import Badge, Rarity
from mockmate.gamification.challenges import Challenge
from mockmate.gamification.xp import XpResult
from mockmate.wire import Reply


class UnlockedBadge(Reply):
    slug: str
    title: str
    rarity: Rarity


class CompletedChallenge(Reply):
    id: str
    title: str
    reward_xp: int


class GamificationUpdate(Reply):
    """The payload as a model: the REST answers that carry it (a claimed challenge,
    onboarding) and the event's spec (`specs/messages.py`) name it."""

    xp_gained: int
    total_xp: int
    level: int
    level_title: str
    level_up: bool
    streak_days: int
    badges_unlocked: list[UnlockedBadge]
    challenges_completed: list[CompletedChallenge]


def gamification_update(
    result: XpResult,
    *,
    streak_days: int,
    badges_unlocked: Sequence[Badge] = (),
    challenges_completed: Sequence[Challenge] = (),
) -> dict[str, object]:
    """The event body; each completed challenge is {id, title, reward_xp}."""
    return {
        "xp_gained": result.gained,
        "total_xp": result.total_xp,
        "level": result.level_after.number,
        "level_title": result.level_after.title,
        "level_up": result.level_up,
        "streak_days": streak_days,
        "badges_unlocked": [badge.wire() for badge in badges_unlocked],
        "challenges_completed": [
            {"id": c.id, "title": c.title, "reward_xp": c.reward_xp} for c in challenges_completed
        ],
    }
