"""Query-string filters of the interview list (`GET /api/interviews?from=&to=&q=`), parsed
into values the repository takes, or `invalid_payload` naming the parameter."""

from datetime import UTC, date, datetime, time, timedelta

from mockmate.errors import InvalidPayload

MAX_QUERY_CHARS = 200


def _moment(raw: str, name: str, end_of_day: bool) -> datetime:
    try:
        if len(raw) == 10:  # a day: from its start, or to its end
            day = date.fromisoformat(raw)
            return datetime.combine(day + timedelta(days=end_of_day), time(), UTC)
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidPayload(f"{name} must be a date (2026-11-30) or an ISO time",
            field=name) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def list_window(since: str | None, until: str | None
                ) -> tuple[datetime | None, datetime | None]:
    """`from` (inclusive) and `to` (inclusive for a day, exclusive for a time)."""
    start = _moment(since, "from", False) if since else None
    end = _moment(until, "to", True) if until else None
    if start is not None and end is not None and end <= start:
        raise InvalidPayload("to must be after from", field="to")
    return start, end


def search_query(raw: str | None) -> str:
    text = (raw or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidPayload(f"q: at most {MAX_QUERY_CHARS} characters", field="q")
    return text
