"""The marketplace's services, opened once at start-up by the server's marketplace context.

Why here: the marketplace owns its collections (indexes included), its payment provider
(chosen by the server: Stripe when STRIPE_SECRET_KEY is set, test mode otherwise) and its
sweeper task, so the rest of the server only sees one `Marketplace` object: REST handlers
use its services, and the account component calls `export_user`/`erase_user`.
"""

import logging
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from mockmate.bookings.account import MarketplaceAccount
from mockmate.bookings.booking_service import BookingService
from mockmate.bookings.calendar_service import BookingCalendars
from mockmate.bookings.experts import ExpertService
from mockmate.bookings.moves import Rescheduler
from mockmate.bookings.observer import MarketplaceObserver
from mockmate.bookings.payments.port import PaymentProvider
from mockmate.bookings.search import ExpertSearch
from mockmate.bookings.settlement import Settlement
from mockmate.bookings.sweeper import BookingSweeper
from mockmate.bookings.webhooks import PaymentWebhooks
from mockmate.config import Settings
from mockmate.ports import Emitter
from mockmate.storage.bookings import BookingRepository, SlotCells
from mockmate.storage.calendar_feeds import CalendarFeeds
from mockmate.storage.database import Document
from mockmate.storage.experts import ExpertDocumentStore, ExpertRepository
from mockmate.storage.ledger import FeedbackRepository, LedgerRepository, PaymentEventRepository
from mockmate.storage.users import UserRepository
from mockmate.tasks import BackgroundTasks

log = logging.getLogger(__name__)


@dataclass
class Marketplace:
    settings: Settings
    provider: PaymentProvider
    experts: ExpertService
    search: ExpertSearch
    bookings: BookingService
    webhooks: PaymentWebhooks
    sweeper: BookingSweeper
    account: MarketplaceAccount
    calendars: BookingCalendars
    moves: Rescheduler

    async def export_user(self, user_id: str) -> dict[str, Any]:
        """Everything marketplace-related about the user (JSON-ready)."""
        return await self.account.export_user(user_id)

    async def erase_user(self, user_id: str) -> None:
        """Cancel the user's upcoming bookings, delete their expert profile and documents,
        and anonymize what must remain."""
        await self.account.erase_user(user_id)
        await self.calendars.forget(user_id)


async def open_marketplace(
    *, settings: Settings, db: AsyncDatabase[Document], redis: Redis, stack: AsyncExitStack,
    tasks: BackgroundTasks, emitter: Emitter, provider: PaymentProvider,
    observer: MarketplaceObserver | None = None,
) -> Marketplace:
    experts, documents = ExpertRepository(db), ExpertDocumentStore(db)
    bookings, cells = BookingRepository(db), SlotCells(db)
    ledger, events, feedback = LedgerRepository(db), PaymentEventRepository(db), \
        FeedbackRepository(db)
    feeds = CalendarFeeds(db)
    for repository in (experts, bookings, cells, ledger, feedback, feeds):
        await repository.ensure_indexes()
    stack.push_async_callback(provider.aclose)
    log.info("marketplace payments: %s", "Stripe" if provider.name == "stripe" else "test mode")
    min_notice = timedelta(minutes=settings.booking_min_notice_minutes)
    settlement = Settlement(
        bookings=bookings, cells=cells, ledger=ledger, experts=experts, provider=provider,
        meeting_url_base=settings.meeting_url_base, emitter=emitter, observer=observer,
    )
    moves = Rescheduler(experts=experts, bookings=bookings, cells=cells, settlement=settlement,
                        min_notice=min_notice)
    sweeper = BookingSweeper(bookings=bookings, cells=cells, settlement=settlement,
                             interval_s=settings.booking_sweep_s, moves=moves)
    marketplace = Marketplace(
        settings=settings,
        provider=provider,
        experts=ExpertService(experts=experts, documents=documents, observer=observer),
        search=ExpertSearch(db=db, experts=experts, bookings=bookings, cells=cells,
                            min_notice=min_notice),
        bookings=BookingService(
            experts=experts, bookings=bookings, cells=cells, feedback=feedback,
            settlement=settlement, provider=provider,
            hold=timedelta(minutes=settings.booking_hold_minutes), min_notice=min_notice,
        ),
        webhooks=PaymentWebhooks(events=events, bookings=bookings, settlement=settlement,
                                 provider=provider),
        sweeper=sweeper,
        account=MarketplaceAccount(experts=experts, documents=documents, bookings=bookings,
                                   ledger=ledger, feedback=feedback, settlement=settlement),
        calendars=BookingCalendars(bookings=bookings, experts=experts,
                                   users=UserRepository(db), feeds=feeds),
        moves=moves,
    )
    tasks.spawn(sweeper.run_forever(), name="booking-sweeper")
    return marketplace
