"""Expert payouts (`payouts.wiring.open_payouts`) as a feature context, opened after the
marketplace: it pays through the marketplace's payment provider (Stripe Connect on the same
client and guard when that is Stripe, test mode otherwise) and takes the `account.updated`
events from the marketplace's signed webhook endpoint."""

from collections.abc import AsyncIterator

from aiohttp import web

from mockmate.bookings.payments.port import PaymentProvider
from mockmate.config import Settings
from mockmate.payouts.providers import PayoutProvider, TestModePayouts
from mockmate.payouts.service import Payouts
from mockmate.payouts.wiring import open_payouts
from mockmate.providers.stripe_payments import StripePayments
from mockmate.providers.stripe_payouts import StripePayouts
from mockmate.server.wiring.core import CORE
from mockmate.server.wiring.marketplace import MARKETPLACE

PAYOUTS = web.AppKey("payouts", Payouts)


def payouts_provider(settings: Settings, payments: PaymentProvider) -> PayoutProvider:
    if isinstance(payments, StripePayments):
        return StripePayouts(payments)
    return TestModePayouts(settings.public_url)


async def payouts_context(app: web.Application) -> AsyncIterator[None]:
    core, marketplace = app[CORE], app[MARKETPLACE]
    app[PAYOUTS] = await open_payouts(
        core.settings, db=core.db, provider=payouts_provider(core.settings, marketplace.provider),
        webhooks=marketplace.webhooks, tasks=core.tasks,
    )
    yield
