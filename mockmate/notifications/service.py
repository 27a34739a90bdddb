"""Delivering one notification: to the inbox and every socket of its user, and by e-mail
(now, or when the user's quiet hours end), as their settings say.

Why through the job queue: whoever causes a notification (a webhook, a REST call, an
evaluation job) only appends a `notify` job, which is durable once XADD returns and cannot
fail the money or progress path that caused it. The job, on any process, creates the inbox
entry under an id derived from (user, kind, cause), so a retried job finds the entry it made
and finishes what is left: the socket event (marked `emitted`), the e-mail (claimed before
the SMTP call, so a worker dying after sending never causes a second mail; store.py).
"""

import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from mockmate.bookings.views import iso, to_dt
from mockmate.jobs.queue import JobQueue
from mockmate.mail import Mail, Mailer
from mockmate.notifications.rules import Kind, channels_for, email_due, zone
from mockmate.notifications.scheduler import Scheduler
from mockmate.notifications.store import NotificationStore
from mockmate.notifications.templates import render
from mockmate.ports import Emitter
from mockmate.storage.database import Document
from mockmate.storage.users import UserRepository

log = logging.getLogger(__name__)

NOTIFY = "notify"
SEND_EMAIL = "notify_email"
EVENT = "notification"


class NotificationView(BaseModel):
    """The inbox entry and the `notification` event's payload (docs/protocol.md)."""

    id: str
    kind: Kind
    title: str
    body: str
    data: dict[str, Any]
    created_at: str
    read: bool
    read_at: str | None


def view(doc: Document) -> dict[str, Any]:
    return NotificationView(
        id=doc["_id"], kind=doc["kind"], title=doc["title"], body=doc["body"],
        data=doc.get("data") or {}, created_at=iso(doc["created_ts"]) or "",
        read=bool(doc.get("read")), read_at=iso(doc.get("read_ts")),
    ).model_dump(mode="json")


def notification_id(user_id: str, kind: Kind, cause: str) -> str:
    return hashlib.sha256(f"{user_id}\n{kind}\n{cause}".encode()).hexdigest()[:32]


def local_time_text(ts: float, tz_name: str) -> str:
    """`Tue 1 Dec 2026, 15:00 (Europe/Paris)`: a session's start as its reader lives it."""
    local = datetime.fromtimestamp(ts, zone(tz_name))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({tz_name})"


class Notifier:
    def __init__(
        self, *, store: NotificationStore, queue: JobQueue, scheduler: Scheduler,
        emitter: Emitter, mailer: Mailer, users: UserRepository,
        profile_time_zone: Callable[[str], Awaitable[str]], settings_url: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._queue = queue
        self._scheduler = scheduler
        self._emitter = emitter
        self._mailer = mailer
        self._users = users
        self._profile_tz = profile_time_zone
        self._settings_url = settings_url
        self._clock = clock

    async def publish(self, user_id: str, kind: Kind, cause: str, data: dict[str, Any]) -> None:
        """Tell `user_id` about `cause` (durably queued; delivered once per user, kind, cause).
        `data` values are shown in the text; a `*_ts` value is shown as local time."""
        await self._queue.enqueue(NOTIFY, {"user_id": user_id, "kind": kind.value,
                                           "cause": cause, "data": data})

    async def time_zone(self, user_id: str) -> str:
        settings = await self._store.settings(user_id)
        return settings.time_zone or await self._profile_tz(user_id)

    async def deliver(self, payload: dict[str, Any]) -> None:
        """The `notify` job."""
        user_id, kind = str(payload["user_id"]), Kind(payload["kind"])
        user = await self._users.by_id(user_id)
        if user is None:
            return  # the account is gone
        settings = await self._store.settings(user_id)
        channels = channels_for(settings, kind)
        if not channels:
            return  # "none" for this kind
        tz = settings.time_zone or await self._profile_tz(user_id)
        data = dict(payload.get("data") or {})
        for key, value in list(data.items()):
            if key.endswith("_ts") and isinstance(value, int | float):
                data[key.removesuffix("_ts") + "_at"] = local_time_text(float(value), tz)
        now = self._clock()
        text = render(kind, data, settings_url=self._settings_url)
        doc, _ = await self._store.create({
            "_id": notification_id(user_id, kind, str(payload["cause"])), "user_id": user_id,
            "kind": kind.value, "cause": str(payload["cause"]), "title": text.title,
            "body": text.body, "data": data, "created_ts": now, "read": False, "read_ts": None,
            "in_app": "in_app" in channels, "emitted": False,
            "email_state": "pending" if "email" in channels else "none", "email_to": user.email,
        })
        if doc["in_app"] and not doc.get("emitted"):
            await self._emitter.to_user(user_id, EVENT, view(doc))
            await self._store.set_fields(doc["_id"], {"emitted": True})
        if doc["email_state"] == "pending":
            due = email_due(settings, zone(tz), kind, to_dt(doc["created_ts"])).timestamp()
            if due > now:
                await self._scheduler.schedule(f"email:{doc['_id']}", due, SEND_EMAIL,
                                               {"id": doc["_id"]})
                await self._store.move_email(doc["_id"], ["pending"],
                                             {"email_state": "deferred", "email_due_ts": due})
            else:
                await self._send(doc["_id"])
        elif doc["email_state"] == "sending":
            await self._send(doc["_id"])  # a dead worker's claim: settled as uncertain

    async def send_email(self, payload: dict[str, Any]) -> None:
        """The `notify_email` job: a mail held back by quiet hours, now due (unless the user
        turned e-mail off for its kind meanwhile)."""
        doc = await self._store.get(str(payload["id"]))
        if doc is None:
            return  # erased with its account
        settings = await self._store.settings(doc["user_id"])
        if "email" not in channels_for(settings, Kind(doc["kind"])):
            await self._store.move_email(doc["_id"], ["deferred", "pending"],
                                         {"email_state": "cancelled"})
            return
        await self._send(doc["_id"])

    async def _send(self, notification_id: str) -> None:
        claimed = await self._store.move_email(
            notification_id, ["pending", "deferred"],
            {"email_state": "sending", "email_claimed_ts": self._clock()},
        )
        if claimed is None:
            # Sent already, or claimed by a worker that died (before or after the SMTP
            # server took the mail: unknowable, so it is not sent again).
            if await self._store.move_email(notification_id, ["sending"],
                                            {"email_state": "uncertain"}):
                log.warning("notification %s: its mailer died mid-send; not resent",
                            notification_id)
            return
        text = render(Kind(claimed["kind"]), claimed["data"], settings_url=self._settings_url)
        mail = Mail(to=claimed["email_to"], subject=text.subject, text=text.text, html=text.html,
                    message_id=f"<{notification_id}@notifications.mockmate>")
        try:
            await self._mailer.send(mail)
        except Exception:
            # Refused or unreachable: not delivered, so the retried job may send it.
            await self._store.move_email(notification_id, ["sending"], {"email_state": "pending"})
            raise
        await self._store.move_email(notification_id, ["sending"],
                                     {"email_state": "sent", "email_sent_ts": self._clock()})

    def register(self, queue: JobQueue) -> None:
        queue.register(NOTIFY, self.deliver)
        queue.register(SEND_EMAIL, self.send_email)
