"""`/api/me/subscription`: the caller's plan, a checkout for premium, and test-mode events
(docs/subscriptions.md)."""

from aiohttp import web
from pydantic import BaseModel, ConfigDict

from mockmate.server.http import model_response, read_json, read_optional_json, signed_in
from mockmate.server.wiring.subscriptions import SUBSCRIPTIONS
from mockmate.storage.users import User
from mockmate.subscriptions.plans import EventKind
from mockmate.subscriptions.replies import CheckoutReply, SubscriptionReply, TestEventReply

routes = web.RouteTableDef()


class NoBody(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TestEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: EventKind


@routes.get("/api/me/subscription")
@signed_in
async def subscription(request: web.Request, user: User) -> web.Response:
    return model_response(SubscriptionReply.model_validate(
        {"subscription": await request.app[SUBSCRIPTIONS].view(user.id)}))


@routes.post("/api/me/subscription/checkout")
@signed_in
async def checkout(request: web.Request, user: User) -> web.Response:
    await read_optional_json(request, NoBody)
    return model_response(CheckoutReply.model_validate(
        {"checkout": await request.app[SUBSCRIPTIONS].checkout(user)}))


@routes.post("/api/me/subscription/test-event")
@signed_in
async def test_event(request: web.Request, user: User) -> web.Response:
    body = await read_json(request, TestEvent)
    service = request.app[SUBSCRIPTIONS]
    outcome = await service.test_event(user, body.type)
    return model_response(TestEventReply.model_validate(
        {"outcome": outcome, "subscription": await service.view(user.id)}))
