"""The candidate profile, and how `PATCH /api/me/profile` validates and merges edits.

Why pure: the client shows each validation message next to its own input, so a bad PATCH
must answer `{field_path: message}` for every bad field at once, in words a user can act on
(not pydantic's). And a PATCH must change only what it names, down to single flags inside
`notifications` and `consent`, so a settings screen that sends one toggle cannot reset the
others. Both rules are plain functions of (profile, patch, now); the store only loads and
saves. Lists are deduplicated case-insensitively (first spelling wins) before their size
limits are checked, so "Fintech, fintech" counts once.
"""

import re
from datetime import datetime
from functools import cache
from itertools import pairwise
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from mockmate.domain import Difficulty, InterviewType
from mockmate.errors import InvalidPayload, MockMateError

Visibility = Literal["public", "peers_only", "private"]
SubscriptionTier = Literal["free", "pro", "premium"]

MAX_DISPLAY_NAME = 80
MAX_INDUSTRIES = 3
MAX_TARGET_ROLES = 5
MAX_TARGET_COMPANIES = 10
MAX_TIME_SLOTS = 21
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Fields a client sees in GET but may never send in PATCH.
READ_ONLY_FIELDS = frozenset({"subscription_tier", "created_at", "updated_at"})
# PATCH fields where an explicit null means "clear it"; null is refused everywhere else.
NULLABLE_FIELDS = frozenset({"years_experience", "salary_range"})

S = TypeVar("S", bound=str)
T = TypeVar("T")


def _dedupe(items: list[S]) -> list[S]:
    """`items` without case-insensitive repeats, keeping the first spelling and the order."""
    seen: set[str] = set()
    kept: list[S] = []
    for item in items:
        key = item.casefold()
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def _at_most(limit: int) -> AfterValidator:
    """A list size limit checked after deduplication, with the user-facing message."""

    def check(items: list[T]) -> list[T]:
        if len(items) > limit:
            raise ValueError(f"at most {limit} items")
        return items

    return AfterValidator(check)


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones() | {"UTC"})


def _time_zone(name: str) -> str:
    if name not in _known_zones():
        raise ValueError(f"unknown time zone {name!r}")
    return name


