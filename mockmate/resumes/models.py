"""The structured resume: what the parser extracts and what the candidate may correct."""

from pydantic import BaseModel, ConfigDict, Field

_SHORT = 300
_LONG = 5000


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Contact(_Part):
    email: str = Field("", max_length=_SHORT)
    phone: str = Field("", max_length=60)
    location: str = Field("", max_length=_SHORT)
    links: list[str] = Field(default_factory=list, max_length=20)


class Experience(_Part):
    company: str = Field("", max_length=_SHORT)
    title: str = Field("", max_length=_SHORT)
    start: str = Field("", max_length=40)  # as written: "Jan 2020", "2019-03", "2018"
    end: str = Field("", max_length=40)  # "" or "Present" for a current job
    bullets: list[str] = Field(default_factory=list, max_length=50)


class Project(_Part):
    name: str = Field("", max_length=_SHORT)
    technologies: list[str] = Field(default_factory=list, max_length=50)
    outcome: str = Field("", max_length=_LONG)


class Education(_Part):
    institution: str = Field("", max_length=_SHORT)
    degree: str = Field("", max_length=_SHORT)
    dates: str = Field("", max_length=80)


class ParsedResume(_Part):
    name: str = Field("", max_length=_SHORT)
    contact: Contact = Field(default_factory=Contact)
    summary: str = Field("", max_length=_LONG)
    skills: list[str] = Field(default_factory=list, max_length=200)
    experience: list[Experience] = Field(default_factory=list, max_length=50)
    projects: list[Project] = Field(default_factory=list, max_length=50)
    education: list[Education] = Field(default_factory=list, max_length=20)


class ResumePatch(_Part):
    """`PATCH /api/resumes/{id}`: a new title and/or the corrected parse (replaced whole)."""

    title: str | None = Field(None, min_length=1, max_length=200)
    parsed: ParsedResume | None = None
