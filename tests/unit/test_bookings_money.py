"""Money: session prices, the 20 % platform fee, refund reversals, and the cancellation
refund policy with its exact 24 h and 2 h boundaries."""

from datetime import UTC, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from mockmate.bookings.pricing import (
    PLATFORM_FEE_BPS,
    Split,
    div_half_up,
    platform_fee_cents,
    price_cents,
    quote,
    refund_split,
    split,
)
from mockmate.bookings.refunds import CancellationNotAllowed, refund_for_cancellation

START = datetime(2026, 6, 15, 18, 0, tzinfo=UTC)
NY = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")


def half_up(value: Fraction) -> int:
    """Exact rounding half-up of a non-negative fraction: the oracle for integer arithmetic."""
    return int(value + Fraction(1, 2))


# --- prices ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hourly", "minutes", "expected"),
    [
        (10_000, 60, 10_000),
        (10_000, 45, 7_500),
        (10_000, 90, 15_000),
        (9_999, 45, 7_499),  # 7499.25 rounds down
        (4_999, 30, 2_500),  # 2499.5 rounds half up
        (1, 30, 1),  # half a cent rounds up
        (1, 29, 0),
        (12_345, 75, 15_431),  # 15431.25
        (10_000_00, 180, 30_000_00),
    ],
)
def test_price_is_hourly_rate_times_length_rounded_half_up(
    hourly: int, minutes: int, expected: int
) -> None:
    assert price_cents(hourly, minutes) == expected


def test_negative_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        price_cents(-1, 60)
    with pytest.raises(ValueError):
        div_half_up(1, 0)


@given(st.integers(0, 10_000_00), st.integers(0, 24 * 60))
def test_price_matches_exact_arithmetic(hourly: int, minutes: int) -> None:
    assert price_cents(hourly, minutes) == half_up(Fraction(hourly * minutes, 60))


# --- platform fee -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gross", "fee", "net"),
    [(10_000, 2_000, 8_000), (2_499, 500, 1_999), (2, 0, 2), (3, 1, 2), (0, 0, 0)],
)
def test_platform_keeps_twenty_percent_and_expert_the_rest(gross: int, fee: int, net: int) -> None:
    result = split(gross, "eur")
    assert (result.gross_cents, result.fee_cents, result.net_cents) == (gross, fee, net)
    assert result.currency == "eur"


def test_quote_prices_a_session_and_splits_it() -> None:
    assert quote(12_000, 45) == Split(gross_cents=9_000, fee_cents=1_800, net_cents=7_200)


def test_fee_rate_can_be_configured() -> None:
    assert platform_fee_cents(10_000, fee_bps=1_500) == 1_500
    with pytest.raises(ValueError):
        platform_fee_cents(10_000, fee_bps=10_001)


def test_an_unbalanced_split_cannot_be_built() -> None:
    with pytest.raises(ValidationError, match="must equal gross_cents"):
        Split(gross_cents=100, fee_cents=20, net_cents=79)


@given(st.integers(0, 10**9))
def test_split_always_balances_and_fee_is_nearest_cent(gross: int) -> None:
    result = split(gross)
    assert result.fee_cents + result.net_cents == gross
    assert result.fee_cents == half_up(Fraction(gross * PLATFORM_FEE_BPS, 10_000))


# --- refund reversals -------------------------------------------------------------------------


def test_full_refund_reverses_the_original_split_exactly() -> None:
    original = split(9_999)
    assert refund_split(original, 9_999) == original


def test_partial_refund_reverses_fee_and_net_in_proportion() -> None:
    reversal = refund_split(split(10_000, "gbp"), 5_000)
    assert (reversal.fee_cents, reversal.net_cents, reversal.currency) == (1_000, 4_000, "gbp")
    assert refund_split(split(10_000), 0) == Split(gross_cents=0, fee_cents=0, net_cents=0)


def test_refund_outside_zero_to_gross_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and the gross"):
        refund_split(split(1_000), 1_001)
    with pytest.raises(ValueError, match="between 0 and the gross"):
        refund_split(split(1_000), -1)


