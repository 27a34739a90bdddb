"""Wire models for the marketplace request bodies (see CONTRACT.md "Marketplace").

Why: every body a client sends to the expert and booking endpoints is validated here, once,
with bounded sizes and clear messages, so handlers and storage only ever see well-formed
values: real IANA zones, quarter-hour availability windows that never cross midnight, prices
in integer cents for exactly the session types the expert's specialties offer, and
timezone-aware booking starts. Unknown fields are refused rather than silently dropped.
"""

from datetime import date, timedelta
from itertools import pairwise
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    field_validator,
    model_validator,
)

from mockmate.bookings.rules import BookingRules
from mockmate.bookings.slots import Window, parse_hhmm

SpecialtyType = Literal[
    "behavioral", "technical", "case_study", "system_design", "product", "leadership"
]
SessionType = Literal["mock_interview", "resume_review", "career_coaching", "salary_negotiation"]
DocumentType = Literal["identity", "employment", "education"]
Readiness = Literal["not_ready", "needs_work", "almost_ready", "interview_ready"]

MAX_HOURLY_CENTS = 10_000_00
MAX_YEARS_EXPERIENCE = 60
MIN_DURATION_MIN = 30
MAX_DURATION_MIN = 180
DURATION_STEP_MIN = 15
MAX_BUFFER_MIN = 240
MAX_NOTICE_HOURS = 30 * 24
MAX_HORIZON_DAYS = 365
MAX_VACATION_DAYS = 366
# Files in the zone database that are not zones a person lives in ("localtime" is the server's).
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})

Name = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Language = Annotated[str, StringConstraints(min_length=1, max_length=50)]
FeedbackItem = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Score = Annotated[StrictInt, Field(ge=1, le=5)]
HhMm = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _unique(values: list[str]) -> list[str]:
    """`values` without repeats (case-insensitive), first spelling and order kept."""
    seen: set[str] = set()
    kept: list[str] = []
    for value in values:
        if value.casefold() not in seen:
            seen.add(value.casefold())
            kept.append(value)
    return kept


class Specialty(_Wire):
    """An interview area the expert covers and the kinds of session they offer in it."""

    type: SpecialtyType
    session_types: list[SessionType] = Field(min_length=1, max_length=4)

    @field_validator("session_types")
    @classmethod
    def _no_repeats(cls, value: list[SessionType]) -> list[SessionType]:
        if len(set(value)) != len(value):
            raise ValueError("session_types lists a session type more than once")
        return value


class Price(_Wire):
    """An hourly rate in integer cents of the application's currency."""

    hourly_cents: StrictInt = Field(gt=0, le=MAX_HOURLY_CENTS)


class WeeklyWindow(_Wire):
    """Available every `weekday` (0 = Monday) from `start` to `end`, expert-local, same day."""

    weekday: StrictInt = Field(ge=0, le=6)
    start: HhMm
    end: HhMm

    @model_validator(mode="after")
    def _ordered_quarter_hours(self) -> "WeeklyWindow":
        start, end = parse_hhmm(self.start), parse_hhmm(self.end)
        if start.minute % 15 or end.minute % 15:
            raise ValueError("window times must be on a quarter hour (:00, :15, :30 or :45)")
        if start >= end:
            raise ValueError(
                f"window {self.start}-{self.end} must start before it ends "
                "(windows cannot cross midnight; split them at 00:00)"
            )
        return self

    def to_window(self) -> Window:
        return Window.parse(self.weekday, self.start, self.end)


class Vacation(_Wire):
    """Expert-local dates `start`..`end` (inclusive) with no sessions."""

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> "Vacation":
        if self.end < self.start:
            raise ValueError(f"vacation ends ({self.end}) before it starts ({self.start})")
        if (self.end - self.start).days >= MAX_VACATION_DAYS:
            raise ValueError(f"a vacation lasts at most {MAX_VACATION_DAYS} days")
        return self


