"""Query strings and small bodies of the marketplace endpoints, validated like the bodies in
`schemas.py`.

Why models for query strings: search, slot and list endpoints take many optional parameters
with ranges (prices, ratings, years, dates, a zone); validating them in one declared place
gives the same `invalid_payload` messages as bodies instead of ad-hoc int() calls in handlers.
"""

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
    model_validator,
)

from mockmate.bookings.schemas import (
    DURATION_STEP_MIN,
    MAX_DURATION_MIN,
    MIN_DURATION_MIN,
    SessionType,
    SpecialtyType,
    zone,
)
from mockmate.bookings.status import BookingStatus

MAX_PER_PAGE = 50
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class _Query(BaseModel):
    """Query strings: unknown parameters (cache busters, tracking) are ignored."""

    model_config = ConfigDict(extra="ignore")


class _Body(BaseModel):
    """Bodies: unknown fields are refused, as in `schemas.py`."""

    model_config = ConfigDict(extra="forbid")


class SearchQuery(_Query):
    """`GET /api/experts`: filters, then relevance order, then the page."""

    q: Text | None = None  # free text: every word must appear in the expert's public profile
    specialty: SpecialtyType | None = None
    industry: Text | None = None
    session_type: SessionType | None = None
    language: Text | None = None
    min_rating: float | None = Field(None, ge=0, le=5)
    min_price_cents: int | None = Field(None, ge=0)
    max_price_cents: int | None = Field(None, ge=0)
    min_experience: int | None = Field(None, ge=0, le=100)
    max_experience: int | None = Field(None, ge=0, le=100)
    page: int = Field(1, ge=1, le=10_000)
    per_page: int = Field(20, ge=1, le=MAX_PER_PAGE)

    @model_validator(mode="after")
    def _ranges(self) -> "SearchQuery":
        for low, high, name in (
            (self.min_price_cents, self.max_price_cents, "price_cents"),
            (self.min_experience, self.max_experience, "experience"),
        ):
            if low is not None and high is not None and low > high:
                raise ValueError(f"min_{name} must not exceed max_{name}")
        return self


class SlotsQuery(_Query):
    """`GET /api/experts/{id}/slots`: caller-local dates `from`..`to` in `tz`."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    date_from: date | None = Field(None, alias="from")
    date_to: date | None = Field(None, alias="to")
    tz: Annotated[str, StringConstraints(max_length=64)] | None = None
    session_type: SessionType | None = None
    duration_min: int = Field(
        60, ge=MIN_DURATION_MIN, le=MAX_DURATION_MIN, multiple_of=DURATION_STEP_MIN
    )

    @field_validator("tz")
    @classmethod
    def _iana(cls, value: str | None) -> str | None:
        if value:
            zone(value)
        return value or None


class BookingListQuery(_Query):
    role: Literal["candidate", "expert"] | None = None
    status: BookingStatus | None = None
    page: int = Field(1, ge=1, le=10_000)
    per_page: int = Field(20, ge=1, le=MAX_PER_PAGE)


class ReviewQuery(_Query):
    """`GET /api/admin/experts`: applications to review."""

    status: Literal["pending", "active"] = "pending"
    page: int = Field(1, ge=1, le=10_000)
    per_page: int = Field(20, ge=1, le=MAX_PER_PAGE)


class TestPayment(_Body):
    """`POST /api/bookings/{id}/test-payment`: the customer pays (or fails to), test mode."""

    __test__ = False  # not a pytest test class
    succeed: StrictBool = True


class NoShowRequest(_Body):
    """`POST /api/bookings/{id}/no-show`: the caller reports that the other party was absent."""

    note: Annotated[str, StringConstraints(max_length=500)] | None = None


class RescheduleRequest(_Body):
    """`POST /api/bookings/{id}/reschedule`: the new start (any offset; same duration)."""

    start: AwareDatetime
