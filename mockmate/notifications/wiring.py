"""Notifications opened once at start-up: the stores, the scheduler and its poller, the
notifier and its jobs, and the triggers the marketplace and progress hooks report to.

Why one object: `runtime.py` plugs `Notifications.triggers` into the marketplace and the
progress hooks, REST handlers use `Notifications.inbox`, and account export and erasure use
`export_user`/`erase_user`; nothing else sees the parts.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from mockmate.config import Settings
from mockmate.jobs.queue import JobQueue
from mockmate.mail import Mailer, open_mailer
from mockmate.notifications.inbox import Inbox
from mockmate.notifications.scheduler import Scheduler
from mockmate.notifications.service import Notifier, view
from mockmate.notifications.store import NotificationStore
from mockmate.notifications.triggers import (
    REMIND,
    STREAK_CHECK,
    WEEKLY_SUMMARY,
    Triggers,
)
from mockmate.ports import Emitter
from mockmate.storage.bookings import BookingRepository
from mockmate.storage.database import Document
from mockmate.storage.profiles import ProfileRepository
from mockmate.storage.progress import ProgressRepository
from mockmate.storage.users import UserRepository
from mockmate.tasks import BackgroundTasks, repeat_every


@dataclass
class Notifications:
    store: NotificationStore
    scheduler: Scheduler
    notifier: Notifier
    triggers: Triggers
    inbox: Inbox

    async def export_user(self, user_id: str) -> dict[str, Any]:
        return {
            "settings": (await self.store.settings(user_id)).model_dump(mode="json"),
            "inbox": [view(d) for d in await self.store.for_user(user_id)],
        }

    async def erase_user(self, user_id: str) -> None:
        await self.store.delete_for_user(user_id)
        for key in (f"streak:{user_id}", f"weekly:{user_id}"):
            await self.scheduler.cancel(key)


async def open_notifications(
    settings: Settings, *, db: AsyncDatabase[Document], redis: Redis, queue: JobQueue,
    emitter: Emitter, users: UserRepository, profiles: ProfileRepository,
    progress: ProgressRepository, tasks: BackgroundTasks | None,
    mailer: Mailer | None = None, clock: Callable[[], float] = time.time,
) -> Notifications:
    """`tasks` None: no poller (a test releases due jobs itself)."""
    store = NotificationStore(db)
    await store.ensure_indexes()
    scheduler = Scheduler(redis, prefix=settings.redis_prefix, queue=queue, clock=clock)
    notifier = Notifier(
        store=store, queue=queue, scheduler=scheduler, emitter=emitter,
        mailer=mailer or open_mailer(settings.smtp_url, settings.mail_from, settings.data_dir),
        users=users, profile_time_zone=profiles.time_zone,
        settings_url=f"{settings.public_url.rstrip('/')}/#/settings/notifications", clock=clock,
    )
    notifier.register(queue)
    triggers = Triggers(
        notifier=notifier, scheduler=scheduler, bookings=BookingRepository(db), users=users,
        progress=progress, streak_hour=settings.streak_reminder_hour,
        weekly_hour=settings.weekly_summary_hour, clock=clock,
    )
    queue.register(REMIND, triggers.remind)
    queue.register(STREAK_CHECK, triggers.streak_check)
    queue.register(WEEKLY_SUMMARY, triggers.weekly_summary)
    if tasks is not None:
        tasks.spawn(repeat_every(settings.scheduler_poll_s, scheduler.release_due,
                                 what="notification scheduler"), name="scheduler")
    return Notifications(
        store=store, scheduler=scheduler, notifier=notifier, triggers=triggers,
        inbox=Inbox(store=store, notifier=notifier, page_max=settings.notifications_page_max,
                    clock=clock),
    )
