"""What each notification says: its inbox title and body, and its e-mail's subject, plain
text and HTML, from one template per kind.

Why here and pure: the words are product copy, kept in one place next to each other so the
inbox and the mail never disagree; values are escaped for HTML, and a missing value renders
as empty rather than failing a delivery.
"""

import html
from collections import defaultdict
from dataclasses import dataclass
from string import Template
from typing import Any

from mockmate.notifications.rules import Kind


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str
    subject: str
    text: str
    html: str


# (title, body); both `string.Template`s over the notification's data.
_COPY: dict[Kind, tuple[str, str]] = {
    Kind.BOOKING_REQUESTED: (
        "New booking request",
        "$candidate_name asked for a $session_type session on $start_at ($duration_min min).",
    ),
    Kind.BOOKING_CONFIRMED: (
        "Session confirmed",
        "Your $session_type session on $start_at is confirmed. Join at $meeting_url",
    ),
    Kind.BOOKING_CANCELLED: (
        "Session cancelled",
        "The $session_type session on $start_at was cancelled by $cancelled_by. "
        "Refund: $refund.",
    ),
    Kind.BOOKING_RESCHEDULED: (
        "Session moved",
        "Your $session_type session moved from $previous_start_at to $start_at.",
    ),
    Kind.REMINDER_24H: (
        "Your session is tomorrow",
        "Reminder: your $session_type session starts at $start_at. Join at $meeting_url",
    ),
    Kind.REMINDER_1H: (
        "Your session starts in an hour",
        "Your $session_type session starts at $start_at. Join at $meeting_url",
    ),
    Kind.FEEDBACK_RECEIVED: (
        "New feedback",
        "You have feedback on your $session_type session of $start_at.",
    ),
    Kind.BADGE_EARNED: ("Badge earned: $badge_title", "You earned the $badge_title badge."),
    Kind.LEVEL_UP: ("Level $level reached", "You are now level $level: $level_title."),
    Kind.STREAK_AT_RISK: (
        "Keep your $streak_days-day streak",
        "You have not practised today. One answer before midnight keeps your "
        "$streak_days-day streak.",
    ),
    Kind.WEEKLY_SUMMARY: (
        "Your week in practice",
        "Week of $week: $answers answers, $interviews interviews, $xp XP, streak "
        "$streak_days days, average score $average_score.",
    ),
    Kind.EXPERT_VERIFIED: (
        "You are verified",
        "Your expert profile is verified: candidates can now find and book you.",
    ),
    Kind.EXPERT_REJECTED: (
        "Verification needs attention",
        "Your $document_type document was not accepted: $note",
    ),
}

_HTML = Template(
    "<!doctype html><html><body style=\"font-family:sans-serif\">"
    "<h1 style=\"font-size:18px\">$title</h1><p>$body</p>"
    "<p style=\"color:#666;font-size:12px\">MockMate. Choose what we send you in "
    "<a href=\"$settings_url\">notification settings</a>.</p></body></html>"
)


def render(kind: Kind, data: dict[str, Any], *, settings_url: str) -> Rendered:
    values: defaultdict[str, str] = defaultdict(str, {k: _text(v) for k, v in data.items()})
    title_t, body_t = _COPY[kind]
    title = Template(title_t).substitute(values)
    body = Template(body_t).substitute(values)
    text = f"{body}\n\n--\nMockMate. Choose what we send you: {settings_url}\n"
    page = _HTML.substitute(title=html.escape(title), body=html.escape(body),
                            settings_url=html.escape(settings_url, quote=True))
    return Rendered(title=title, body=body, subject=f"MockMate: {title}", text=text, html=page)


def money(cents: int, currency: str) -> str:
    return f"{cents / 100:.2f} {currency.upper()}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)
