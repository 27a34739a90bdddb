"""The contract's error codes and the one exception type that carries them to the wire."""

from enum import StrEnum
from typing import Any

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
    """A failure the client should see: a contract code, a message, and optional details."""

    def __init__(self, code: ErrorCode, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        """The `error` object of acks and REST responses."""
        return {"code": self.code.value, "message": self.message, **self.details}


def invalid_payload(exc: ValidationError) -> MockMateError:
    """An `invalid_payload` error naming each field pydantic rejected."""
    problems = [
        {"field": ".".join(str(p) for p in e["loc"]) or "payload", "message": e["msg"]}
        for e in exc.errors(include_url=False, include_input=False)
    ]
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:5])
    return MockMateError(ErrorCode.INVALID_PAYLOAD, summary, fields=problems)
