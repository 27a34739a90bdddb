"""The contract's error codes and the exception types, one per code, that carry them to the
wire."""

from enum import StrEnum
from typing import Any, ClassVar

from pydantic import ValidationError


class ErrorCode(StrEnum):
    INVALID_PAYLOAD = "invalid_payload"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    INVALID_STATE = "invalid_state"
    CONFLICT = "conflict"
    TOO_LARGE = "too_large"
    UNSUPPORTED_AUDIO = "unsupported_audio"
    # An uploaded document (resume) that is not a PDF/DOCX/text, or a PDF with no text layer.
    UNSUPPORTED_DOCUMENT = "unsupported_document"
    RATE_LIMITED = "rate_limited"
    LIMIT_REACHED = "limit_reached"
    UNAVAILABLE = "unavailable"
    INTERNAL = "internal"


# HTTP status for each code when it is answered over REST.
HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.INVALID_PAYLOAD: 400,
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.INVALID_STATE: 409,
    ErrorCode.CONFLICT: 409,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_AUDIO: 415,
    ErrorCode.UNSUPPORTED_DOCUMENT: 415,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.LIMIT_REACHED: 429,
    ErrorCode.UNAVAILABLE: 503,
    ErrorCode.INTERNAL: 500,
}


class MockMateError(Exception):
    """A failure the client should see: a contract code, a message, and optional details.

    Raise one of the subclasses below, one per code, so that code can catch exactly the
    failures it means to (`except InvalidState`); `error_for` picks one from a code."""

    code: ClassVar[ErrorCode]

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        """The `error` object of acks and REST responses."""
        return {"code": self.code.value, "message": self.message, **self.details}



class InvalidPayload(MockMateError):
    """The request is malformed or a field is out of bounds."""

    code = ErrorCode.INVALID_PAYLOAD


class Unauthorized(MockMateError):
    """No valid credentials."""

    code = ErrorCode.UNAUTHORIZED


class Forbidden(MockMateError):
    """Signed in, but not allowed to do this."""

    code = ErrorCode.FORBIDDEN


class NotFound(MockMateError):
    """No such thing (or not the caller's to see)."""

    code = ErrorCode.NOT_FOUND


class InvalidState(MockMateError):
    """Not allowed in the current state (the interview or booking has moved on)."""

    code = ErrorCode.INVALID_STATE


class Conflict(MockMateError):
    """Clashes with what already exists or happened."""

    code = ErrorCode.CONFLICT


class TooLarge(MockMateError):
    """Longer or larger than a limit allows."""

    code = ErrorCode.TOO_LARGE


class UnsupportedAudio(MockMateError):
    """Audio that cannot be decoded."""

    code = ErrorCode.UNSUPPORTED_AUDIO


class UnsupportedDocument(MockMateError):
    """A document that cannot be read."""

    code = ErrorCode.UNSUPPORTED_DOCUMENT


class RateLimited(MockMateError):
    """Too many requests; slow down."""

    code = ErrorCode.RATE_LIMITED


class LimitReached(MockMateError):
    """A quota is used up."""

    code = ErrorCode.LIMIT_REACHED


class Unavailable(MockMateError):
    """A backing service is down; retry later."""

    code = ErrorCode.UNAVAILABLE


class Internal(MockMateError):
    """Our fault."""

    code = ErrorCode.INTERNAL


_BY_CODE: dict[ErrorCode, type[MockMateError]] = {
    cls.code: cls for cls in MockMateError.__subclasses__()
}


def error_for(code: ErrorCode, message: str, **details: Any) -> MockMateError:
    """The error of `code`, for the places that choose the code at run time."""
    return _BY_CODE[code](message, **details)


def invalid_payload(exc: ValidationError) -> MockMateError:
    """An `invalid_payload` error naming each field pydantic rejected."""
    problems = [
        {"field": ".".join(str(p) for p in e["loc"]) or "payload", "message": e["msg"]}
        for e in exc.errors(include_url=False, include_input=False)
    ]
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:5])
    return InvalidPayload(summary, fields=problems)
