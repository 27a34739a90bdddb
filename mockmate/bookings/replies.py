"""The REST answers of the marketplace (experts, search, slots, bookings, feedback, the
payment webhook, calendar feeds): what the handlers send, as models, so docs/openapi.json
describes them (`server/http.py` `model_response`). The shapes are the ones `views.py`
builds; fields only some callers see (an expert's private documents and earnings, a
pending booking's payment, a booking's feedback) are optional and left out when unset."""

from typing import Literal

from pydantic import BaseModel, ConfigDict

from mockmate.bookings.schemas import Availability, Price, Specialty
from mockmate.domain import BookingStatus, RefundStatus
from mockmate.storage.booking_record import NoShow
from mockmate.wire import Reply


class Performance(Reply):
    average_rating: float | None
    rating_count: int
    would_recommend_rate: float
    completed_sessions: int
    sessions_booked: int
    cancellation_rate: float
    no_show_rate: float
    last_session_at: str | None
    earnings_cents: int | None = None  # the expert and admins only


class ExpertDocument(Reply):
    id: str
    type: str
    status: str
    filename: str | None
    content_type: str | None
    size_bytes: int | None
    uploaded_at: str | None
    notes: str | None
    reviewed_at: str | None


class ExpertView(Reply):
    """An expert as clients see it; `user_id` and `documents` for the expert and admins."""

    id: str
    status: str
    first_name: str | None
    last_name: str | None
    bio: str | None
    time_zone: str | None
    languages: list[str] | None
    current_role: str | None
    current_company: str | None
    years_experience: int | None
    industries: list[str] | None
    company_types: list[str] | None
    specialties: list[Specialty] | None
    pricing: dict[str, Price] | None
    currency: str | None
    availability: Availability | None
    session_types: list[str]
    performance: Performance
    created_at: str | None
    activated_at: str | None
    user_id: str | None = None
    documents: list[ExpertDocument] | None = None


class ExpertReply(Reply):
    expert: ExpertView


class ExpertPage(Reply):
    experts: list[ExpertView]
    page: int
    per_page: int
    total: int


class RankedExpert(Reply):
    expert: ExpertView
    relevance: float
    reason: str | None


class SearchPage(Reply):
    experts: list[RankedExpert]
    page: int
    per_page: int
    total: int


class Slot(Reply):
    start: str
    end: str
    price_cents: int
    currency: str


class Slots(Reply):
    expert_id: str
    tz: str
    session_type: str
    duration_min: int
    slots: list[Slot]


class UploadedDocument(Reply):
    id: str
    type: str
    status: str


class DocumentUploaded(Reply):
    document: UploadedDocument


class Payment(Reply):
    provider: str | None
    client_secret: str | None
    amount_cents: int
    currency: str


class FeedbackView(BaseModel):
    """One side's feedback: the candidate's ratings or the expert's notes, as left."""

    model_config = ConfigDict(extra="allow")

    booking_id: str | None = None
    side: Literal["candidate", "expert"] | None = None
    created_at: str | None


class BookingFeedback(Reply):
    candidate: FeedbackView | None
    expert: FeedbackView | None


class BookingView(Reply):
    id: str
    status: BookingStatus
    role: Literal["candidate", "expert"] | None
    expert_id: str
    candidate_id: str
    session_type: str
    start: str | None
    end: str | None
    duration_min: int
    price_cents: int
    currency: str
    hold_expires_at: str | None
    created_at: str | None
    provider: str | None
    test_mode: bool
    paid: bool
    meeting_url: str | None
    confirmed_at: str | None
    cancelled_at: str | None
    cancelled_by: str | None
    cancel_reason: str | None
    refund_cents: int
    refund_status: RefundStatus
    completed_at: str | None
    no_show: NoShow | None
    reschedules: int
    rescheduled_at: str | None
    previous_start: str | None
    payment: Payment | None = None  # the candidate of a booking waiting for payment
    feedback: BookingFeedback | None = None  # a single booking's view


class BookingReply(Reply):
    booking: BookingView


class Booked(Reply):
    booking: BookingView
    payment: Payment


class BookingPage(Reply):
    bookings: list[BookingView]
    page: int
    per_page: int
    total: int


class Cancelled(Reply):
    booking: BookingView
    refund_cents: int


class TestPaid(Reply):
    booking: BookingView
    outcome: str


class FeedbackReply(Reply):
    feedback: FeedbackView


class WebhookReceived(Reply):
    received: bool
    event_id: str
    outcome: str


class CalendarFeed(Reply):
    url: str
    token: str
