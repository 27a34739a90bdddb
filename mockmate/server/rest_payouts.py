"""`/api/experts/me/payouts/onboard` and `/api/experts/me/earnings` (docs/marketplace.md,
"Payouts"); the use cases are in `payouts/service.py`."""

from aiohttp import web

from mockmate.payouts.replies import EarningsReply, OnboardingReply
from mockmate.server.http import model_response, signed_in
from mockmate.server.wiring.payouts import PAYOUTS
from mockmate.storage.users import User

routes = web.RouteTableDef()


@routes.post("/api/experts/me/payouts/onboard")
@signed_in
async def onboard(request: web.Request, user: User) -> web.Response:
    return model_response(OnboardingReply.model_validate(
        {"payouts": await request.app[PAYOUTS].onboard(user)}))


@routes.get("/api/experts/me/earnings")
@signed_in
async def earnings(request: web.Request, user: User) -> web.Response:
    return model_response(EarningsReply.model_validate(
        {"earnings": await request.app[PAYOUTS].earnings(user)}))
