"""Daily challenges: templates as data, generated per user per local day, advanced by events.

Why: each user gets the same three challenges all day long on every server process, without
storing a generator seed: parameters are picked from a hash of (user, day, template), and
the id `{day}:{template}` is stable, so the store can upsert them and pay a claim once
(`xp.challenge_award`). Progress counts each cause once, so a retried hook does not count an
answer twice. Yesterday's challenges expire: they can no longer be claimed.
"""

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from mockmate.domain import QUESTION_CATEGORIES, QuestionCategory
from mockmate.gamification.events import AnswerScored, GamificationEvent, Practiced

ChallengeKind = Literal["quick_practice", "category_focus", "keep_streak"]
T = TypeVar("T")


class ChallengeTemplate(BaseModel):
    """A kind of challenge and the parameters a day's challenge is picked from. `title` and
    `description` are format strings over {target}, {category} and {min_score}."""

    model_config = ConfigDict(frozen=True)

    kind: ChallengeKind
    title: str
    description: str
    targets: tuple[int, ...] = Field(min_length=1)
    base_xp: int = Field(default=0, ge=0)
    xp_per_target: int = Field(default=0, ge=0)
    categories: tuple[QuestionCategory, ...] = ()
    min_scores: tuple[float, ...] = ()


CHALLENGE_TEMPLATES: tuple[ChallengeTemplate, ...] = (
    ChallengeTemplate(
        kind="quick_practice",
        title="Quick practice",
        description="Answer {target} questions today.",
        targets=(3, 5),
        xp_per_target=10,
    ),
    ChallengeTemplate(
        kind="category_focus",
        title="Focus: {category}",
        description="Answer {target} {category} questions scoring {min_score:g} or more today.",
        targets=(2, 3),
        xp_per_target=20,
        categories=QUESTION_CATEGORIES,
        min_scores=(7.0, 8.0),
    ),
    ChallengeTemplate(
        kind="keep_streak",
        title="Keep the streak",
        description="Practice at least once today.",
        targets=(1,),
        base_xp=20,
    ),
)


class Challenge(BaseModel):
    """One user's challenge for one local day."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: ChallengeKind
    day: date
    title: str
    description: str
    target: int = Field(ge=1)
    progress: int = Field(default=0, ge=0)
    reward_xp: int = Field(ge=0)
    category: QuestionCategory | None = None
    min_score: float | None = None
    counted: tuple[str, ...] = ()  # causes already counted (at most `target` of them)
    claimed: bool = False

    @property
    def completed(self) -> bool:
        return self.progress >= self.target


class ChallengeNotClaimableError(ValueError):
    """Why a claim is refused: "not_completed", "already_claimed" or "expired"."""

    def __init__(self, reason: Literal["not_completed", "already_claimed", "expired"]):
        super().__init__(f"challenge cannot be claimed: {reason}")
        self.reason = reason


def challenge_id(day: date, kind: ChallengeKind) -> str:
    return f"{day.isoformat()}:{kind}"


def _pick(digest: bytes, slot: int, options: Sequence[T]) -> T:
    return options[digest[slot] % len(options)]


def make_challenge(template: ChallengeTemplate, user_id: str, day: date) -> Challenge:
    """The template's challenge for this user and day (the same on every call)."""
    digest = hashlib.sha256(f"{user_id}\x00{day.isoformat()}\x00{template.kind}".encode()).digest()
    target = _pick(digest, 0, template.targets)
    category = _pick(digest, 1, template.categories) if template.categories else None
    min_score = _pick(digest, 2, template.min_scores) if template.min_scores else None
    fields = {"target": target, "category": category or "", "min_score": min_score or 0.0}
    return Challenge(
        id=challenge_id(day, template.kind),
        kind=template.kind,
        day=day,
        title=template.title.format(**fields),
        description=template.description.format(**fields),
        target=target,
        reward_xp=template.base_xp + template.xp_per_target * target,
        category=category,
        min_score=min_score,
    )


def daily_challenges(
    user_id: str, day: date, templates: Iterable[ChallengeTemplate] = CHALLENGE_TEMPLATES
) -> list[Challenge]:
    """One challenge per template for the user's local `day`, deterministic per user and day."""
    return [make_challenge(template, user_id, day) for template in templates]


def _counts(challenge: Challenge, event: GamificationEvent) -> bool:
    if challenge.kind == "keep_streak":
        return isinstance(event, AnswerScored | Practiced)
    if not isinstance(event, AnswerScored):
        return False
    if challenge.kind == "quick_practice":
        return True
    return event.category == challenge.category and event.score >= (challenge.min_score or 0.0)


def progress(challenge: Challenge, event: GamificationEvent) -> Challenge:
    """The challenge after `event`: +1 when the event counts for it, happened on the
    challenge's day, and its cause was not counted yet. Complete or claimed: unchanged."""
    if (
        challenge.claimed
        or challenge.completed
        or event.day != challenge.day
        or not _counts(challenge, event)
    ):
        return challenge
    cause = event.cause
    if cause in challenge.counted:
        return challenge
    return challenge.model_copy(
        update={"progress": challenge.progress + 1, "counted": (*challenge.counted, cause)}
    )


def progress_all(
    challenges: Iterable[Challenge], event: GamificationEvent
) -> tuple[list[Challenge], list[Challenge]]:
    """(every challenge after the event, those the event just completed)."""
    updated: list[Challenge] = []
    completed: list[Challenge] = []
    for before in challenges:
        after = progress(before, event)
        updated.append(after)
        if after.completed and not before.completed:
            completed.append(after)
    return updated, completed


def expired(challenge: Challenge, now_day: date) -> bool:
    """A challenge expires when its day is over in the user's time zone."""
    return now_day > challenge.day


def claimable(challenge: Challenge, now_day: date) -> bool:
    return challenge.completed and not challenge.claimed and not expired(challenge, now_day)


def claim(challenge: Challenge, now_day: date) -> Challenge:
    """The challenge marked claimed; `ChallengeNotClaimableError` says why not."""
    if challenge.claimed:
        raise ChallengeNotClaimableError("already_claimed")
    if expired(challenge, now_day):
        raise ChallengeNotClaimableError("expired")
    if not challenge.completed:
        raise ChallengeNotClaimableError("not_completed")
    return challenge.model_copy(update={"claimed": True})