def _clock_time(value: str) -> str:
    """'9:05' or '09:05' → '09:05' (so slots compare as strings); 00:00..23:59 only."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError("must be a time of day as HH:MM (00:00 to 23:59)")
    return f"{int(match[1]):02d}:{match[2]}"


def _currency(value: str) -> str:
    code = value.upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError("must be a 3-letter ISO 4217 currency code such as USD")
    return code


def _text(max_length: int, min_length: int = 0) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


DisplayName = Annotated[str, _text(MAX_DISPLAY_NAME, 1)]
Bio = Annotated[str, _text(2000)]
Pronouns = Annotated[str, _text(40)]
CurrentRole = Annotated[str, _text(120)]
TimeZoneName = Annotated[str, _text(64, 1), AfterValidator(_time_zone)]
ClockTime = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_clock_time)]
Currency = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_currency)]
YearsExperience = Annotated[int, Field(ge=0, le=60)]
SessionLength = Annotated[int, Field(ge=10, le=120)]
Item80 = Annotated[str, _text(80, 1)]
Item120 = Annotated[str, _text(120, 1)]
Industries = Annotated[list[Item80], AfterValidator(_dedupe), _at_most(MAX_INDUSTRIES)]
TargetRoles = Annotated[list[Item120], AfterValidator(_dedupe), _at_most(MAX_TARGET_ROLES)]
TargetCompanies = Annotated[list[Item120], AfterValidator(_dedupe), _at_most(MAX_TARGET_COMPANIES)]
InterviewTypes = Annotated[list[InterviewType], AfterValidator(_dedupe)]


class SalaryRange(BaseModel):
    """Expected pay in integer cents. Replaced whole by PATCH: its parts only mean something
    together (a new minimum is checked against the maximum sent with it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_cents: int = Field(ge=0, le=10**13)
    max_cents: int = Field(ge=0, le=10**13)
    currency: Currency

    @model_validator(mode="after")
    def _ordered(self) -> "SalaryRange":
        if self.min_cents > self.max_cents:
            raise ValueError("min_cents must not exceed max_cents")
        return self


class TimeSlot(BaseModel):
    """A weekly window the candidate can practice in, in their own time zone."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    weekday: int = Field(ge=0, le=6)  # 0 = Monday … 6 = Sunday
    start: ClockTime
    end: ClockTime

    @model_validator(mode="after")
    def _ordered(self) -> "TimeSlot":
        if self.start >= self.end:
            raise ValueError("end must be after start")
        return self


def _no_overlaps(slots: list[TimeSlot]) -> list[TimeSlot]:
    ordered = sorted(slots, key=lambda s: (s.weekday, s.start))
    for before, after in pairwise(ordered):
        if before.weekday == after.weekday and after.start < before.end:
            raise ValueError(
                f"slots overlap on {WEEKDAYS[before.weekday]} "
                f"({before.start}-{before.end} and {after.start}-{after.end})"
            )
    return slots


TimeSlots = Annotated[list[TimeSlot], _at_most(MAX_TIME_SLOTS), AfterValidator(_no_overlaps)]


class Notifications(BaseModel):
    model_config = ConfigDict(frozen=True)

    email: bool = True
    push: bool = False
    streak_reminders: bool = True
    weekly_summary: bool = True


class Consent(BaseModel):
    """What the candidate allows; nothing until they opt in."""

    model_config = ConfigDict(frozen=True)

    recordings: bool = False
    analytics: bool = False
    marketing: bool = False


class Profile(BaseModel):
    """The stored profile, returned as is by `GET /api/me/profile`."""

    model_config = ConfigDict(frozen=True)

    display_name: DisplayName
    bio: Bio = ""
    pronouns: Pronouns = ""
    time_zone: TimeZoneName = "UTC"
    current_role: CurrentRole = ""
    years_experience: YearsExperience | None = None
    industries: Industries = Field(default_factory=list)
    target_roles: TargetRoles = Field(default_factory=list)
    target_companies: TargetCompanies = Field(default_factory=list)
    salary_range: SalaryRange | None = None
    preferred_interview_types: InterviewTypes = Field(default_factory=list)
    difficulty_preference: Difficulty = "mid"
    session_length_min: SessionLength = 30
    available_time_slots: TimeSlots = Field(default_factory=list)
    visibility: Visibility = "private"
    notifications: Notifications = Field(default_factory=Notifications)
    consent: Consent = Field(default_factory=Consent)
    subscription_tier: SubscriptionTier = "free"
    created_at: AwareDatetime
    updated_at: AwareDatetime

    @classmethod
    def new(cls, display_name: str, now: datetime) -> "Profile":
        """A new user's profile. Registration allows longer names than profiles do, so the
        name is cut to fit; a blank one becomes "Candidate"."""
        name = display_name.strip()[:MAX_DISPLAY_NAME].strip() or "Candidate"
        return cls(display_name=name, created_at=now, updated_at=now)

    def wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class _NullGuard(BaseModel):
    """Refuses an explicit null where null would mean nothing (unset fields stay None)."""

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: object, info: ValidationInfo) -> object:
        if value is None and info.field_name not in NULLABLE_FIELDS:
            raise ValueError("must not be null")
        return value


class NotificationsPatch(_NullGuard):
    model_config = ConfigDict(extra="forbid")

    email: bool | None = None
    push: bool | None = None
    streak_reminders: bool | None = None
    weekly_summary: bool | None = None


class ConsentPatch(_NullGuard):
    model_config = ConfigDict(extra="forbid")

    recordings: bool | None = None
    analytics: bool | None = None
    marketing: bool | None = None


class ProfilePatch(_NullGuard):
    """A PATCH body: every user-editable field, all optional. Only the fields present in the
    body (`model_fields_set`) change anything; null clears `years_experience` and
    `salary_range` and is refused elsewhere."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    display_name: DisplayName | None = None
    bio: Bio | None = None
    pronouns: Pronouns | None = None
    time_zone: TimeZoneName | None = None
    current_role: CurrentRole | None = None
    years_experience: YearsExperience | None = None
    industries: Industries | None = None
    target_roles: TargetRoles | None = None
    target_companies: TargetCompanies | None = None
    salary_range: SalaryRange | None = None
    preferred_interview_types: InterviewTypes | None = None
    difficulty_preference: Difficulty | None = None
    session_length_min: SessionLength | None = None
    available_time_slots: TimeSlots | None = None
    visibility: Visibility | None = None
    notifications: NotificationsPatch | None = None
    consent: ConsentPatch | None = None


class ProfileValidationError(ValueError):
    """A PATCH was refused; `errors` maps each bad field path to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors

    def as_mockmate_error(self) -> MockMateError:
        """The `invalid_payload` error for the wire, shaped like `errors.invalid_payload`."""
        fields = [{"field": field, "message": msg} for field, msg in self.errors.items()]
        return InvalidPayload(str(self), fields=fields)


_MESSAGES: dict[str, str] = {
    "string_too_long": "at most {max_length} characters",
    "string_too_short": "at least {min_length} characters",
    "too_long": "at most {max_length} items",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "literal_error": "must be one of {expected}",
    **dict.fromkeys(("int_type", "int_parsing", "int_from_float"), "must be a whole number"),
    **dict.fromkeys(("bool_type", "bool_parsing"), "must be true or false"),
    **dict.fromkeys(("model_type", "dict_type", "model_attributes_type"), "must be an object"),
    "string_type": "must be text",
    "list_type": "must be a list",
    "missing": "is required",
}


def _message(error: ErrorDetails) -> str:
    kind, ctx, loc = error["type"], error.get("ctx", {}), error["loc"]
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "extra_forbidden":
        return "is read-only" if len(loc) == 1 and loc[0] in READ_ONLY_FIELDS else "unknown field"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    template = _MESSAGES.get(kind)
    return template.format(**ctx) if template else error["msg"]


def field_errors(exc: ValidationError) -> dict[str, str]:
    """`{field_path: message}` for a pydantic error; paths join `loc` with "." (list items by
    index, e.g. "available_time_slots.2.end"), "payload" for the body itself. The first
    problem found for a path is the one reported."""
    errors: dict[str, str] = {}
    for error in exc.errors(include_url=False, include_input=False):
        path = ".".join(str(part) for part in error["loc"]) or "payload"
        errors.setdefault(path, _message(error))
    return errors


def parse_patch(raw: object) -> ProfilePatch:
    """The PATCH body `raw` (decoded JSON) as a `ProfilePatch`, or `ProfileValidationError`
    naming every bad field. Types are strict: "5" is not a number and "yes" is not true."""
    try:
        return ProfilePatch.model_validate(raw, strict=True)
    except ValidationError as exc:
        raise ProfileValidationError(field_errors(exc)) from None


def patch_errors(raw: object) -> dict[str, str]:
    """What `parse_patch` would refuse, as `{field_path: message}` ({} when `raw` is valid)."""
    try:
        parse_patch(raw)
    except ProfileValidationError as exc:
        return exc.errors
    return {}


def apply_patch(profile: Profile, patch: ProfilePatch, now: datetime) -> Profile:
    """`profile` with the fields `patch` sets. `notifications` and `consent` change only the
    flags given; lists and `salary_range` are replaced whole. `updated_at` becomes `now` only
    when some value actually changed: a PATCH repeating current values is a no-op."""
    changes: dict[str, Any] = {}
    for name in patch.model_fields_set:
        value: Any = getattr(patch, name)
        if isinstance(value, NotificationsPatch | ConsentPatch):
            flags = {flag: getattr(value, flag) for flag in value.model_fields_set}
            value = getattr(profile, name).model_copy(update=flags)
        if getattr(profile, name) != value:
            changes[name] = value
    if not changes:
        return profile
    return profile.model_copy(update={**changes, "updated_at": now})
