"""Vocabulary shared by every package: interview types, difficulties, question categories,
and the statuses of interviews and bookings.

These values are part of the client contract, so they live in one place and every wire
model, domain rule and repository imports them from here. The statuses are `StrEnum`s: they
are stored and sent as the same strings (`"pending_payment"`) and compare equal to them.
"""

from enum import StrEnum
from typing import Literal

InterviewType = Literal["behavioral", "technical", "mixed"]
Difficulty = Literal["junior", "mid", "senior"]
QuestionCategory = Literal["behavioral", "technical", "situational"]

INTERVIEW_TYPES: tuple[InterviewType, ...] = ("behavioral", "technical", "mixed")
DIFFICULTIES: tuple[Difficulty, ...] = ("junior", "mid", "senior")
QUESTION_CATEGORIES: tuple[QuestionCategory, ...] = ("behavioral", "technical", "situational")


class InterviewStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class BookingStatus(StrEnum):
    # Held for the candidate until the payment succeeds or the hold lapses.
    PENDING_PAYMENT = "pending_payment"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class PaymentState(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"


class RefundStatus(StrEnum):
    """What became of the refund a booking owes (`refund_status` on the wire)."""

    NONE = "none"
    PENDING = "pending"  # owed; the provider has not confirmed it yet (the sweeper retries)
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # the provider refused it


class CellsState(StrEnum):
    """Where a booking's time cells stand (stored only, never sent)."""

    HELD = "held"  # held or booked: the booking's current time
    MOVING = "moving"  # locked by a reschedule (`bookings/moves.py`)
    RELEASING = "releasing"  # cancelled; its cells are being deleted
    RELEASED = "released"
