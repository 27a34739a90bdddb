"""Notification rules: channels per kind, quiet hours in the user's zone (across midnight
and DST), reminder times, streak-at-risk evenings, weekly summaries, and the copy."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from mockmate.gamification.streaks import StreakState
from mockmate.notifications.rules import (
    Kind,
    NotificationSettings,
    QuietHours,
    channels_for,
    email_due,
    in_quiet_hours,
    next_weekly_summary,
    reminder_times,
    streak_at_risk,
    streak_check_at,
    week_figures,
    week_of,
)
from mockmate.notifications.templates import render

PARIS = ZoneInfo("Europe/Paris")
NY = ZoneInfo("America/New_York")
NIGHT = QuietHours(start="22:00", end="07:00")


def test_defaults_send_bookings_by_mail_and_badges_only_in_the_app() -> None:
    chosen = NotificationSettings()
    assert channels_for(chosen, Kind.BOOKING_REQUESTED) == {"in_app", "email"}
    assert channels_for(chosen, Kind.BADGE_EARNED) == {"in_app"}


def test_a_kind_set_to_no_channel_is_none_and_others_keep_their_defaults() -> None:
    chosen = NotificationSettings.model_validate(
        {"channels": {"weekly_summary": [], "badge_earned": ["email", "email", "in_app"]}})
    assert channels_for(chosen, Kind.WEEKLY_SUMMARY) == frozenset()
    assert chosen.effective()[Kind.BADGE_EARNED] == ["in_app", "email"]
    assert channels_for(chosen, Kind.REMINDER_1H) == {"in_app", "email"}


@pytest.mark.parametrize("body", [
    {"channels": {"nonsense": ["email"]}},
    {"channels": {"level_up": ["sms"]}},
    {"quiet_hours": {"start": "25:00", "end": "07:00"}},
    {"quiet_hours": {"start": "22:00:30", "end": "07:00"}},
    {"time_zone": "Mars/Olympus"},
    {"extra": 1},
])
def test_bad_settings_are_refused(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        NotificationSettings.model_validate(body)


@pytest.mark.parametrize(("local", "quiet"), [
    (time(21, 59), False), (time(22, 0), True), (time(3, 0), True), (time(6, 59), True),
    (time(7, 0), False), (time(12, 0), False),
])
def test_quiet_hours_wrap_midnight(local: time, quiet: bool) -> None:
    assert in_quiet_hours(NIGHT, local) is quiet


def test_quiet_hours_within_a_day_and_empty_ones() -> None:
    lunch = QuietHours(start="12:00", end="13:00")
    assert in_quiet_hours(lunch, time(12, 30)) and not in_quiet_hours(lunch, time(13, 0))
    assert not in_quiet_hours(QuietHours(start="08:00", end="08:00"), time(8, 0))
    assert not in_quiet_hours(None, time(3, 0))


def test_an_email_in_quiet_hours_waits_for_their_end_in_the_users_zone() -> None:
    chosen = NotificationSettings(quiet_hours=NIGHT)
    # 23:30 in Paris (UTC+1 in winter) -> 07:00 Paris the next morning = 06:00 UTC.
    now = datetime(2026, 1, 10, 22, 30, tzinfo=UTC)
    assert email_due(chosen, PARIS, Kind.BOOKING_CONFIRMED, now) == \
        datetime(2026, 1, 11, 6, 0, tzinfo=UTC)
    # 05:00 Paris -> 07:00 the same morning.
    early = datetime(2026, 1, 11, 4, 0, tzinfo=UTC)
    assert email_due(chosen, PARIS, Kind.BOOKING_CONFIRMED, early) == \
        datetime(2026, 1, 11, 6, 0, tzinfo=UTC)
    # Daytime, and a 1 h reminder at night: at once.
    noon = datetime(2026, 1, 11, 11, 0, tzinfo=UTC)
    assert email_due(chosen, PARIS, Kind.BOOKING_CONFIRMED, noon) == noon
    assert email_due(chosen, PARIS, Kind.REMINDER_1H, now) == now


def test_quiet_hours_end_at_local_time_across_a_dst_change() -> None:
    chosen = NotificationSettings(quiet_hours=NIGHT)
    # New York springs forward on 2026-03-08: 07:00 is 12:00 UTC before, 11:00 UTC after.
    before = datetime(2026, 3, 8, 4, 0, tzinfo=UTC)  # 23:00 EST on the 7th
    assert email_due(chosen, NY, Kind.FEEDBACK_RECEIVED, before) == \
        datetime(2026, 3, 8, 11, 0, tzinfo=UTC)


def test_reminders_ahead_of_a_session_skip_the_ones_already_past() -> None:
    start = datetime(2026, 6, 2, 15, 0, tzinfo=UTC)
    assert reminder_times(start, start - timedelta(days=3)) == [
        (Kind.REMINDER_24H, start - timedelta(hours=24)),
        (Kind.REMINDER_1H, start - timedelta(hours=1)),
    ]
    assert reminder_times(start, start - timedelta(hours=3)) == [
        (Kind.REMINDER_1H, start - timedelta(hours=1))]
    assert reminder_times(start, start - timedelta(minutes=30)) == []


def test_a_streak_is_at_risk_only_the_day_after_practice() -> None:
    today = date(2026, 6, 2)
    assert streak_at_risk(StreakState(current=4, last_practice_day=today - timedelta(days=1)),
                          today)
    assert not streak_at_risk(StreakState(current=4, last_practice_day=today), today)
    assert not streak_at_risk(StreakState(current=4, last_practice_day=today - timedelta(days=2)),
                              today)
    assert not streak_at_risk(StreakState(), today)


def test_the_streak_check_is_in_the_users_evening() -> None:
    assert streak_check_at(date(2026, 7, 1), PARIS, 19) == datetime(2026, 7, 1, 17, 0, tzinfo=UTC)


def test_weekly_summaries_come_on_monday_mornings_local() -> None:
    tuesday = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)
    assert next_weekly_summary(tuesday, PARIS, 9) == datetime(2026, 6, 8, 7, 0, tzinfo=UTC)
    monday_early = datetime(2026, 6, 8, 6, 0, tzinfo=UTC)  # 08:00 Paris
    assert next_weekly_summary(monday_early, PARIS, 9) == datetime(2026, 6, 8, 7, 0, tzinfo=UTC)
    assert week_of(datetime(2026, 6, 8, 7, 0, tzinfo=UTC), PARIS) == date(2026, 6, 1)


def test_week_figures_count_only_that_week() -> None:
    start = datetime(2026, 6, 1, tzinfo=UTC)
    awards = [("answer_submitted", 10, start + timedelta(days=1)),
              ("answer_high_score", 5, start + timedelta(days=1)),
              ("interview_completed", 50, start + timedelta(days=6)),
              ("answer_submitted", 10, start - timedelta(seconds=1)),
              ("answer_submitted", 10, start + timedelta(days=7))]
    figures = week_figures(awards, start, start + timedelta(days=7))
    assert (figures.answers, figures.interviews, figures.xp) == (1, 1, 65)


def test_copy_escapes_html_and_tolerates_missing_values() -> None:
    text = render(Kind.BOOKING_REQUESTED, {"candidate_name": "<b>Eve</b>",
                                           "session_type": "mock_interview"},
                  settings_url="http://x/settings")
    assert text.title == "New booking request"
    assert "<b>Eve</b> asked for a mock_interview session" in text.text
    assert "&lt;b&gt;Eve&lt;/b&gt;" in text.html and "<b>Eve</b>" not in text.html
    assert "http://x/settings" in text.text
