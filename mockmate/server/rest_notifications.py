"""`/api/me/notifications` (the inbox) and `/api/me/notification-settings`
(docs/notifications.md); the use cases are in `notifications/inbox.py`."""

from aiohttp import web

from mockmate.notifications.replies import (
    Inbox,
    MarkedRead,
    NotificationReply,
    SettingsReply,
)
from mockmate.server.http import model_response, read_json_object, signed_in
from mockmate.server.wiring.notifications import NOTIFICATIONS
from mockmate.storage.users import User

routes = web.RouteTableDef()


@routes.get("/api/me/notifications")
@signed_in
async def list_notifications(request: web.Request, user: User) -> web.Response:
    inbox = request.app[NOTIFICATIONS].inbox
    return model_response(Inbox.model_validate(await inbox.list(user.id, dict(request.query))))


@routes.post("/api/me/notifications/read-all")
@signed_in
async def read_all(request: web.Request, user: User) -> web.Response:
    marked = await request.app[NOTIFICATIONS].inbox.read_all(user.id)
    return model_response(MarkedRead(marked_read=marked))


@routes.post("/api/me/notifications/{notification_id}/read")
@signed_in
async def read_one(request: web.Request, user: User) -> web.Response:
    notification = await request.app[NOTIFICATIONS].inbox.read(
        user.id, request.match_info["notification_id"])
    return model_response(NotificationReply.model_validate({"notification": notification}))


@routes.get("/api/me/notification-settings")
@signed_in
async def get_settings(request: web.Request, user: User) -> web.Response:
    settings = await request.app[NOTIFICATIONS].inbox.settings(user.id)
    return model_response(SettingsReply.model_validate({"settings": settings}))


@routes.put("/api/me/notification-settings")
@signed_in
async def put_settings(request: web.Request, user: User) -> web.Response:
    body = await read_json_object(request)
    settings = await request.app[NOTIFICATIONS].inbox.replace_settings(user.id, body)
    return model_response(SettingsReply.model_validate({"settings": settings}))
