"""What causes a notification: the marketplace's events (`MarketplaceObserver`), progress
steps (`ProgressObserver`), and the scheduled jobs (session reminders, streak checks,
weekly summaries).

Why here: the booking, payment and gamification code only reports what happened; this
module decides who is told what, and keeps the schedule in step (a confirmed booking
schedules its reminders, a cancelled one removes them, a moved one moves them; each practice
day moves the streak check to the next evening). Scheduled handlers check again when they
run (a reminder for a booking cancelled or moved meanwhile, a streak already extended), so a
late or repeated job is harmless.
"""

import logging
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from mockmate.domain import BookingStatus
from mockmate.gamification.progress import Step
from mockmate.gamification.streaks import current_streak_as_of, local_day
from mockmate.notifications import rules
from mockmate.notifications.rules import Kind
from mockmate.notifications.scheduler import Scheduler
from mockmate.notifications.service import Notifier
from mockmate.notifications.templates import money
from mockmate.storage.booking_record import BookingRecord
from mockmate.storage.bookings import BookingRepository
from mockmate.storage.database import Document, as_datetime
from mockmate.storage.progress import ProgressRepository
from mockmate.storage.users import UserRepository

log = logging.getLogger(__name__)

REMIND = "notify_reminder"
STREAK_CHECK = "notify_streak_check"
WEEKLY_SUMMARY = "notify_weekly_summary"


def reminder_key(kind: Kind, booking_id: str) -> str:
    return f"reminder:{kind.value}:{booking_id}"


