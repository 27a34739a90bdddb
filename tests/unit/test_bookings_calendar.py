"""Bookings as iCalendar (`bookings.calendar`): instants right across DST, one stable UID
per booking, status and sequence that let calendars update or drop the event."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from mockmate.bookings.calendar import CalendarEntry, calendar_bytes

NY = ZoneInfo("America/New_York")
STAMP = datetime(2026, 3, 1, tzinfo=UTC)


def entry(
    start: datetime, status: str = "confirmed", url: str | None = "https://m/x"
) -> CalendarEntry:
    return CalendarEntry(booking_id="b1", start=start.astimezone(UTC),
                         end=start.astimezone(UTC) + timedelta(hours=1), status=status,
                         session_type="mock_interview", other_party="Ada Lovelace",
                         meeting_url=url, stamp=STAMP)


def events(data: bytes) -> list[dict[str, object]]:
    cal = Calendar.from_ical(data)
    return [{"uid": str(e["uid"]), "start": e.decoded("dtstart"), "end": e.decoded("dtend"),
             "status": str(e["status"]), "sequence": int(e["sequence"]),
             "summary": str(e["summary"]), "url": str(e.get("url", "")),
             "description": str(e["description"])}
            for e in cal.walk("VEVENT")]


def test_sessions_either_side_of_a_dst_change_keep_their_instant() -> None:
    # New York springs forward on 8 March 2026: 09:00 local is 14:00 UTC before, 13:00 after.
    before = datetime(2026, 3, 7, 9, tzinfo=NY)
    after = datetime(2026, 3, 9, 9, tzinfo=NY)
    for local in (before, after):
        (event,) = events(calendar_bytes([entry(local)], name="x", domain="example.test"))
        assert event["start"] == local
        assert event["start"].astimezone(NY).hour == 9  # type: ignore[attr-defined]
        assert event["end"] - event["start"] == timedelta(hours=1)  # type: ignore[operator]
    assert before.astimezone(UTC).hour == 14 and after.astimezone(UTC).hour == 13


def test_an_event_names_the_session_the_other_party_and_the_link() -> None:
    (event,) = events(calendar_bytes([entry(datetime(2026, 5, 4, 15, tzinfo=UTC))],
                                     name="x", domain="example.test"))
    assert event["uid"] == "booking-b1@example.test"
    assert event["summary"] == "Mock interview with Ada Lovelace"
    assert event["url"] == "https://m/x" and "Join: https://m/x" in str(event["description"])
    assert (event["status"], event["sequence"]) == ("CONFIRMED", 1)


def test_a_cancelled_booking_keeps_its_uid_with_a_higher_sequence() -> None:
    start = datetime(2026, 5, 4, 15, tzinfo=UTC)
    (confirmed,) = events(calendar_bytes([entry(start)], name="x", domain="d"))
    (cancelled,) = events(calendar_bytes([entry(start, "cancelled", None)], name="x",
                                         domain="d"))
    assert cancelled["uid"] == confirmed["uid"]
    assert cancelled["status"] == "CANCELLED"
    assert int(cancelled["sequence"]) > int(confirmed["sequence"])  # type: ignore[call-overload]
    assert cancelled["url"] == ""


def test_each_move_raises_the_sequence_and_it_never_goes_down() -> None:
    start = datetime(2026, 5, 4, 15, tzinfo=UTC)
    steps = [("pending_payment", 0), ("pending_payment", 1), ("confirmed", 1), ("confirmed", 2),
             ("cancelled", 2)]
    seen = []
    for status, moves in steps:
        moved = replace(entry(start + moves * timedelta(days=1), status), moves=moves)
        (event,) = events(calendar_bytes([moved], name="x", domain="d"))
        assert event["uid"] == "booking-b1@d"
        assert event["start"] == start + moves * timedelta(days=1)
        seen.append(int(event["sequence"]))  # type: ignore[call-overload]
    assert seen == sorted(set(seen)), seen  # strictly growing
