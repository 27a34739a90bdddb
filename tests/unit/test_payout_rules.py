"""Payout stages: pending until the refund window after the session has passed, then
available, paid once transferred; nothing for cancelled sessions or an absent expert."""

from typing import Any

import pytest

from mockmate.payouts.rules import stage, totals
from mockmate.storage.booking_record import BookingRecord

END = 1_000_000.0
DAY = 86_400.0


def booking(status: str, **extra: Any) -> BookingRecord:
    return BookingRecord.model_validate({
        "_id": "b1", "expert_id": "e1", "expert_user_id": "u1", "candidate_id": "u2",
        "session_type": "behavioral", "duration_min": 60, "start_ts": END - 3600.0,
        "price_cents": 12_000, "currency": "usd", "status": status, "end_ts": END, **extra})


@pytest.mark.parametrize(("status", "now", "expected"), [
    ("confirmed", END - DAY, "pending"),
    ("completed", END + DAY, "pending"),
    ("completed", END + 3 * DAY, "available"),
    ("completed", END + 4 * DAY, "available"),
    ("cancelled", END + 4 * DAY, None),
    ("pending_payment", END - DAY, None),
])
def test_stage_follows_status_and_the_refund_window(status: str, now: float,
                                                    expected: str | None) -> None:
    assert stage(booking(status), 9_600, paid=False, now_ts=now, delay_s=3 * DAY) == expected


def test_an_absent_candidate_still_pays_the_expert_but_an_absent_expert_earns_nothing() -> None:
    now = END + 4 * DAY
    absent_candidate = booking("no_show", no_show={"party": "candidate", "marked_by": "u1"})
    absent_expert = booking("no_show", no_show={"party": "expert", "marked_by": "u2"})
    assert stage(absent_candidate, 9_600, paid=False, now_ts=now, delay_s=DAY) == "available"
    assert stage(absent_expert, 9_600, paid=False, now_ts=now, delay_s=DAY) is None


def test_refunded_in_full_is_owed_nothing_and_paid_stays_paid() -> None:
    assert stage(booking("completed"), 0, paid=False, now_ts=END + 9 * DAY, delay_s=0) is None
    assert stage(booking("completed"), 9_600, paid=True, now_ts=END, delay_s=DAY) == "paid"


def test_totals_add_up_per_stage() -> None:
    summed = totals([("pending", 100), ("available", 250), ("available", 50), ("paid", 7)])
    assert (summed.pending_cents, summed.available_cents, summed.paid_cents) == (100, 300, 7)
