"""Notifications (`notifications.wiring.open_notifications`) as a feature context: the inbox,
the scheduler and its poller, the notifier's jobs, and the triggers that the progress hooks and
the marketplace report to (so it opens before both).

It sends its mail through the accounts feature's mailer: one SMTP configuration, one outbox.
"""

from collections.abc import AsyncIterator

from aiohttp import web

from mockmate.notifications.wiring import Notifications, open_notifications
from mockmate.server.wiring.accounts import ACCOUNTS
from mockmate.server.wiring.core import CORE
from mockmate.storage.profiles import ProfileRepository
from mockmate.storage.progress import ProgressRepository

NOTIFICATIONS = web.AppKey("notifications", Notifications)


async def notifications_context(app: web.Application) -> AsyncIterator[None]:
    core, accounts = app[CORE], app[ACCOUNTS]
    app[NOTIFICATIONS] = await open_notifications(
        core.settings, db=core.db, redis=core.redis, queue=core.queue, emitter=core.emitter,
        users=accounts.users, profiles=ProfileRepository(core.db),
        progress=ProgressRepository(core.db), tasks=core.tasks,
        mailer=accounts.security.mailer,
    )
    yield
