"""Where payouts go: Stripe Connect (Express accounts, onboarding links, transfers), or test
mode, which does the same with no Stripe at all.

Why the idempotency key matters: a transfer is requested with `payout-<booking>` as its key,
so a job that dies after Stripe made the transfer, and is run again, gets the same transfer
back instead of a second one (Stripe replays the stored answer for the same key).
"""

import hashlib
from dataclasses import dataclass
from typing import Protocol

import stripe

from mockmate.bookings.stripe_payments import StripePayments


@dataclass(frozen=True)
class Account:
    id: str
    payouts_enabled: bool


class PayoutProvider(Protocol):
    name: str

    async def create_account(self, *, expert_id: str, email: str,
                             idempotency_key: str) -> Account: ...

    async def account(self, account_id: str) -> Account: ...

    async def onboarding_link(self, account_id: str, *, refresh_url: str,
                              return_url: str) -> str: ...

    async def transfer(self, *, account_id: str, amount_cents: int, currency: str,
                       booking_id: str, idempotency_key: str) -> str: ...


class TestModePayouts:
    """No Stripe: accounts are ready at once and transfers are recorded ids, deterministic
    per idempotency key (so a repeat is the same transfer, as with Stripe)."""

    name = "test"

    def __init__(self, public_url: str):
        self._public_url = public_url.rstrip("/")

    async def create_account(self, *, expert_id: str, email: str,
                             idempotency_key: str) -> Account:
        return Account(id=f"acct_test_{_digest(idempotency_key)}", payouts_enabled=True)

    async def account(self, account_id: str) -> Account:
        return Account(id=account_id, payouts_enabled=True)

    async def onboarding_link(self, account_id: str, *, refresh_url: str,
                              return_url: str) -> str:
        return return_url

    async def transfer(self, *, account_id: str, amount_cents: int, currency: str,
                       booking_id: str, idempotency_key: str) -> str:
        return f"tr_test_{_digest(idempotency_key)}"


class StripePayouts:
    """Stripe Connect through the payments provider's client and guard (retries, breaker)."""

    name = "stripe"

    def __init__(self, payments: StripePayments):
        self._payments = payments
        self._client = payments.client

    async def create_account(self, *, expert_id: str, email: str,
                             idempotency_key: str) -> Account:
        async def request() -> stripe.Account:
            return await self._client.v1.accounts.create_async(
                params={"type": "express", "email": email,
                        "capabilities": {"transfers": {"requested": True}},
                        "metadata": {"expert_id": expert_id}},
                options={"idempotency_key": idempotency_key},
            )
        created = await self._payments.call("create_account", request)
        return Account(id=created.id, payouts_enabled=bool(created.payouts_enabled))

    async def account(self, account_id: str) -> Account:
        async def request() -> stripe.Account:
            return await self._client.v1.accounts.retrieve_async(account_id)
        found = await self._payments.call("retrieve_account", request)
        return Account(id=found.id, payouts_enabled=bool(found.payouts_enabled))

    async def onboarding_link(self, account_id: str, *, refresh_url: str,
                              return_url: str) -> str:
        async def request() -> stripe.AccountLink:
            return await self._client.v1.account_links.create_async(params={
                "account": account_id, "refresh_url": refresh_url, "return_url": return_url,
                "type": "account_onboarding"})
        return str((await self._payments.call("account_link", request)).url)

    async def transfer(self, *, account_id: str, amount_cents: int, currency: str,
                       booking_id: str, idempotency_key: str) -> str:
        async def request() -> stripe.Transfer:
            return await self._client.v1.transfers.create_async(
                params={"amount": amount_cents, "currency": currency.lower(),
                        "destination": account_id, "transfer_group": f"booking-{booking_id}",
                        "metadata": {"booking_id": booking_id}},
                options={"idempotency_key": idempotency_key},
            )
        return str((await self._payments.call("transfer", request)).id)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:24]
