"""Payouts opened at start-up: Stripe Connect when the marketplace pays through Stripe (the
same client and guard), test mode otherwise; the `account.updated` webhook (through the
marketplace's signed webhook endpoint); and the sweep in every process."""

from pymongo.asynchronous.database import AsyncDatabase

from mockmate.bookings.payments import PaymentProvider
from mockmate.bookings.stripe_payments import StripePayments
from mockmate.bookings.webhooks import PaymentWebhooks
from mockmate.config import Settings
from mockmate.payouts.providers import PayoutProvider, StripePayouts, TestModePayouts
from mockmate.payouts.service import Payouts
from mockmate.storage.bookings import BookingRepository
from mockmate.storage.database import Document
from mockmate.storage.experts import ExpertRepository
from mockmate.storage.ledger import LedgerRepository
from mockmate.tasks import BackgroundTasks, repeat_every


async def open_payouts(settings: Settings, *, db: AsyncDatabase[Document],
                       payments: PaymentProvider, webhooks: PaymentWebhooks,
                       tasks: BackgroundTasks | None) -> Payouts:
    provider: PayoutProvider = StripePayouts(payments) if isinstance(payments, StripePayments) \
        else TestModePayouts(settings.public_url)
    payouts = Payouts(
        db=db, experts=ExpertRepository(db), bookings=BookingRepository(db),
        ledger=LedgerRepository(db), provider=provider,
        delay_s=settings.payout_delay_hours * 3600, public_url=settings.public_url,
    )
    await payouts.ensure_indexes()
    webhooks.on_account_updated = payouts.account_updated
    if tasks is not None:
        tasks.spawn(repeat_every(settings.payout_sweep_s, payouts.sweep, what="payout sweep"),
                    name="payout-sweep")
    return payouts
