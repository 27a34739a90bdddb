"""Booking documents as typed records (`storage.booking_record`): a booking stored by an older
version (no seats, moves, refund details or cell state; a field since dropped) still loads,
reads with the defaults the marketplace expects, is sent to clients as before and is written
back exactly as it was read."""

import json
from typing import Any

from mockmate.bookings.views import booking_view
from mockmate.domain import BookingStatus, CellsState, PaymentState, RefundStatus
from mockmate.payouts.rules import stage
from mockmate.storage.booking_record import BookingRecord

START = 1_767_000_000.0


def old_booking(**extra: Any) -> dict[str, Any]:
    """A confirmed booking as the first marketplace version stored it."""
    return {
        "_id": "b-old", "expert_id": "e1", "expert_user_id": "u-expert",
        "candidate_id": "u-candidate", "session_type": "mock_interview", "duration_min": 60,
        "start_ts": START, "end_ts": START + 3600, "cells": ["e1:1", "e1:2"],
        "price_cents": 12_000, "fee_cents": 2_400, "net_cents": 9_600, "currency": "usd",
        "status": "confirmed", "payment_state": "paid", "hold_expires_ts": START - 86_400,
        "payment": {"provider": "test", "intent_id": "pi_1"}, "paid_ts": START - 90_000,
        "meeting_url": "https://meet.example/b-old", "legacy_flag": True, **extra,
    }


def test_an_old_booking_loads_with_todays_defaults() -> None:
    booking = BookingRecord.model_validate(old_booking())
    assert booking.id == "b-old"
    assert booking.status is BookingStatus.CONFIRMED
    assert booking.payment_state is PaymentState.PAID and booking.paid
    assert booking.cells == ("e1:1", "e1:2") and booking.seats == () and booking.periods == []
    assert booking.cells_state is CellsState.HELD
    assert booking.refund_status is RefundStatus.NONE and booking.refund_cents == 0
    assert booking.reschedules == 0 and booking.move is None and booking.no_show is None
    assert booking.payment.intent_id == "pi_1" and booking.payment.client_secret is None


def test_an_old_booking_is_written_back_as_it_was_read() -> None:
    stored = old_booking(no_show={"party": "expert", "marked_by": "u-candidate",
                                  "at": "2025-12-29T10:00:00+00:00"},
                         seats=[{"period": "day:2025-12-29", "capacity": 2}])
    booking = BookingRecord.model_validate(stored)
    assert booking.document() == stored
    assert BookingRecord.model_validate(booking.document()) == booking
    assert booking.model_extra == {"legacy_flag": True}


def test_an_old_booking_is_sent_as_the_contract_says() -> None:
    booking = BookingRecord.model_validate(old_booking())
    shown = json.loads(json.dumps(booking_view(booking, viewer_id="u-candidate")))
    assert shown["status"] == "confirmed" and shown["role"] == "candidate"
    assert shown["start"] == "2025-12-29T09:20:00+00:00"
    assert shown["hold_expires_at"] == "2025-12-28T09:20:00+00:00"
    assert shown["paid"] is True and shown["test_mode"] is True
    assert shown["meeting_url"] == "https://meet.example/b-old"
    assert (shown["refund_status"], shown["refund_cents"], shown["reschedules"]) == \
        ("none", 0, 0)
    assert shown["no_show"] is None and shown["created_at"] is None
    assert "payment" not in shown  # the client secret is only for a booking still unpaid
    stranger = booking_view(booking, viewer_id="u-other")
    assert stranger["role"] is None and stranger["meeting_url"] is None


def test_an_absent_expert_earns_nothing_from_a_stored_no_show() -> None:
    absent = BookingRecord.model_validate(old_booking(
        status="no_show", no_show={"party": "expert", "marked_by": "u-candidate"}))
    assert absent.no_show is not None and absent.no_show.document() == \
        {"party": "expert", "marked_by": "u-candidate"}
    assert stage(absent, 9_600, paid=False, now_ts=START + 9 * 86_400, delay_s=0) is None
