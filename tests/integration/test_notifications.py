"""The notification service on real Redis, MongoDB and SMTP with an injected clock: quiet
hours hold an e-mail until they end in the user's zone, a repeated job sends nothing twice,
a mail claimed by a worker that died is never sent again, and streak and weekly jobs fire
on the user's evening and Monday."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from redis.asyncio import Redis

from mockmate.config import Settings
from mockmate.gamification.streaks import StreakState
from mockmate.jobs.queue import JobQueue
from mockmate.mail import SmtpMailer
from mockmate.notifications.rules import Kind
from mockmate.notifications.service import NOTIFY
from mockmate.notifications.wiring import Notifications, open_notifications
from mockmate.storage.booking_record import BookingRecord
from mockmate.storage.database import Document, connect
from mockmate.storage.profiles import ProfileRepository
from mockmate.storage.progress import ProgressRepository
from mockmate.storage.users import User, UserRepository
from tests.support.marketplace import HOUR
from tests.support.smtp import Inbox, smtp_server
from tests.support.waiting import eventually


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> float:
        return self.at.timestamp()


class Sockets:
    """The emitter: what every socket of a user would receive."""

    def __init__(self) -> None:
        self.events: asyncio.Queue[tuple[str, str, dict[str, Any]]] = asyncio.Queue()

    async def to_user(self, user_id: str, event: str, data: dict[str, Any]) -> None:
        self.events.put_nowait((user_id, event, data))

    async def next(self) -> tuple[str, str, dict[str, Any]]:
        async with asyncio.timeout(30):
            return await self.events.get()


@dataclass
class World:
    notifications: Notifications
    queue: JobQueue
    clock: Clock
    sockets: Sockets
    mail: Inbox
    user: User
    db: Any
    progress: ProgressRepository

    async def state(self, notification_id: str) -> str:
        doc = await self.db.notifications.find_one({"_id": notification_id})
        return str(doc["email_state"]) if doc else ""

    async def idle(self) -> bool:
        """Every queued job has run (handled and deleted from the stream)."""
        return await self.queue.pending_count() == 0 and \
            await self.queue._redis.xlen(self.queue.stream) == 0


@pytest.fixture
async def world(settings: Settings) -> AsyncIterator[World]:
    mongo = connect(settings.mongodb_url)
    db = mongo[settings.mongodb_db]
    redis = Redis.from_url(settings.redis_url)
    queue = JobQueue(redis, prefix=settings.redis_prefix, consumer_prefix="test",
                     claim_idle_s=1.0, max_attempts=3)
    clock = Clock(datetime(2026, 1, 10, 22, 30, tzinfo=UTC))  # 23:30 in Paris
    sockets = Sockets()
    users, progress = UserRepository(db), ProgressRepository(db)
    user = await users.create(f"{uuid.uuid4().hex[:8]}@example.com", "x", "Ada")
    with smtp_server() as mail:
        notifications = await open_notifications(
            settings, db=db, redis=redis, queue=queue, emitter=sockets, users=users,
            profiles=ProfileRepository(db), progress=progress, tasks=None,
            mailer=SmtpMailer(mail.url, "MockMate <no-reply@example.com>"), clock=clock,
        )
        workers = asyncio.create_task(queue.run(2))
        try:
            yield World(notifications, queue, clock, sockets, mail, user, db, progress)
        finally:
            workers.cancel()
            await asyncio.gather(workers, return_exceptions=True)
            await redis.aclose()
            await mongo.close()


async def quiet_nights_in_paris(world: World) -> None:
    await world.notifications.inbox.replace_settings(world.user.id, {
        "quiet_hours": {"start": "22:00", "end": "07:00"}, "time_zone": "Europe/Paris"})


async def test_quiet_hours_hold_the_mail_until_they_end_but_not_the_inbox(world: World) -> None:
    await quiet_nights_in_paris(world)
    await world.notifications.notifier.publish(world.user.id, Kind.BOOKING_CONFIRMED, "b1",
                                               {"session_type": "mock_interview",
                                                "start_ts": 1768208400.0})
    user_id, event, shown = await world.sockets.next()  # the inbox is told at once
    assert (user_id, event, shown["kind"]) == (world.user.id, "notification",
                                              "booking_confirmed")
    # Shown in the reader's zone: 2026-01-12 09:00 UTC is 10:00 in Paris.
    assert "Mon 12 Jan 2026, 10:00 (Europe/Paris)" in shown["body"]
    assert await eventually(world.idle)
    assert await world.state(shown["id"]) == "deferred" and world.mail.empty()

    scheduler = world.notifications.scheduler
    world.clock.at = datetime(2026, 1, 11, 5, 59, tzinfo=UTC)  # 06:59 in Paris
    assert await scheduler.release_due() == 0
    world.clock.at = datetime(2026, 1, 11, 6, 0, tzinfo=UTC)  # 07:00 in Paris
    assert await scheduler.release_due() == 1
    mail = await world.mail.next()
    assert (mail["To"], mail["Subject"]) == (world.user.email, "MockMate: Session confirmed")
    assert await eventually(lambda: _is(world, shown["id"], "sent"))


async def test_an_urgent_reminder_ignores_quiet_hours(world: World) -> None:
    await quiet_nights_in_paris(world)
    await world.notifications.notifier.publish(world.user.id, Kind.REMINDER_1H, "b2",
                                               {"session_type": "mock_interview"})
    mail = await world.mail.next()
    assert mail["Subject"] == "MockMate: Your session starts in an hour"


async def test_a_repeated_job_sends_nothing_twice(world: World) -> None:
    payload = {"user_id": world.user.id, "kind": "booking_cancelled", "cause": "b3",
               "data": {"refund": "60.00 USD"}}
    await world.queue.enqueue(NOTIFY, payload)
    _, _, shown = await world.sockets.next()
    assert "Refund: 60.00 USD" in shown["body"]
    assert (await world.mail.next())["Subject"] == "MockMate: Session cancelled"
    assert await eventually(lambda: _is(world, shown["id"], "sent"))
    # Delivered again, as after a worker died before acknowledging: nothing new.
    await world.notifications.notifier.deliver(payload)
    await asyncio.sleep(0)  # let a mail the SMTP thread might have handed over land
    assert world.mail.empty() and world.sockets.events.empty()
    _, listed = await _inbox(world)
    assert [n["id"] for n in listed] == [shown["id"]]


async def test_a_mail_claimed_by_a_worker_that_died_is_not_sent_again(world: World) -> None:
    await quiet_nights_in_paris(world)
    await world.notifications.notifier.publish(world.user.id, Kind.FEEDBACK_RECEIVED, "b4", {})
    _, _, shown = await world.sockets.next()
    assert await eventually(lambda: _is(world, shown["id"], "deferred"))
    # At 07:00 a worker claims the mail, hands it to SMTP and dies before recording it.
    claimed = await world.notifications.store.move_email(shown["id"], ["deferred"],
                                                         {"email_state": "sending"})
    assert claimed is not None
    world.clock.at = datetime(2026, 1, 11, 6, 0, tzinfo=UTC)
    assert await world.notifications.scheduler.release_due() == 1
    assert await eventually(lambda: _is(world, shown["id"], "uncertain"))
    assert await eventually(world.idle)
    assert world.mail.empty()


async def test_a_held_mail_is_dropped_when_email_is_turned_off_meanwhile(world: World) -> None:
    await quiet_nights_in_paris(world)
    await world.notifications.notifier.publish(world.user.id, Kind.BOOKING_REQUESTED, "b5", {})
    _, _, shown = await world.sockets.next()
    assert await eventually(lambda: _is(world, shown["id"], "deferred"))
    await world.notifications.inbox.replace_settings(world.user.id, {
        "channels": {"booking_requested": ["in_app"]}, "time_zone": "Europe/Paris"})
    world.clock.at = datetime(2026, 1, 11, 6, 0, tzinfo=UTC)
    assert await world.notifications.scheduler.release_due() == 1
    assert await eventually(lambda: _is(world, shown["id"], "cancelled"))
    assert world.mail.empty()


async def test_none_for_a_kind_sends_nothing(world: World) -> None:
    await world.notifications.inbox.replace_settings(world.user.id,
                                                     {"channels": {"level_up": []}})
    await world.notifications.notifier.publish(world.user.id, Kind.LEVEL_UP, "level:3",
                                               {"level": 3})
    await world.notifications.notifier.publish(world.user.id, Kind.BADGE_EARNED, "badge:x",
                                               {"badge_title": "First steps"})
    _, _, shown = await world.sockets.next()
    assert shown["kind"] == "badge_earned"  # in the app only, by default
    assert await eventually(world.idle)
    assert world.sockets.events.empty() and world.mail.empty()


async def test_a_streak_at_risk_is_told_on_the_evening_after_practice(world: World) -> None:
    triggers = world.notifications.triggers
    await world.notifications.inbox.replace_settings(world.user.id,
                                                     {"time_zone": "Europe/Paris"})
    practised = datetime(2026, 1, 10).date()
    await world.progress.change(world.user.id, lambda p: _with_streak(p, 3, practised))
    await triggers.schedule_checks(world.user.id, practised)
    due = await world.notifications.scheduler.due_at(f"streak:{world.user.id}")
    assert due == datetime(2026, 1, 11, 18, 0, tzinfo=UTC).timestamp()  # 19:00 Paris
    world.clock.at = datetime(2026, 1, 11, 18, 0, tzinfo=UTC)
    assert await world.notifications.scheduler.release_due() == 1
    _, _, shown = await world.sockets.next()
    assert (shown["kind"], shown["title"]) == ("streak_at_risk", "Keep your 3-day streak")
    assert (await world.mail.next())["Subject"] == "MockMate: Keep your 3-day streak"

    # Had they practised on the 11th, the check would have moved to the 12th's evening,
    # and a late job on the 11th would have found the streak safe.
    await world.progress.change(world.user.id, lambda p: _with_streak(
        p, 4, practised + timedelta(days=1)))
    await triggers.schedule_checks(world.user.id, practised + timedelta(days=1))
    assert await world.notifications.scheduler.release_due() == 0
    assert await world.notifications.scheduler.due_at(f"streak:{world.user.id}") == \
        datetime(2026, 1, 12, 18, 0, tzinfo=UTC).timestamp()
    await triggers.streak_check({"user_id": world.user.id})
    assert await eventually(world.idle)
    assert world.sockets.events.empty()


async def test_the_weekly_summary_comes_on_monday_and_schedules_the_next(world: World) -> None:
    triggers = world.notifications.triggers
    await triggers.schedule_checks(world.user.id, datetime(2026, 1, 10).date())
    key = f"weekly:{world.user.id}"
    monday = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)  # 09:00 UTC (no zone set)
    assert await world.notifications.scheduler.due_at(key) == monday.timestamp()
    world.clock.at = monday
    released = await world.notifications.scheduler.release_due()
    assert released >= 1  # the streak check of the 11th may fall due too
    _, _, shown = await world.sockets.next()
    while shown["kind"] != "weekly_summary":
        _, _, shown = await world.sockets.next()
    assert shown["data"]["week"] == "2026-01-05"
    assert await eventually(world.idle)
    assert await world.notifications.scheduler.due_at(key) == \
        (monday + timedelta(days=7)).timestamp()


def _with_streak(progress: Any, current: int, day: Any) -> Any:
    from mockmate.gamification.progress import Step
    return Step(progress=progress.model_copy(update={
        "streak": StreakState(current=current, longest=current, last_practice_day=day)}))


async def _is(world: World, notification_id: str, state: str) -> bool:
    return await world.state(notification_id) == state


async def _inbox(world: World) -> tuple[int, list[Document]]:
    listed = await world.notifications.inbox.list(world.user.id, {})
    return int(listed["unread_count"]), list(listed["notifications"])


async def test_a_moved_booking_moves_its_reminders(world: World) -> None:
    triggers, scheduler = world.notifications.triggers, world.notifications.scheduler
    expert = await UserRepository(world.db).create(f"{uuid.uuid4().hex[:8]}@example.com",
                                                   "x", "Grace")
    now = world.clock.at
    old_start, new_start = now + timedelta(days=3), now + timedelta(hours=20)
    booking: Document = {
        "_id": uuid.uuid4().hex, "status": "confirmed", "candidate_id": world.user.id,
        "expert_user_id": expert.id, "session_type": "mock_interview", "duration_min": 60,
        "start_ts": old_start.timestamp(), "currency": "usd", "meeting_url": "https://m/x",
        "expert_id": "e-" + expert.id, "end_ts": (old_start + HOUR).timestamp(),
        "price_cents": 12_000}
    await world.db.bookings.insert_one(booking)
    await triggers.booking_changed(BookingRecord.model_validate(booking))
    key_24h, key_1h = (f"reminder:{k}:{booking['_id']}" for k in ("reminder_24h", "reminder_1h"))
    assert await scheduler.due_at(key_24h) == (old_start - timedelta(hours=24)).timestamp()
    assert {(await world.sockets.next())[2]["kind"] for _ in range(2)} == \
        {"booking_confirmed"}
    assert {(await world.mail.next())["Subject"] for _ in range(2)} == \
        {"MockMate: Session confirmed"}

    moved = {**booking, "start_ts": new_start.timestamp(), "reschedules": 1,
             "rescheduled_by": "candidate", "previous_start_ts": old_start.timestamp()}
    await world.db.bookings.replace_one({"_id": booking["_id"]}, moved)
    await triggers.booking_rescheduled(BookingRecord.model_validate(moved),
                                       old_start.timestamp())
    told = [await world.sockets.next() for _ in range(2)]
    assert {user_id for user_id, _, _ in told} == {world.user.id, expert.id}
    assert {shown["kind"] for _, _, shown in told} == {"booking_rescheduled"}
    assert "moved from Tue 13 Jan 2026, 22:30 (UTC) to Sun 11 Jan 2026, 18:30 (UTC)" in \
        told[0][2]["body"]
    # The 24 h reminder is gone (the new start is 20 h away); the 1 h one moved.
    assert await scheduler.due_at(key_24h) is None
    assert await scheduler.due_at(key_1h) == (new_start - HOUR).timestamp()
    assert await eventually(world.idle)
    subjects = {(await world.mail.next())["Subject"] for _ in range(2)}
    assert subjects == {"MockMate: Session moved"}

    # A 24 h reminder released just before the move finds the booking elsewhere: silent.
    await triggers.remind({"booking_id": booking["_id"], "kind": "reminder_24h",
                           "start_ts": old_start.timestamp()})
    world.clock.at = new_start - HOUR - timedelta(seconds=1)
    assert await scheduler.release_due() == 0
    world.clock.at = new_start - HOUR
    assert await scheduler.release_due() == 1
    reminded = [await world.sockets.next() for _ in range(2)]
    assert {shown["kind"] for _, _, shown in reminded} == {"reminder_1h"}
    assert await eventually(world.idle)
    assert world.sockets.events.empty()
    assert [(await world.mail.next())["Subject"] for _ in range(2)] == \
        ["MockMate: Your session starts in an hour"] * 2
    assert world.mail.empty()