@settings(max_examples=300)
@given(st.integers(1, 10**8).flatmap(lambda g: st.tuples(st.just(g), st.integers(0, g))))
def test_refund_reversal_sums_exactly_and_never_exceeds_the_original(pair: tuple[int, int]) -> None:
    gross, refund = pair
    original = split(gross)
    reversal = refund_split(original, refund)
    assert reversal.gross_cents == reversal.fee_cents + reversal.net_cents == refund
    assert 0 <= reversal.fee_cents <= original.fee_cents
    assert 0 <= reversal.net_cents <= original.net_cents
    exact_fee = Fraction(refund * original.fee_cents, gross)
    assert abs(reversal.fee_cents - exact_fee) <= Fraction(1, 2)


# --- cancellation policy ----------------------------------------------------------------------


def cancel(by: str, before: timedelta, paid: int = 10_000) -> tuple[int, int]:
    refund = refund_for_cancellation(by, START, START - before, paid)  # type: ignore[arg-type]
    return refund.refund_cents, refund.percent


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        (timedelta(days=7), (10_000, 100)),
        (timedelta(hours=24), (10_000, 100)),  # exactly 24 h: full
        (timedelta(hours=24) - timedelta(seconds=1), (5_000, 50)),
        (timedelta(hours=2), (5_000, 50)),  # exactly 2 h: half
        (timedelta(hours=2) - timedelta(seconds=1), (0, 0)),
        (timedelta(minutes=1), (0, 0)),
    ],
)
def test_candidate_refund_depends_on_notice(before: timedelta, expected: tuple[int, int]) -> None:
    assert cancel("candidate", before) == expected


def test_half_refund_rounds_half_up_to_the_cent() -> None:
    assert cancel("candidate", timedelta(hours=5), paid=2_999) == (1_500, 50)
    assert cancel("candidate", timedelta(hours=5), paid=1) == (1, 50)


def test_expert_cancellation_always_refunds_everything() -> None:
    assert cancel("expert", timedelta(minutes=5), paid=7_499) == (7_499, 100)
    assert cancel("expert", timedelta(days=3), paid=7_499) == (7_499, 100)


def test_system_cancellation_of_an_unpaid_booking_refunds_nothing() -> None:
    refund = refund_for_cancellation("system", START, START - timedelta(hours=30), 0)
    assert refund.refund_cents == 0
    assert "nothing was charged" in refund.reason
    assert cancel("system", timedelta(hours=1), paid=5_000) == (5_000, 100)


def test_reasons_explain_the_outcome() -> None:
    late = refund_for_cancellation("candidate", START, START - timedelta(hours=1), 100)
    assert late.reason == "Cancelled less than 2 hours before the session: no refund"
    mid = refund_for_cancellation("candidate", START, START - timedelta(hours=3), 100)
    assert "50% refund" in mid.reason


@pytest.mark.parametrize("by", ["candidate", "expert", "system"])
def test_cancelling_once_the_session_started_is_not_allowed(by: str) -> None:
    for now in (START, START + timedelta(minutes=10)):
        with pytest.raises(CancellationNotAllowed, match="already started"):
            refund_for_cancellation(by, START, now, 10_000)  # type: ignore[arg-type]


def test_notice_is_real_time_across_a_dst_change() -> None:
    # 03:00 EST on Mar 7 to 03:00 EDT on Mar 8 reads as 24 h on the wall but is 23 h.
    start = datetime(2026, 3, 8, 3, 0, tzinfo=NY)
    now = datetime(2026, 3, 7, 3, 0, tzinfo=NY)
    assert refund_for_cancellation("candidate", start, now, 1_000).percent == 50


def test_notice_compares_instants_across_zones() -> None:
    now = (START - timedelta(hours=24)).astimezone(KOLKATA)
    assert refund_for_cancellation("candidate", START.astimezone(NY), now, 1_000).percent == 100


def test_bad_policy_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        refund_for_cancellation("candidate", START, datetime(2026, 6, 1), 100)
    with pytest.raises(ValueError, match="negative"):
        refund_for_cancellation("candidate", START, START - timedelta(days=2), -1)
    with pytest.raises(ValueError, match="unknown canceller"):
        refund_for_cancellation("admin", START, START - timedelta(days=2), 1)  # type: ignore[arg-type]


def test_policy_refund_and_reversal_compose() -> None:
    original = quote(15_000, 60)
    refund = refund_for_cancellation("candidate", START, START - timedelta(hours=6), 15_000)
    reversal = refund_split(original, refund.refund_cents)
    assert (reversal.gross_cents, reversal.fee_cents, reversal.net_cents) == (7_500, 1_500, 6_000)
