"""The REST answers of an expert's payouts (`/api/experts/me/payouts/onboard`,
`/api/experts/me/earnings`): what the handlers send, as models, so docs/openapi.json
describes them (`server/http.py` `model_response`)."""

from mockmate.payouts.rules import Stage, Totals
from mockmate.wire import Reply


class Onboarding(Reply):
    account_id: str
    url: str
    payouts_enabled: bool


class OnboardingReply(Reply):
    payouts: Onboarding


class PayoutAccount(Reply):
    id: str
    payouts_enabled: bool


class SessionEarning(Reply):
    booking_id: str
    stage: Stage
    net_cents: int
    end_at: str | None
    available_at: str | None
    transfer_id: str | None


class LedgerLine(Reply):
    booking_id: str
    kind: str
    gross_cents: int
    fee_cents: int
    net_cents: int
    currency: str
    created_at: str | None


class Earnings(Totals, Reply):
    """Pending, available and paid (cents), the account, each session and the ledger."""

    currency: str
    account: PayoutAccount | None
    test_mode: bool
    sessions: list[SessionEarning]
    ledger: list[LedgerLine]


class EarningsReply(Reply):
    earnings: Earnings
