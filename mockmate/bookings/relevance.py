"""How relevant an expert is to one searching user: a 0..100 score and a one-line reason.

Why: the expert list is ordered by what matters to *this* user (their target companies,
the specialty and industry they asked for, experts they already worked with) on top of general
quality (rating, experience, sessions completed, recent activity). Ratings are shrunk toward
a prior (a Bayesian average) so one 5.0 review does not outrank forty reviews averaging 4.8.
Factors the user gave no input for (no target companies, say) are left out of the scale instead
of counting as zero, so scores stay comparable 0..100. Everything is pure and deterministic.
"""

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

# Weights of each factor, in points out of 100 when every factor applies.
WEIGHTS: dict[str, float] = {
    "company": 20.0,
    "history": 10.0,
    "specialty": 10.0,
    "industry": 10.0,
    "rating": 25.0,
    "sessions": 10.0,
    "experience": 10.0,
    "recency": 5.0,
}
# Order reasons are shown in (personal first), also the tie-break when choosing them.
_ORDER = tuple(WEIGHTS)
PRIOR_RATING = 4.0
PRIOR_REVIEWS = 5
SESSIONS_FOR_FULL_CREDIT = 250
RECENCY_HALF_LIFE_DAYS = 30.0
_REASON_MIN_FRACTION = 0.5
_SUFFIXES = frozenset({"inc", "llc", "ltd", "corp", "corporation", "co", "gmbh", "plc", "sa"})


@dataclass(frozen=True)
class ExpertSignals:
    """What search knows about an expert (from their profile and session history)."""

    expert_id: str
    rating_avg: float = 0.0
    rating_count: int = 0
    years_experience: int = 0
    completed_sessions: int = 0
    specialties: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    current_company: str | None = None
    past_companies: tuple[str, ...] = ()
    last_session_at: datetime | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.rating_avg <= 5.0:
            raise ValueError("rating_avg must be between 0 and 5")
        if min(self.rating_count, self.years_experience, self.completed_sessions) < 0:
            raise ValueError("counts must not be negative")
        last = self.last_session_at
        if last is not None and (last.tzinfo is None or last.utcoffset() is None):
            raise ValueError("last_session_at must be a timezone-aware datetime")


@dataclass(frozen=True)
class SearchContext:
    """The searching user: what they asked for and what they aim at. `sessions_with` maps
    expert ids to sessions this user already completed with them."""

    now: datetime
    specialties: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    target_companies: tuple[str, ...] = ()
    sessions_with: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.now.tzinfo is None or self.now.utcoffset() is None:
            raise ValueError("now must be a timezone-aware datetime")


@dataclass(frozen=True)
class Relevance:
    """A score 0..100 (higher first), a short reason for the user, and each factor's points."""

    score: float
    reason: str
    factors: Mapping[str, float]


def normalize_company(name: str) -> str:
    """A company name for matching: case, punctuation and legal suffixes ignored."""
    words = re.sub(r"[^\w\s]", " ", name.casefold()).split()
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return " ".join(words)


def bayesian_rating(rating_avg: float, rating_count: int) -> float:
    """The average rating shrunk toward PRIOR_RATING as if PRIOR_REVIEWS more had it."""
    total = PRIOR_RATING * PRIOR_REVIEWS + rating_avg * rating_count
    return total / (PRIOR_REVIEWS + rating_count)


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def _first_match(wanted: Iterable[str], offered: Iterable[str]) -> str | None:
    """The first of `offered` (as the expert spelled it) that is among `wanted`, ignoring case."""
    targets = {w.strip().casefold() for w in wanted}
    return next((o for o in offered if o.strip().casefold() in targets), None)


def _company_match(expert: ExpertSignals, ctx: SearchContext) -> tuple[float, str]:
    targets = {normalize_company(c) for c in ctx.target_companies} - {""}
    if expert.current_company and normalize_company(expert.current_company) in targets:
        return 1.0, f"Works at {expert.current_company}, one of your target companies"
    for company in expert.past_companies:
        if normalize_company(company) in targets:
            return 0.8, f"Worked at {company}, one of your target companies"
    return 0.0, ""


def _fractions(expert: ExpertSignals, ctx: SearchContext) -> dict[str, tuple[float, str]]:
    """Each applicable factor's fraction 0..1 of its weight, and how to say it."""
    out: dict[str, tuple[float, str]] = {}
    if ctx.target_companies:
        out["company"] = _company_match(expert, ctx)
    if ctx.sessions_with:
        n = ctx.sessions_with.get(expert.expert_id, 0)
        plural = "s" if n != 1 else ""
        out["history"] = (
            min(1.0, 0.4 + 0.2 * n) if n > 0 else 0.0,
            f"You've had {n} session{plural} with this expert",
        )
    if ctx.specialties:
        specialty = _first_match(ctx.specialties, expert.specialties)
        label = (specialty or "").replace("_", " ")
        out["specialty"] = (1.0 if specialty else 0.0, f"Specializes in {label}")
    if ctx.industries:
        industry = _first_match(ctx.industries, expert.industries)
        out["industry"] = (1.0 if industry else 0.0, f"Experience in {industry}")
    reviews = "review" if expert.rating_count == 1 else "reviews"
    bayes = bayesian_rating(expert.rating_avg, expert.rating_count)
    out["rating"] = (
        _clamp((bayes - 2.5) / 2.5),
        f"{expert.rating_avg:.1f}★ from {expert.rating_count} {reviews}"
        if expert.rating_count
        else "",
    )
    done = expert.completed_sessions
    out["sessions"] = (
        min(1.0, math.log1p(done) / math.log1p(SESSIONS_FOR_FULL_CREDIT)),
        f"{done} session{'' if done == 1 else 's'} completed",
    )
    years = expert.years_experience
    out["experience"] = (years / (years + 8), f"{years} years of experience")
    if expert.last_session_at is None:
        out["recency"] = (0.0, "")
    else:
        elapsed = ctx.now.astimezone(UTC) - expert.last_session_at.astimezone(UTC)
        days = max(0.0, elapsed.total_seconds() / 86_400)
        when = "Active this week" if days < 7 else f"Last session {math.floor(days)} days ago"
        out["recency"] = (0.5 ** (days / RECENCY_HALF_LIFE_DAYS), when)
    return out


def score_expert(expert: ExpertSignals, ctx: SearchContext) -> Relevance:
    """How relevant `expert` is to the user in `ctx`, with the top one or two reasons."""
    fractions = _fractions(expert, ctx)
    points = {name: WEIGHTS[name] * frac for name, (frac, _) in fractions.items()}
    possible = sum(WEIGHTS[name] for name in fractions)
    score = round(100.0 * sum(points.values()) / possible, 2)
    strong = [
        name for name, (frac, text) in fractions.items() if text and frac >= _REASON_MIN_FRACTION
    ]
    top = sorted(strong, key=lambda name: (-points[name], _ORDER.index(name)))[:2]
    phrases = [fractions[name][1] for name in sorted(top, key=_ORDER.index)]
    if not phrases:
        phrases = ["New on MockMate" if expert.completed_sessions == 0 else "Available to book"]
    return Relevance(score=score, reason=" · ".join(phrases), factors=points)


def rank_experts(
    experts: Iterable[ExpertSignals], ctx: SearchContext
) -> list[tuple[ExpertSignals, Relevance]]:
    """`experts` with their relevance, most relevant first (ties: more reviews, then id)."""
    scored = [(expert, score_expert(expert, ctx)) for expert in experts]
    scored.sort(key=lambda pair: (-pair[1].score, -pair[0].rating_count, pair[0].expert_id))
    return scored
