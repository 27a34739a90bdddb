"""The REST answers of `/api/me/subscription`: what the handlers send, as models, so
docs/openapi.json describes them (`server/http.py` `model_response`)."""

from mockmate.subscriptions.plans import Plan, Status
from mockmate.wire import Reply


class SubscriptionView(Reply):
    plan: str
    status: Status
    period_end: str | None
    limits: Plan
    interviews_today: int
    test_mode: bool


class SubscriptionReply(Reply):
    subscription: SubscriptionView


class Checkout(Reply):
    url: str
    test_mode: bool


class CheckoutReply(Reply):
    checkout: Checkout


class TestEventReply(Reply):
    outcome: str
    subscription: SubscriptionView
