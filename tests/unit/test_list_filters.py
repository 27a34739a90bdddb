"""Parsing the interview list's date window and search text."""

from datetime import UTC, datetime

import pytest

from mockmate.errors import MockMateError
from mockmate.server.list_filters import list_window, search_query


def test_a_day_window_covers_whole_days() -> None:
    assert list_window("2026-11-01", "2026-11-30") == (
        datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    assert list_window(None, None) == (None, None)


def test_times_are_taken_as_given_and_naive_ones_as_utc() -> None:
    start, end = list_window("2026-11-01T10:00:00+02:00", "2026-11-02T00:00:00")
    assert start == datetime(2026, 11, 1, 8, tzinfo=UTC)
    assert end == datetime(2026, 11, 2, tzinfo=UTC)


@pytest.mark.parametrize(("since", "until"), [("soon", None), (None, "2026-02-30"),
                                              ("2026-11-02", "2026-11-01")])
def test_bad_windows_are_refused(since: str | None, until: str | None) -> None:
    with pytest.raises(MockMateError) as refused:
        list_window(since, until)
    assert refused.value.code == "invalid_payload"


def test_search_text_is_trimmed_and_bounded() -> None:
    assert search_query("  kafka ") == "kafka" and search_query(None) == ""
    with pytest.raises(MockMateError):
        search_query("x" * 201)
