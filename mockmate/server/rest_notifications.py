"""`/api/me/notifications` (the inbox) and `/api/me/notification-settings`
(docs/notifications.md); the use cases are in `notifications/inbox.py`."""

from aiohttp import web

from mockmate.server.http import current_user, read_json_object
from mockmate.server.keys import SERVICES

routes = web.RouteTableDef()


@routes.get("/api/me/notifications")
async def list_notifications(request: web.Request) -> web.Response:
    user = await current_user(request)
    inbox = request.app[SERVICES].notifications.inbox
    return web.json_response(await inbox.list(user.id, dict(request.query)))


@routes.post("/api/me/notifications/read-all")
async def read_all(request: web.Request) -> web.Response:
    user = await current_user(request)
    marked = await request.app[SERVICES].notifications.inbox.read_all(user.id)
    return web.json_response({"marked_read": marked})


@routes.post("/api/me/notifications/{notification_id}/read")
async def read_one(request: web.Request) -> web.Response:
    user = await current_user(request)
    notification = await request.app[SERVICES].notifications.inbox.read(
        user.id, request.match_info["notification_id"])
    return web.json_response({"notification": notification})


@routes.get("/api/me/notification-settings")
async def get_settings(request: web.Request) -> web.Response:
    user = await current_user(request)
    settings = await request.app[SERVICES].notifications.inbox.settings(user.id)
    return web.json_response({"settings": settings})


@routes.put("/api/me/notification-settings")
async def put_settings(request: web.Request) -> web.Response:
    user = await current_user(request)
    body = await read_json_object(request)
    settings = await request.app[SERVICES].notifications.inbox.replace_settings(user.id, body)
    return web.json_response({"settings": settings})
