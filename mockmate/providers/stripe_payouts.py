"""Stripe Connect payouts (Express accounts, onboarding links, transfers) behind the payouts
port (`payouts/providers.py`), through the Stripe payments adapter's client and guard.

Transfers carry the caller's idempotency key, so a repeated transfer request gets Stripe's
stored answer instead of a second transfer.
"""

import stripe

from mockmate.payouts.providers import Account
from mockmate.providers.stripe_payments import StripePayments


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