class Availability(_Wire):
    """Weekly windows plus expert-local dates with no sessions at all, and the expert's
    booking rules (`bookings.rules`): a buffer after each session, caps per day and per
    week, notice, how far ahead they take bookings, vacations, and a pause switch."""

    weekly: list[WeeklyWindow] = Field(default_factory=list, max_length=70)
    blackout_dates: list[date] = Field(default_factory=list, max_length=366)
    buffer_min: StrictInt = Field(0, ge=0, le=MAX_BUFFER_MIN, multiple_of=DURATION_STEP_MIN)
    max_per_day: StrictInt | None = Field(None, ge=1, le=24)
    max_per_week: StrictInt | None = Field(None, ge=1, le=100)
    min_notice_hours: StrictInt = Field(0, ge=0, le=MAX_NOTICE_HOURS)
    horizon_days: StrictInt | None = Field(None, ge=1, le=MAX_HORIZON_DAYS)
    vacations: list[Vacation] = Field(default_factory=list, max_length=50)
    paused: StrictBool = False

    @field_validator("blackout_dates")
    @classmethod
    def _sorted_dates(cls, value: list[date]) -> list[date]:
        return sorted(set(value))

    @model_validator(mode="after")
    def _no_overlapping_windows(self) -> "Availability":
        windows = sorted((w.to_window() for w in self.weekly), key=lambda w: (w.weekday, w.start))
        for before, after in pairwise(windows):
            if before.weekday == after.weekday and after.start < before.end:
                raise ValueError(
                    f"availability windows overlap on weekday {before.weekday}: "
                    f"{before.start:%H:%M}-{before.end:%H:%M} and "
                    f"{after.start:%H:%M}-{after.end:%H:%M}"
                )
        return self

    def windows(self) -> list[Window]:
        """The weekly windows as `slots.Window` values for `free_slots`."""
        return [w.to_window() for w in self.weekly]

    def rules(self) -> BookingRules:
        """The booking rules as values for `bookings.rules`."""
        return BookingRules(
            buffer=timedelta(minutes=self.buffer_min),
            max_per_day=self.max_per_day,
            max_per_week=self.max_per_week,
            min_notice=timedelta(hours=self.min_notice_hours),
            horizon=None if self.horizon_days is None else timedelta(days=self.horizon_days),
            vacations=tuple((v.start, v.end) for v in self.vacations),
            paused=self.paused,
        )


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; ValueError naming it when it is not one."""
    if name in _NOT_ZONES:
        raise ValueError(f"{name!r} is not an IANA time zone (e.g. 'Europe/London')")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"{name!r} is not an IANA time zone (e.g. 'Europe/London')") from None


class ExpertApplication(_Wire):
    """`POST /api/experts`: a user applies to become an expert."""

    first_name: Name
    last_name: Name
    bio: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    time_zone: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    languages: list[Language] = Field(min_length=1, max_length=20)
    current_role: Name
    current_company: Name
    years_experience: StrictInt = Field(ge=0, le=MAX_YEARS_EXPERIENCE)
    industries: list[Tag] = Field(default_factory=list, max_length=20)
    company_types: list[Tag] = Field(default_factory=list, max_length=20)
    specialties: list[Specialty] = Field(min_length=1, max_length=6)
    pricing: dict[SessionType, Price] = Field(min_length=1)
    availability: Availability = Field(default_factory=Availability)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")] = "usd"

    @field_validator("time_zone")
    @classmethod
    def _iana_zone(cls, value: str) -> str:
        zone(value)
        return value

    @field_validator("currency")
    @classmethod
    def _lower_currency(cls, value: str) -> str:
        return value.lower()

    @field_validator("languages", "industries", "company_types")
    @classmethod
    def _dedupe(cls, value: list[str]) -> list[str]:
        return _unique(value)

    @field_validator("specialties")
    @classmethod
    def _one_entry_per_specialty(cls, value: list[Specialty]) -> list[Specialty]:
        types = [s.type for s in value]
        repeated = sorted({t for t in types if types.count(t) > 1})
        if repeated:
            raise ValueError(f"specialty listed more than once: {', '.join(repeated)}")
        return value

    @model_validator(mode="after")
    def _prices_match_offers(self) -> "ExpertApplication":
        offered = {t for s in self.specialties for t in s.session_types}
        priced = set(self.pricing)
        if offered - priced:
            raise ValueError(
                "pricing needs an hourly rate for every session type your specialties offer; "
                f"missing: {', '.join(sorted(offered - priced))}"
            )
        if priced - offered:
            raise ValueError(
                "pricing sets a rate for session types no specialty offers: "
                f"{', '.join(sorted(priced - offered))}"
            )
        return self

    def offered_session_types(self) -> list[SessionType]:
        return sorted(self.pricing)


class ExpertUpdate(_Wire):
    """`PATCH /api/experts/me`: the expert changes what they offer and when.

    Names, role and company are what the documents verify, and the currency is what past
    payments were made in, so those stay as applied. The merged profile must still be a valid
    application (see `merged_into`)."""

    bio: Annotated[str, StringConstraints(min_length=1, max_length=5000)] | None = None
    time_zone: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    languages: list[Language] | None = Field(None, min_length=1, max_length=20)
    years_experience: StrictInt | None = Field(None, ge=0, le=MAX_YEARS_EXPERIENCE)
    industries: list[Tag] | None = Field(None, max_length=20)
    company_types: list[Tag] | None = Field(None, max_length=20)
    specialties: list[Specialty] | None = Field(None, min_length=1, max_length=6)
    pricing: dict[SessionType, Price] | None = Field(None, min_length=1)
    availability: Availability | None = None

    @field_validator("time_zone")
    @classmethod
    def _iana_zone(cls, value: str | None) -> str | None:
        if value is not None:
            zone(value)
        return value

    @model_validator(mode="after")
    def _changes_something(self) -> "ExpertUpdate":
        if not self.model_fields_set:
            raise ValueError(f"send at least one of: {', '.join(type(self).model_fields)}")
        unset = sorted(f for f in self.model_fields_set if getattr(self, f) is None)
        if unset:
            raise ValueError(f"{', '.join(unset)} cannot be null")
        return self

    def merged_into(self, current: dict[str, object]) -> ExpertApplication:
        """The application `current` becomes with these changes, validated as a whole (so
        that, say, new specialties come with a price for each session type they offer)."""
        fields = {name: current.get(name) for name in ExpertApplication.model_fields}
        fields.update(self.model_dump(mode="json", exclude_unset=True))
        return ExpertApplication.model_validate(fields)


class VerifyDocument(_Wire):
    """`POST /api/admin/experts/{id}/verify`: an admin's decision on one document type."""

    document_type: DocumentType
    approved: StrictBool
    notes: Annotated[str, StringConstraints(max_length=2000)] | None = None


class BookingRequest(_Wire):
    """`POST /api/bookings`: a candidate asks for one of the expert's slots."""

    expert_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    session_type: SessionType
    start: AwareDatetime
    duration_min: StrictInt = Field(
        ge=MIN_DURATION_MIN, le=MAX_DURATION_MIN, multiple_of=DURATION_STEP_MIN
    )


class CancelRequest(_Wire):
    """`POST /api/bookings/{id}/cancel`."""

    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)]


class CandidateFeedback(_Wire):
    """Feedback a candidate leaves on the expert after a session."""

    rating: Score
    preparation: Score
    communication: Score
    expertise: Score
    helpfulness: Score
    would_recommend: StrictBool
    comment: Annotated[str, StringConstraints(max_length=2000)] | None = None


class ExpertFeedback(_Wire):
    """Feedback an expert leaves on the candidate after a session."""

    strengths: list[FeedbackItem] = Field(default_factory=list, max_length=10)
    areas_to_improve: list[FeedbackItem] = Field(default_factory=list, max_length=10)
    recommendations: list[FeedbackItem] = Field(default_factory=list, max_length=10)
    readiness: Readiness
