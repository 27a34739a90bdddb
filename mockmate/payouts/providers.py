"""Where payouts go: the `PayoutProvider` port, and test mode, which does what Stripe Connect
does (`providers/stripe_payouts.py`: Express accounts, onboarding links, transfers) with no
Stripe at all.

Why the idempotency key matters: a transfer is requested with `payout-<booking>` as its key,
so a job that dies after Stripe made the transfer, and is run again, gets the same transfer
back instead of a second one (Stripe replays the stored answer for the same key).
"""

import hashlib
from dataclasses import dataclass
from typing import Protocol


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


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:24]
