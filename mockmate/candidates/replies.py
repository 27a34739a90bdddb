"""The REST answers of `/api/me` (profile, statistics, gamification, challenges, goals,
benchmarks, learning path, export, deletion): what the handlers send, as models, so
docs/openapi.json describes them (`server/http.py` `model_response`)."""

from typing import Literal

from pydantic import Field

from mockmate.candidates.learning_path import Step
from mockmate.domain import Difficulty, QuestionCategory
from mockmate.gamification.badges import BadgeCategory, Rarity
from mockmate.gamification.challenges import ChallengeKind
from mockmate.gamification.goals import GoalKind, GoalStatus
from mockmate.gamification.updates import GamificationUpdate
from mockmate.profiles.models import Profile
from mockmate.wire import Reply


class ProfileView(Profile):
    """The stored profile, and whether onboarding is done."""

    onboarding_completed: bool
    onboarding_completed_at: str | None


class ProfileReply(Reply):
    profile: ProfileView


class CategoryFigures(Reply):
    answered: int
    average_score: float | None


class WeeklyMinutes(Reply):
    week: str
    minutes: float


class WeeklyScore(Reply):
    week: str
    average_score: float | None


class PeriodStatistics(Reply):
    """`?range=`: the same figures over a week, month, quarter or year."""

    range: str
    from_: str = Field(alias="from")
    to: str
    interviews: int
    questions_answered: int
    average_score: float | None
    best_answer_score: float | None
    category_scores: dict[str, float | None]


class Statistics(Reply):
    total_interviews: int
    completed_interviews: int
    questions_answered: int
    practice_minutes: float
    average_session_minutes: float | None
    average_score: float | None
    best_score: float | None
    improvement_rate: float | None
    current_streak: int
    longest_streak: int
    questions_by_category: dict[QuestionCategory, CategoryFigures]
    questions_by_difficulty: dict[Difficulty, int]
    strongest_category: str | None
    weakest_category: str | None
    weekly_practice: list[WeeklyMinutes]
    weekly_scores: list[WeeklyScore]
    percentile: float | None
    in_range: PeriodStatistics | None = None


class StatisticsReply(Reply):
    statistics: Statistics


class MetricStanding(Reply):
    """The candidate's average on one metric among their group's (the figures beyond
    `score` once the group is large enough)."""

    score: float
    enough_data: bool
    percentile: float | None = None
    top_quartile: float | None = None
    gap_to_top_quartile: float | None = None


class BenchmarkGroup(Reply):
    target_role: str | None
    experience_band: str
    years_experience: int | None


class Benchmarks(Reply):
    """How the candidate compares with others of the same target role and experience
    (docs/candidate.md). Without enough of them (or of the candidate's own answers) only
    `enough_data: false`, `min_group`, `message` and `group`."""

    enough_data: bool
    min_group: int
    group: BenchmarkGroup
    message: str | None = None
    group_size: int | None = None
    overall: MetricStanding | None = None
    categories: dict[str, MetricStanding] | None = None
    criteria: dict[str, MetricStanding] | None = None


class BenchmarksReply(Reply):
    benchmarks: Benchmarks


class StepProgress(Reply):
    done: int
    needed: int
    average: float | None
    fraction: float


class PathStep(Step):
    status: Literal["completed", "current", "upcoming"]
    progress: StepProgress


class LearningPath(Reply):
    target_role: str | None
    minutes_per_week: int
    created_at: str
    steps: list[PathStep]
    completed: bool


class LearningPathReply(Reply):
    learning_path: LearningPath


class Streak(Reply):
    current: int
    longest: int
    freezes: int
    last_practice_day: str | None


class BadgeView(Reply):
    slug: str
    title: str
    description: str
    icon: str
    category: BadgeCategory
    rarity: Rarity
    xp: int


class EarnedBadge(BadgeView):
    earned_at: str


class CatalogBadge(BadgeView):
    earned: bool
    progress: float


class ChallengeView(Reply):
    id: str
    kind: ChallengeKind
    day: str
    title: str
    description: str
    target: int
    progress: int
    reward_xp: int
    completed: bool
    claimed: bool
    expired: bool


class Gamification(Reply):
    """`GET /api/me/gamification`: XP, level, streak, badges and today's challenges."""

    xp: int
    level: int
    level_title: str
    level_progress: float
    next_level_xp: int | None
    streak: Streak
    badges: list[EarnedBadge]
    badge_catalog: list[CatalogBadge]
    challenges: list[ChallengeView]


class ChallengeClaimed(Reply):
    challenge: ChallengeView
    gamification: GamificationUpdate | None


class OnboardingCompleted(Reply):
    onboarding_completed: bool
    onboarding_completed_at: str | None
    xp_gained: int
    gamification: GamificationUpdate | None


class GoalView(Reply):
    id: str
    kind: GoalKind
    title: str
    target: float
    progress: float
    fraction: float
    start_day: str
    deadline: str
    category: QuestionCategory | None
    min_score: float | None
    achieved_on: str | None
    status: GoalStatus
    paused: bool


class GoalReply(Reply):
    goal: GoalView


class Goals(Reply):
    goals: list[GoalView]


class AccountDeleted(Reply):
    deleted: bool
    id: str
