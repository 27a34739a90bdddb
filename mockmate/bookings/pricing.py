"""Session prices and the platform/expert split, in integer cents.

Why: money must never pass through floats. A session costs the expert's hourly rate times its
length, rounded half-up to the cent; the platform keeps a 20 % fee (also half-up) and the
expert gets the rest, so fee + net is always exactly the gross. When some of the gross is
refunded, the fee and the net are reversed in the same proportion and the two reversals add up
to exactly the refunded amount, so the books still balance after partial refunds.
"""

from pydantic import BaseModel, ConfigDict, Field, model_validator

PLATFORM_FEE_BPS = 2000  # basis points: 2000 / 10_000 = 20 %
_BPS = 10_000


def div_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves up (non-negative only)."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("div_half_up takes a non-negative numerator and a positive denominator")
    return (2 * numerator + denominator) // (2 * denominator)


class Split(BaseModel):
    """An amount and who it belongs to: `fee_cents` to the platform, `net_cents` to the expert.
    Invariant: gross_cents == fee_cents + net_cents."""

    model_config = ConfigDict(frozen=True)

    gross_cents: int = Field(ge=0)
    fee_cents: int = Field(ge=0)
    net_cents: int = Field(ge=0)
    currency: str = "usd"

    @model_validator(mode="after")
    def _balanced(self) -> "Split":
        if self.fee_cents + self.net_cents != self.gross_cents:
            raise ValueError("fee_cents + net_cents must equal gross_cents")
        return self


def price_cents(hourly_cents: int, minutes: int) -> int:
    """The price of `minutes` at `hourly_cents` per hour, rounded half-up to the cent."""
    if hourly_cents < 0 or minutes < 0:
        raise ValueError("hourly_cents and minutes must not be negative")
    return div_half_up(hourly_cents * minutes, 60)


def platform_fee_cents(gross_cents: int, fee_bps: int = PLATFORM_FEE_BPS) -> int:
    """The platform's share of `gross_cents` (20 % by default), half-up to the cent."""
    if not 0 <= fee_bps <= _BPS:
        raise ValueError("fee_bps must be between 0 and 10000")
    return div_half_up(gross_cents * fee_bps, _BPS)


def split(gross_cents: int, currency: str = "usd", fee_bps: int = PLATFORM_FEE_BPS) -> Split:
    """`gross_cents` divided into the platform fee and the expert's net."""
    fee = platform_fee_cents(gross_cents, fee_bps)
    return Split(
        gross_cents=gross_cents, fee_cents=fee, net_cents=gross_cents - fee, currency=currency
    )


def quote(
    hourly_cents: int, minutes: int, currency: str = "usd", fee_bps: int = PLATFORM_FEE_BPS
) -> Split:
    """What a session of `minutes` at `hourly_cents` costs and how it is shared."""
    return split(price_cents(hourly_cents, minutes), currency, fee_bps)


def refund_split(original: Split, refund_cents: int) -> Split:
    """The reversal for refunding `refund_cents` of `original`: the fee is reversed in
    proportion (half-up to the cent), the expert's net covers the rest, so the reversal's fee
    and net add up to exactly `refund_cents` and neither exceeds what was originally split."""
    if not 0 <= refund_cents <= original.gross_cents:
        raise ValueError(
            f"refund of {refund_cents} cents must be between 0 and the gross "
            f"{original.gross_cents} cents"
        )
    if refund_cents == 0:
        return Split(gross_cents=0, fee_cents=0, net_cents=0, currency=original.currency)
    fee = div_half_up(refund_cents * original.fee_cents, original.gross_cents)
    return Split(
        gross_cents=refund_cents,
        fee_cents=fee,
        net_cents=refund_cents - fee,
        currency=original.currency,
    )
