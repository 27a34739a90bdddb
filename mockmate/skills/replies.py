"""The REST answers of the candidate's practice beyond the interview loop (skills, insights,
practice sessions, bookmarks, answer comparisons, interview previews, the photo): what the
handlers send, as models, so docs/openapi.json describes them (`server/http.py`
`model_response`)."""

from pydantic import BaseModel, ConfigDict, Field

from mockmate.domain import Difficulty, QuestionCategory
from mockmate.questions.models import WireQuestion
from mockmate.skills.insights import CategoryTrend, Recommendation
from mockmate.skills.practice_rules import Comparison
from mockmate.skills.rules import Range, SkillValue
from mockmate.wire import Reply


class _Ranged(Reply):
    range: Range
    from_: str = Field(alias="from")
    to: str


class HistoryPoint(Reply):
    period: str
    answers: int
    score: float | None
    skills: dict[str, float | None]
    criteria: dict[str, float | None]


class Skills(_Ranged):
    answers: int
    skills: list[SkillValue]
    criteria: dict[str, float | None]
    history: list[HistoryPoint]


class SkillsReply(Reply):
    skills: Skills


class Insights(_Ranged):
    categories: list[CategoryTrend]
    strongest: list[SkillValue]
    weakest: list[SkillValue]
    recommendations: list[Recommendation]


class InsightsReply(Reply):
    insights: Insights


class PracticeFocus(Reply):
    skill: str | None
    category: QuestionCategory | None
    bookmarks: bool


class PracticeStarted(Reply):
    session_id: str
    state: str
    total_questions: int
    practice: PracticeFocus
    questions: list[WireQuestion]


class StoredPracticeFocus(BaseModel):
    """What a stored practice session practised, as stored (sessions from before
    bookmark practice lack `bookmarks`)."""

    model_config = ConfigDict(extra="allow")

    skill: str | None = None
    category: QuestionCategory | None = None
    bookmarks: bool = False


class PracticeSession(Reply):
    id: str
    status: str
    practice: StoredPracticeFocus | None
    difficulty: Difficulty | None
    question_count: int | None
    answered: int | None
    overall_score: float | None
    created_at: str | None
    ended_at: str | None


class Figures(Reply):
    answers: int
    average_score: float | None


class PracticeStatistics(_Ranged):
    sessions: int
    answers: int
    average_score: float | None
    by_skill: dict[str, Figures]
    by_category: dict[str, Figures]


class PracticeHistory(Reply):
    sessions: list[PracticeSession]
    statistics: PracticeStatistics


class BookmarkView(Reply):
    id: str
    question: WireQuestion
    interview_id: str | None
    index: int | None
    note: str
    created_at: str
    attempts: int
    last_score: float | None


class BookmarkReply(Reply):
    bookmark: BookmarkView


class Bookmarks(Reply):
    bookmarks: list[BookmarkView]


class ComparisonReply(Reply):
    """What changed since the previous answer to the same question (None: the first)."""

    comparison: Comparison | None


class Preview(Reply):
    questions: list[WireQuestion]
    total: int


class Photo(Reply):
    url: str
    content_type: str
    width: int
    height: int
    bytes: int
    updated_at: str | None


class PhotoReply(Reply):
    photo: Photo
