"""The correction window: a transcript may be corrected for a set time after it was made."""

from datetime import UTC, datetime, timedelta

from mockmate.interviews.corrections import correction_open

MADE = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_a_transcript_may_be_corrected_within_the_window_only() -> None:
    assert correction_open(MADE, MADE + timedelta(seconds=300), 300)
    assert not correction_open(MADE, MADE + timedelta(seconds=301), 300)
    assert not correction_open(MADE, MADE + timedelta(seconds=1), 0)
    assert not correction_open(None, MADE, 300)
