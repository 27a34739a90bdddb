"""The REST answers of the inbox and the notification settings (`/api/me/notifications`,
`/api/me/notification-settings`): what the handlers send, as models, so docs/openapi.json
describes them (`server/http.py` `model_response`)."""

from mockmate.notifications.rules import Channel, QuietHours
from mockmate.notifications.service import NotificationView
from mockmate.wire import Reply


class Inbox(Reply):
    notifications: list[NotificationView]
    unread_count: int
    next_before: float | None  # pass as `before` for the next page


class MarkedRead(Reply):
    marked_read: int


class NotificationReply(Reply):
    notification: NotificationView


class SettingsView(Reply):
    """What the user chose, with every kind's channels filled in and the zone in use."""

    channels: dict[str, list[Channel]]
    quiet_hours: QuietHours | None
    time_zone: str | None
    effective_time_zone: str


class SettingsReply(Reply):
    settings: SettingsView