class Triggers:
    def __init__(
        self, *, notifier: Notifier, scheduler: Scheduler, bookings: BookingRepository,
        users: UserRepository, progress: ProgressRepository, streak_hour: int,
        weekly_hour: int, clock: Callable[[], float] = time.time,
    ) -> None:
        self._notifier = notifier
        self._scheduler = scheduler
        self._bookings = bookings
        self._users = users
        self._progress = progress
        self._streak_hour = streak_hour
        self._weekly_hour = weekly_hour
        self._clock = clock

    # Marketplace --------------------------------------------------------------------------

    async def booking_changed(self, booking: BookingRecord) -> None:
        booking_id, status = booking.id, booking.status
        parties = (booking.candidate_id, booking.expert_user_id)
        data = await self._booking_data(booking)
        if status == BookingStatus.PENDING_PAYMENT:
            await self._notifier.publish(booking.expert_user_id, Kind.BOOKING_REQUESTED,
                                         booking_id, data)
        elif status == BookingStatus.CONFIRMED:
            for user_id in parties:
                await self._notifier.publish(user_id, Kind.BOOKING_CONFIRMED, booking_id, data)
            await self._schedule_reminders(booking)
        elif status == BookingStatus.CANCELLED:
            await self._cancel_reminders(booking_id)
            for user_id in parties:
                await self._notifier.publish(user_id, Kind.BOOKING_CANCELLED, booking_id, data)

    async def booking_rescheduled(self, booking: BookingRecord, previous_start_ts: float) -> None:
        """Both parties told of the new time; the reminders follow it (the old ones are
        removed, and only those still ahead of the new start are scheduled)."""
        await self._cancel_reminders(booking.id)
        if booking.status == BookingStatus.CONFIRMED:
            await self._schedule_reminders(booking)
        data = {**await self._booking_data(booking), "previous_start_ts": previous_start_ts,
                "rescheduled_by": booking.rescheduled_by or ""}
        cause = f"{booking.id}:moved:{booking.reschedules}"
        for user_id in (booking.candidate_id, booking.expert_user_id):
            await self._notifier.publish(user_id, Kind.BOOKING_RESCHEDULED, cause, data)

    async def _schedule_reminders(self, booking: BookingRecord) -> None:
        now = datetime.fromtimestamp(self._clock(), UTC)
        start = datetime.fromtimestamp(booking.start_ts, UTC)
        for kind, at in rules.reminder_times(start, now):
            await self._scheduler.schedule(
                reminder_key(kind, booking.id), at.timestamp(), REMIND,
                {"booking_id": booking.id, "kind": kind.value,
                 "start_ts": booking.start_ts})

    async def _cancel_reminders(self, booking_id: str) -> None:
        for kind, _lead in rules.REMINDER_LEADS:
            await self._scheduler.cancel(reminder_key(kind, booking_id))

    async def feedback_left(self, booking: BookingRecord, side: str) -> None:
        subject = booking.expert_user_id if side == "candidate" else booking.candidate_id
        await self._notifier.publish(subject, Kind.FEEDBACK_RECEIVED,
                                     f"{booking.id}:{side}", await self._booking_data(booking))

    async def expert_decided(self, expert: Document, document_type: str, approved: bool,
                             notes: str | None) -> None:
        reviewed = str(expert.get("documents", {}).get(document_type, {}).get("reviewed_at"))
        cause = f"{expert['_id']}:{document_type}:{reviewed}"
        if not approved:
            await self._notifier.publish(expert["user_id"], Kind.EXPERT_REJECTED, cause, {
                "document_type": document_type, "note": notes or "see the reviewer's notes"})
        elif expert["status"] == "active":
            await self._notifier.publish(expert["user_id"], Kind.EXPERT_VERIFIED, cause,
                                         {"expert_id": expert["_id"]})

    async def _booking_data(self, booking: BookingRecord) -> dict[str, Any]:
        candidate = await self._users.by_id(booking.candidate_id)
        refund = booking.refund_cents
        return {
            "booking_id": booking.id, "session_type": booking.session_type,
            "duration_min": booking.duration_min, "start_ts": booking.start_ts,
            "meeting_url": booking.meeting_url or "",
            "candidate_name": candidate.display_name if candidate else "A candidate",
            "cancelled_by": booking.cancelled_by or "",
            "refund_cents": refund,
            "refund": money(refund, booking.currency) if refund else "none",
        }

    async def remind(self, payload: dict[str, Any]) -> None:
        """The `notify_reminder` job: both parties of a still-confirmed, still-future booking."""
        booking = await self._bookings.get(str(payload["booking_id"]))
        if booking is None or booking.status != BookingStatus.CONFIRMED or \
                booking.start_ts <= self._clock():
            return
        planned = payload.get("start_ts")
        if planned is not None and float(planned) != booking.start_ts:
            return  # released just before the booking moved: the new time has its own
        kind = Kind(payload["kind"])
        data = await self._booking_data(booking)
        moves = booking.reschedules
        cause = booking.id if not moves else f"{booking.id}:moved:{moves}"
        for user_id in (booking.candidate_id, booking.expert_user_id):
            await self._notifier.publish(user_id, kind, cause, data)

    # Progress -----------------------------------------------------------------------------

    async def progress_stepped(self, user_id: str, step: Step, day: date) -> None:
        for badge in step.badges:
            await self._notifier.publish(user_id, Kind.BADGE_EARNED, f"badge:{badge.slug}",
                                         {"badge_slug": badge.slug, "badge_title": badge.title})
        if step.xp is not None and step.xp.level_up:
            level = step.xp.level_after
            await self._notifier.publish(user_id, Kind.LEVEL_UP, f"level:{level.number}",
                                         {"level": level.number, "level_title": level.title})
        if step.progress.streak.last_practice_day == day:
            await self.schedule_checks(user_id, day)

    async def schedule_checks(self, user_id: str, day: date) -> None:
        """The streak check moves to the evening after `day`; the weekly summary is
        scheduled once (it reschedules itself)."""
        tz_name = await self._notifier.time_zone(user_id)
        tz = rules.zone(tz_name)
        at = rules.streak_check_at(day + timedelta(days=1), tz, self._streak_hour)
        await self._scheduler.schedule(f"streak:{user_id}", at.timestamp(), STREAK_CHECK,
                                       {"user_id": user_id})
        now = datetime.fromtimestamp(self._clock(), UTC)
        await self._scheduler.schedule(
            f"weekly:{user_id}", rules.next_weekly_summary(now, tz, self._weekly_hour)
            .timestamp(), WEEKLY_SUMMARY, {"user_id": user_id}, only_if_absent=True)

    async def streak_check(self, payload: dict[str, Any]) -> None:
        """The `notify_streak_check` job, on the evening after the last practice day."""
        user_id = str(payload["user_id"])
        now = datetime.fromtimestamp(self._clock(), UTC)
        today = local_day(now, await self._notifier.time_zone(user_id))
        streak = (await self._progress.get(user_id)).streak
        if rules.streak_at_risk(streak, today):
            await self._notifier.publish(user_id, Kind.STREAK_AT_RISK, f"streak:{today}",
                                         {"streak_days": streak.current})

    async def weekly_summary(self, payload: dict[str, Any]) -> None:
        """The `notify_weekly_summary` job: last week's figures, and next week's job."""
        user_id = str(payload["user_id"])
        if await self._users.by_id(user_id) is None:
            return  # the account is gone: no summary and no next one
        tz_name = await self._notifier.time_zone(user_id)
        tz = rules.zone(tz_name)
        now = datetime.fromtimestamp(self._clock(), UTC)
        week = rules.week_of(now, tz)
        start = datetime.combine(week, datetime.min.time(), tzinfo=tz)
        ledger = (await self._progress.ledger(user_id))["xp_awards"]
        awards = [(str(a["source"]), int(a["xp"]), at) for a in ledger
                  if (at := as_datetime(a.get("at"))) is not None]
        figures = rules.week_figures(awards, start, start + timedelta(days=7))
        progress = await self._progress.get(user_id)
        average = progress.statistics.average_score
        await self._notifier.publish(user_id, Kind.WEEKLY_SUMMARY, f"weekly:{week}", {
            **figures.model_dump(), "week": week.isoformat(),
            "streak_days": current_streak_as_of(progress.streak, local_day(now, tz_name)),
            "average_score": "n/a" if average is None else f"{average:.1f}",
        })
        await self._scheduler.schedule(
            f"weekly:{user_id}", rules.next_weekly_summary(now, tz, self._weekly_hour)
            .timestamp(), WEEKLY_SUMMARY, {"user_id": user_id})
