"""The `/api/me/notifications` and `/api/me/notification-settings` use cases: the signed-in
user's inbox (newest first, optionally unread only), marking read, and their settings.

Why separate from delivery: these are request-time reads and small writes for one user;
`service.py` is the background delivery path.
"""

import time
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mockmate.errors import NotFound, invalid_payload
from mockmate.notifications.rules import NotificationSettings
from mockmate.notifications.service import Notifier, view
from mockmate.notifications.store import NotificationStore


class InboxQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unread: bool | None = None
    limit: int = Field(50, ge=1)
    before: float | None = Field(None, gt=0)  # created_ts of the last entry of a page


class Inbox:
    def __init__(self, *, store: NotificationStore, notifier: Notifier, page_max: int,
                 clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._notifier = notifier
        self._page_max = page_max
        self._clock = clock

    async def list(self, user_id: str, params: dict[str, str]) -> dict[str, Any]:
        try:
            query = InboxQuery.model_validate(params)
        except ValidationError as exc:
            raise invalid_payload(exc) from None
        docs = await self._store.page(user_id, unread=query.unread,
                                      limit=min(query.limit, self._page_max),
                                      before_ts=query.before)
        return {
            "notifications": [view(d) for d in docs],
            "unread_count": await self._store.unread_count(user_id),
            # Pass as `before` for the next page.
            "next_before": docs[-1]["created_ts"] if len(docs) == query.limit else None,
        }

    async def read(self, user_id: str, notification_id: str) -> dict[str, Any]:
        doc = await self._store.mark_read(user_id, notification_id, self._clock())
        if doc is None:
            raise NotFound("no such notification")
        return view(doc)

    async def read_all(self, user_id: str) -> int:
        return await self._store.mark_all_read(user_id, self._clock())

    async def settings(self, user_id: str) -> dict[str, Any]:
        chosen = await self._store.settings(user_id)
        return _settings_view(chosen, await self._notifier.time_zone(user_id))

    async def replace_settings(self, user_id: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            chosen = NotificationSettings.model_validate(body)
        except ValidationError as exc:
            raise invalid_payload(exc) from None
        await self._store.save_settings(user_id, chosen)
        return _settings_view(chosen, await self._notifier.time_zone(user_id))


def _settings_view(chosen: NotificationSettings, time_zone: str) -> dict[str, Any]:
    """What the user chose, with every kind's channels filled in and the zone in use."""
    return {
        "channels": {kind.value: channels for kind, channels in chosen.effective().items()},
        "quiet_hours": chosen.quiet_hours.model_dump() if chosen.quiet_hours else None,
        "time_zone": chosen.time_zone,
        "effective_time_zone": time_zone,
    }
