"""The expert marketplace (`bookings.wiring.open_marketplace`) as a feature context, with its
payment adapter chosen here."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

from aiohttp import web

from mockmate.bookings.payments.local import TestModePayments
from mockmate.bookings.payments.port import PaymentProvider
from mockmate.bookings.wiring import Marketplace, open_marketplace
from mockmate.config import Settings
from mockmate.providers.resilience import ProviderMetrics, make_guard
from mockmate.providers.stripe_payments import STRIPE, StripePayments
from mockmate.server.embedded import webhook_test_secret
from mockmate.server.wiring.core import CORE

MARKETPLACE = web.AppKey("marketplace", Marketplace)


def payments_from_settings(
    settings: Settings, metrics: ProviderMetrics | None = None
) -> PaymentProvider:
    """Stripe when STRIPE_SECRET_KEY is set, else test mode, signing with STRIPE_WEBHOOK_SECRET
    or, unset, with a secret generated for this installation and kept in the data dir."""
    if settings.stripe_secret_key:
        return StripePayments(
            settings.stripe_secret_key,
            settings.stripe_webhook_secret,
            api_base=settings.stripe_api_base,
            guard=make_guard(STRIPE, metrics),
        )
    return TestModePayments(
        settings.stripe_webhook_secret or webhook_test_secret(settings.data_dir)
    )


async def marketplace_context(app: web.Application) -> AsyncIterator[None]:
    core = app[CORE]
    async with AsyncExitStack() as stack:
        app[MARKETPLACE] = await open_marketplace(
            settings=core.settings, db=core.db, redis=core.redis, stack=stack, tasks=core.tasks,
            emitter=core.emitter,
            provider=payments_from_settings(core.settings, core.provider_metrics),
        )
        yield
