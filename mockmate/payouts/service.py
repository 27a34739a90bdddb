"""Expert payouts: onboarding a connected account, the earnings page, and the transfers.

Why this shape: every process sweeps for sessions whose refund window has passed
(`MOCKMATE_PAYOUT_DELAY_HOURS` after their end) and pays each with `pay_booking`, which is
safe to run any number of times at once. A transfer is claimed by inserting the booking's
`payouts` document (its `_id` is the booking id: one per booking, ever) before the provider
is called, and is requested with the idempotency key `payout-<booking>`. A twin that loses the
insert leaves it to the winner; if the winner died mid-transfer (its claim older than
`CLAIM_STALE_S`), the twin repeats the request with the same key, which gets the same transfer
back, and records it. So a booking is transferred once, never twice.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from mockmate.bookings.payments.port import PaymentError, PaymentEvent
from mockmate.bookings.views import iso
from mockmate.domain import BookingStatus
from mockmate.errors import InvalidState, MockMateError, NotFound, Unavailable
from mockmate.payouts import rules
from mockmate.payouts.providers import PayoutProvider
from mockmate.storage.bookings import DELETED_USER, BookingRepository
from mockmate.storage.database import Document
from mockmate.storage.experts import ExpertRepository
from mockmate.storage.ledger import LedgerRepository
from mockmate.storage.users import User

log = logging.getLogger(__name__)

CLAIM_STALE_S = 120.0
_EARNING = [BookingStatus.CONFIRMED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW]


class Payouts:
    def __init__(
        self, *, db: AsyncDatabase[Document], experts: ExpertRepository,
        bookings: BookingRepository, ledger: LedgerRepository, provider: PayoutProvider,
        delay_s: float, public_url: str, clock: Callable[[], float] = time.time,
    ) -> None:
        self._accounts = db["payout_accounts"]
        self._payouts = db["payouts"]
        self._experts = experts
        self._bookings = bookings
        self._ledger = ledger
        self.provider = provider
        self._delay_s = delay_s
        self._public_url = public_url.rstrip("/")
        self._clock = clock

    async def ensure_indexes(self) -> None:
        await self._payouts.create_index("expert_id")
        await self._payouts.create_index("expert_user_id")
        await self._accounts.create_index("user_id")

    # The expert ---------------------------------------------------------------------------

    async def _expert_of(self, user: User) -> Document:
        expert = await self._experts.by_user(user.id)
        if expert is None:
            raise NotFound("you are not an expert")
        return expert

    async def onboard(self, user: User) -> dict[str, Any]:
        """`POST /api/experts/me/payouts/onboard`: the connected account (made once) and a
        link where the expert completes it."""
        expert = await self._expert_of(user)
        if expert["status"] != "active":
            raise InvalidState("only verified experts are paid out")
        account = await self._accounts.find_one({"_id": expert["_id"]})
        if account is None:
            made = await self._call(self.provider.create_account(
                expert_id=expert["_id"], email=user.email,
                idempotency_key=f"expert-{expert['_id']}-account"))
            account = {"_id": expert["_id"], "user_id": user.id, "account_id": made.id,
                       "payouts_enabled": made.payouts_enabled, "provider": self.provider.name,
                       "created_ts": self._clock()}
            try:
                await self._accounts.insert_one(account)
            except DuplicateKeyError:  # a concurrent onboard: same key, same account
                account = await self._accounts.find_one({"_id": expert["_id"]}) or account
        base = f"{self._public_url}/#/expert/payouts"
        url = await self._call(self.provider.onboarding_link(
            account["account_id"], refresh_url=f"{base}?refresh=1", return_url=f"{base}?done=1"))
        return {"account_id": account["account_id"], "url": url,
                "payouts_enabled": bool(account["payouts_enabled"])}

    async def earnings(self, user: User) -> dict[str, Any]:
        """`GET /api/experts/me/earnings`: pending, available and paid, with the ledger."""
        expert = await self._expert_of(user)
        account = await self._refreshed_account(expert["_id"])
        entries = [e for e in await self._ledger.for_user(user.id)
                   if e["expert_id"] == expert["_id"]]
        nets: dict[str, int] = {}
        for entry in entries:
            nets[entry["booking_id"]] = nets.get(entry["booking_id"], 0) + int(entry["net_cents"])
        paid = {p["_id"]: p async for p in self._payouts.find({"expert_id": expert["_id"]})}
        now, rows, sessions = self._clock(), [], []
        for booking in await self._bookings.find({"expert_id": expert["_id"]}, limit=10_000):
            net = nets.get(booking.id, 0)
            payout = paid.get(booking.id)
            where = rules.stage(booking, net, paid=bool(payout and payout["state"] == "paid"),
                                now_ts=now, delay_s=self._delay_s)
            if where is None:
                continue
            amount = int(payout["amount_cents"]) if where == "paid" and payout else net
            rows.append((where, amount))
            sessions.append({"booking_id": booking.id, "stage": where,
                             "net_cents": amount, "end_at": iso(booking.end_ts),
                             "available_at": iso(booking.end_ts + self._delay_s),
                             "transfer_id": payout.get("transfer_id") if payout else None})
        return {
            **rules.totals(rows).model_dump(), "currency": expert.get("currency", "usd"),
            "account": {"id": account["account_id"],
                        "payouts_enabled": bool(account["payouts_enabled"])} if account
            else None,
            "test_mode": self.provider.name == "test",
            "sessions": sessions,
            "ledger": [{k: e[k] for k in ("booking_id", "kind", "gross_cents", "fee_cents",
                                          "net_cents", "currency", "created_at")}
                       for e in entries],
        }

    async def _refreshed_account(self, expert_id: str) -> Document | None:
        account = await self._accounts.find_one({"_id": expert_id})
        if account is not None and not account["payouts_enabled"]:
            try:
                fresh = await self.provider.account(account["account_id"])
            except PaymentError as exc:
                log.info("could not refresh payout account of %s: %s", expert_id, exc)
                return account
            if fresh.payouts_enabled:
                await self._accounts.update_one({"_id": expert_id},
                                                {"$set": {"payouts_enabled": True}})
                account["payouts_enabled"] = True
        return account

    async def account_updated(self, event: PaymentEvent) -> str:
        """The signed `account.updated` webhook: onboarding finished (or payouts stopped)."""
        if event.account_id is None or event.payouts_enabled is None:
            return "ignored"
        updated = await self._accounts.update_one(
            {"account_id": event.account_id},
            {"$set": {"payouts_enabled": event.payouts_enabled}})
        if not updated.matched_count:
            return "unknown account"
        return "payouts enabled" if event.payouts_enabled else "payouts disabled"

    # Transfers ----------------------------------------------------------------------------

    async def sweep(self) -> int:
        """Pay every booking whose refund window has passed (any process, any number)."""
        due = await self._bookings.find({
            "status": {"$in": [BookingStatus.COMPLETED, BookingStatus.NO_SHOW]},
            "end_ts": {"$lte": self._clock() - self._delay_s},
        }, limit=500)
        ids = [b.id for b in due]
        done = {p["_id"] async for p in self._payouts.find(
            {"_id": {"$in": ids}, "state": "paid"}, {"_id": 1})}
        paid = 0
        for booking in due:
            if booking.id in done:
                continue
            try:
                paid += await self.pay_booking(booking.id) == "paid"
            except MockMateError as exc:  # the provider is down: the next sweep retries
                log.warning("payout of booking %s postponed: %s", booking.id, exc.message)
        return paid

    async def pay_booking(self, booking_id: str) -> str:
        """Transfer the expert's share of `booking_id` if it is due; the outcome."""
        booking = await self._bookings.get(booking_id)
        if booking is None:
            return "unknown"
        net = sum(int(e["net_cents"]) for e in await self._ledger.for_booking(booking_id))
        existing = await self._payouts.find_one({"_id": booking_id})
        if existing is not None and existing["state"] == "paid":
            return "paid already"
        if rules.stage(booking, net, paid=False, now_ts=self._clock(),
                       delay_s=self._delay_s) != "available":
            return "not due"
        account = await self._refreshed_account(booking.expert_id)
        if account is None or not account["payouts_enabled"]:
            return "no account"
        now = self._clock()
        if existing is None:
            claim = {"_id": booking_id, "expert_id": booking.expert_id,
                     "expert_user_id": booking.expert_user_id, "amount_cents": net,
                     "currency": booking.currency, "account_id": account["account_id"],
                     "state": "transferring", "claimed_ts": now, "created_at": iso(now)}
            try:
                await self._payouts.insert_one(claim)
            except DuplicateKeyError:
                return "claimed by another worker"
            existing = claim
        elif now - float(existing["claimed_ts"]) < CLAIM_STALE_S:
            return "claimed by another worker"
        # The same key and amount as the claim's, so a repeat is the same transfer.
        transfer_id = await self._call(self.provider.transfer(
            account_id=existing["account_id"], amount_cents=int(existing["amount_cents"]),
            currency=existing["currency"], booking_id=booking_id,
            idempotency_key=f"payout-{booking_id}"))
        await self._payouts.update_one({"_id": booking_id, "state": "transferring"}, {"$set": {
            "state": "paid", "transfer_id": transfer_id, "paid_ts": self._clock(),
            "provider": self.provider.name}})
        log.info("paid out booking %s: %s", booking_id, transfer_id)
        return "paid"

    # Account export and erasure -----------------------------------------------------------

    async def export_user(self, user_id: str) -> dict[str, Any]:
        account = await self._accounts.find_one({"user_id": user_id})
        return {"account": account,
                "payouts": [p async for p in self._payouts.find({"expert_user_id": user_id})]}

    async def erase_user(self, user_id: str) -> None:
        """Transfers are money records and stay, without the user's id; the connected
        account's reference goes (the account itself lives on at Stripe, as payments do)."""
        await self._accounts.delete_many({"user_id": user_id})
        await self._payouts.update_many({"expert_user_id": user_id},
                                        {"$set": {"expert_user_id": DELETED_USER}})

    async def _call(self, request: Any) -> Any:
        try:
            return await request
        except PaymentError as exc:
            raise Unavailable(
                f"payouts are unavailable, try again later ({exc})") from None
