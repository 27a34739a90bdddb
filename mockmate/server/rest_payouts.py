"""`/api/experts/me/payouts/onboard` and `/api/experts/me/earnings` (docs/marketplace.md,
"Payouts"); the use cases are in `payouts/service.py`."""

from aiohttp import web

from mockmate.server.http import current_user
from mockmate.server.keys import SERVICES

routes = web.RouteTableDef()


@routes.post("/api/experts/me/payouts/onboard")
async def onboard(request: web.Request) -> web.Response:
    user = await current_user(request)
    return web.json_response({"payouts": await request.app[SERVICES].payouts.onboard(user)})


@routes.get("/api/experts/me/earnings")
async def earnings(request: web.Request) -> web.Response:
    user = await current_user(request)
    return web.json_response({"earnings": await request.app[SERVICES].payouts.earnings(user)})
