"""Plans and subscriptions (`subscriptions.wiring.open_subscriptions`) as a feature context,
opened after interviews (the start gate) and the marketplace (its webhook endpoint)."""

from collections.abc import AsyncIterator

from aiohttp import web

from mockmate.providers.stripe_checkout import StripeCheckout
from mockmate.providers.stripe_payments import StripePayments
from mockmate.server.wiring.ai import AI
from mockmate.server.wiring.core import CORE
from mockmate.server.wiring.interviews import INTERVIEWS
from mockmate.server.wiring.marketplace import MARKETPLACE
from mockmate.server.wiring.notifications import NOTIFICATIONS
from mockmate.subscriptions.service import Subscriptions
from mockmate.subscriptions.wiring import open_subscriptions

SUBSCRIPTIONS = web.AppKey("subscriptions", Subscriptions)


async def subscriptions_context(app: web.Application) -> AsyncIterator[None]:
    core, interviews, marketplace = app[CORE], app[INTERVIEWS], app[MARKETPLACE]
    payments, price = marketplace.provider, core.settings.stripe_premium_price
    # "A day" is the user's own: their notification settings' zone, else their profile's.
    time_zone = app[NOTIFICATIONS].notifier.time_zone
    app[SUBSCRIPTIONS] = open_subscriptions(
        core.settings, db=core.db, webhooks=marketplace.webhooks,
        interviews=interviews.interviews, interview_service=interviews.service,
        checkout=StripeCheckout(payments, price_id=price)
        if isinstance(payments, StripePayments) and price else None, time_zone=time_zone)
    budget = app[AI].budget
    if budget is not None:  # with an LLM: the plan's evaluations a day cap its daily calls
        budget.plan_limit = app[SUBSCRIPTIONS].llm_limit
        budget.time_zone = time_zone
    yield
