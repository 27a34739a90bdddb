"""Payouts opened at start-up with the provider the server chose (Stripe Connect when the
marketplace pays through Stripe, test mode otherwise): the `account.updated` webhook (through
the marketplace's signed webhook endpoint), and the sweep in every process."""

from pymongo.asynchronous.database import AsyncDatabase

from mockmate.bookings.webhooks import PaymentWebhooks
from mockmate.config import Settings
from mockmate.payouts.providers import PayoutProvider
from mockmate.payouts.service import Payouts
from mockmate.storage.bookings import BookingRepository
from mockmate.storage.database import Document
from mockmate.storage.experts import ExpertRepository
from mockmate.storage.ledger import LedgerRepository
from mockmate.tasks import BackgroundTasks, repeat_every


async def open_payouts(settings: Settings, *, db: AsyncDatabase[Document],
                       provider: PayoutProvider, webhooks: PaymentWebhooks,
                       tasks: BackgroundTasks | None) -> Payouts:
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
