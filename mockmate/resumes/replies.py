"""The REST answers of `/api/resumes`: what the handlers send, as models, so
docs/openapi.json describes them (`server/http.py` `model_response`)."""

from mockmate.resumes.models import ParsedResume
from mockmate.wire import Reply


class ResumeSummary(Reply):
    id: str
    title: str
    filename: str
    content_type: str
    size: int
    created_at: str
    updated_at: str
    parsed_by: str
    name: str | None = None  # in the list: the parsed name


class ResumeView(ResumeSummary):
    """One resume in full: the parse (which the candidate may correct) and the text."""

    parsed: ParsedResume | None = None
    text: str | None = None
    download_url: str | None = None


class ResumeReply(Reply):
    resume: ResumeView


class ResumeList(Reply):
    resumes: list[ResumeSummary]


class ResumeDeleted(Reply):
    deleted: bool
    id: str
