"""Builds plans and subscriptions and plugs them into the marketplace's webhook endpoint
(the four subscription events) and the interview start (the daily gate)."""

from collections.abc import Awaitable, Callable

from pymongo.asynchronous.database import AsyncDatabase

from mockmate.bookings.payments.local import TestModePayments
from mockmate.bookings.webhooks import PaymentWebhooks
from mockmate.config import Settings
from mockmate.interviews.service import InterviewService
from mockmate.storage.database import Document
from mockmate.storage.interviews import InterviewRepository
from mockmate.storage.subscriptions import SubscriptionStore
from mockmate.subscriptions.plans import STRIPE_EVENTS, parse_plans
from mockmate.subscriptions.service import CheckoutProvider, Subscriptions


def open_subscriptions(
    settings: Settings, *, db: AsyncDatabase[Document], webhooks: PaymentWebhooks,
    interviews: InterviewRepository, interview_service: InterviewService,
    checkout: CheckoutProvider | None = None,
    time_zone: Callable[[str], Awaitable[str]] | None = None,
) -> Subscriptions:
    subscriptions = Subscriptions(
        store=SubscriptionStore(db), plans=parse_plans(settings.plans), interviews=interviews,
        handle=webhooks.handle, test_mode=isinstance(webhooks.provider, TestModePayments),
        public_url=settings.public_url, checkout=checkout, time_zone=time_zone,
    )
    for event_type in STRIPE_EVENTS:
        webhooks.on_event[event_type] = subscriptions.event_received
    interview_service.before_start = subscriptions.before_interview
    return subscriptions
