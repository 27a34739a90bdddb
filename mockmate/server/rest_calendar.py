"""Calendar endpoints: a booking's `.ics`, the caller's private feed URL (and rotating it),
and the feed itself, which the URL's token authenticates (calendar apps send no headers)."""

from aiohttp import web

from mockmate.bookings.replies import CalendarFeed
from mockmate.server.http import model_response, signed_in
from mockmate.server.rest_market_common import marketplace
from mockmate.storage.users import User

routes = web.RouteTableDef()
ICS = "text/calendar"


def _ics(body: bytes, filename: str) -> web.Response:
    return web.Response(body=body, content_type=ICS, charset="utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-cache",
    })


def _feed(request: web.Request, token: str) -> web.Response:
    return model_response(CalendarFeed(url=str(request.url.origin().join(
        request.app.router["calendar_feed"].url_for(token=token))), token=token))


@routes.get("/api/bookings/{booking_id}/calendar.ics")
@signed_in
async def booking_calendar(request: web.Request, user: User) -> web.Response:
    market = marketplace(request)
    booking = await market.bookings.for_party(user, request.match_info["booking_id"],
                                              admin_ok=False)
    body = await market.calendars.booking_ics(user, booking, domain=request.host)
    return _ics(body, f"mockmate-{booking.id}.ics")


@routes.get("/api/me/calendar")
@signed_in
async def feed_url(request: web.Request, user: User) -> web.Response:
    token = await marketplace(request).calendars.feed_token(user)
    return _feed(request, token)


@routes.post("/api/me/calendar/rotate")
@signed_in
async def rotate_feed(request: web.Request, user: User) -> web.Response:
    token = await marketplace(request).calendars.rotate_feed(user)
    return _feed(request, token)


@routes.get("/calendar/{token}.ics", name="calendar_feed")
async def feed(request: web.Request) -> web.Response:
    body = await marketplace(request).calendars.feed_ics(request.match_info["token"],
                                                         domain=request.host)
    return _ics(body, "mockmate.ics")
