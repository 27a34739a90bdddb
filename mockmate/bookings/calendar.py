"""Bookings as iCalendar (RFC 5545): one booking's `.ics`, and a user's private feed.

Why UTC instants: a session is an absolute time; writing it as `DTSTART:…Z` lets every
calendar show it in its own zone, correct on both sides of a DST change, without shipping
VTIMEZONE rules that could drift from the server's zone database. Each booking keeps one
`UID` for its life and a `SEQUENCE` that grows when it changes (paid, moved, cancelled:
the status's rank plus the number of moves, so it never goes down), so a
subscribed calendar updates the event in place instead of duplicating it; a cancelled booking
stays in the feed with `STATUS:CANCELLED`, which is how calendars learn to remove it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from icalendar import Calendar, Event

from mockmate.bookings.status import BookingStatus

PRODID = "-//MockMate//Bookings//EN"
_STATUS: dict[str, str] = {
    BookingStatus.PENDING_PAYMENT: "TENTATIVE", BookingStatus.CONFIRMED: "CONFIRMED",
    BookingStatus.COMPLETED: "CONFIRMED", BookingStatus.NO_SHOW: "CONFIRMED",
    BookingStatus.CANCELLED: "CANCELLED",
}
_SEQUENCE: dict[str, int] = {BookingStatus.PENDING_PAYMENT: 0, BookingStatus.CONFIRMED: 1,
             BookingStatus.COMPLETED: 2, BookingStatus.NO_SHOW: 2, BookingStatus.CANCELLED: 3}
SESSION_NAMES = {"mock_interview": "Mock interview", "resume_review": "Resume review",
                 "career_coaching": "Career coaching",
                 "salary_negotiation": "Salary negotiation"}


@dataclass(frozen=True)
class CalendarEntry:
    """One booking as the viewer's calendar shows it."""

    booking_id: str
    start: datetime
    end: datetime
    status: str
    session_type: str
    other_party: str
    meeting_url: str | None
    stamp: datetime
    moves: int = 0


def event_for(entry: CalendarEntry, *, domain: str) -> Event:
    event = Event()
    event.add("uid", f"booking-{entry.booking_id}@{domain}")
    event.add("dtstamp", entry.stamp)
    event.add("dtstart", entry.start)
    event.add("dtend", entry.end)
    kind = SESSION_NAMES.get(entry.session_type, entry.session_type.replace("_", " "))
    event.add("summary", f"{kind} with {entry.other_party}")
    event.add("status", _STATUS.get(entry.status, "TENTATIVE"))
    event.add("sequence", _SEQUENCE.get(entry.status, 0) + entry.moves)
    lines = [f"MockMate {kind.lower()} with {entry.other_party}."]
    if entry.meeting_url:
        event.add("url", entry.meeting_url)
        event.add("location", entry.meeting_url)
        lines.append(f"Join: {entry.meeting_url}")
    event.add("description", "\n".join(lines))
    return event


def calendar_bytes(entries: Iterable[CalendarEntry], *, name: str, domain: str) -> bytes:
    """A VCALENDAR holding one VEVENT per entry."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for entry in entries:
        cal.add_component(event_for(entry, domain=domain))
    return bytes(cal.to_ical())
