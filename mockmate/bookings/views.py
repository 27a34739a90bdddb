"""What clients see of stored experts and bookings (CONTRACT.md "Marketplace").

Why one place: the same expert or booking is answered by several endpoints and by the data
export, and what a caller may see depends on who they are (the expert's own documents and
earnings, a booking's meeting link and client secret only for its parties). Keeping the
shaping here keeps the storage layout (epoch `*_ts` fields, internal flags) off the wire.
"""

from datetime import UTC, datetime
from typing import Any

from mockmate.bookings.status import BookingStatus
from mockmate.storage.booking_record import BookingRecord
from mockmate.storage.database import Document

DOCUMENT_TYPES = ("identity", "employment", "education")


def to_dt(ts: float) -> datetime:
    return datetime.fromtimestamp(float(ts), UTC)


def iso(ts: float | None) -> str | None:
    """Epoch seconds as ISO 8601 in UTC with an offset ("...+00:00"), None for None/0."""
    return to_dt(ts).isoformat() if ts else None


def _rate(count: int, total: int) -> float:
    return round(min(1.0, count / total), 4) if total else 0.0


def performance(stats: Document, *, private: bool) -> dict[str, Any]:
    """The expert's running performance; earnings only for the expert and admins."""
    ratings = int(stats.get("rating_count", 0))
    booked = int(stats.get("sessions_booked", 0))
    out: dict[str, Any] = {
        "average_rating": round(stats.get("rating_sum", 0) / ratings, 2) if ratings else None,
        "rating_count": ratings,
        "would_recommend_rate": _rate(int(stats.get("would_recommend", 0)), ratings),
        "completed_sessions": int(stats.get("completed_sessions", 0)),
        "sessions_booked": booked,
        "cancellation_rate": _rate(int(stats.get("expert_cancellations", 0)), booked),
        "no_show_rate": _rate(int(stats.get("expert_no_shows", 0)), booked),
        "last_session_at": iso(stats.get("last_session_ts")),
    }
    if private:
        out["earnings_cents"] = int(stats.get("earnings_cents", 0))
    return out


def document_view(doc_type: str, meta: Document) -> dict[str, Any]:
    return {
        "id": meta["id"],
        "type": doc_type,
        "status": meta["status"],
        "filename": meta.get("filename"),
        "content_type": meta.get("content_type"),
        "size_bytes": meta.get("size_bytes"),
        "uploaded_at": meta.get("uploaded_at"),
        "notes": meta.get("notes"),
        "reviewed_at": meta.get("reviewed_at"),
    }


def expert_view(doc: Document, *, private: bool = False) -> dict[str, Any]:
    """An expert as clients see it; `private` (the expert or an admin) adds the documents,
    the user id and earnings."""
    out: dict[str, Any] = {
        "id": doc["_id"],
        "status": doc["status"],
        **{key: doc.get(key) for key in (
            "first_name", "last_name", "bio", "time_zone", "languages", "current_role",
            "current_company", "years_experience", "industries", "company_types",
            "specialties", "pricing", "currency", "availability",
        )},
        "session_types": sorted(doc.get("pricing", {})),
        "performance": performance(doc.get("stats", {}), private=private),
        "created_at": doc.get("created_at"),
        "activated_at": doc.get("activated_at"),
    }
    if private:
        out["user_id"] = doc["user_id"]
        documents = doc.get("documents", {})
        out["documents"] = [
            document_view(t, documents[t]) for t in DOCUMENT_TYPES if t in documents
        ]
    return out


def booking_view(
    booking: BookingRecord, *, viewer_id: str, feedback: dict[str, Document] | None = None
) -> dict[str, Any]:
    """A booking as its candidate, its expert or an admin sees it."""
    party = viewer_id in (booking.candidate_id, booking.expert_user_id)
    payment = booking.payment
    out: dict[str, Any] = {
        "id": booking.id,
        "status": booking.status,
        "role": "candidate" if booking.candidate_id == viewer_id
        else "expert" if booking.expert_user_id == viewer_id else None,
        "expert_id": booking.expert_id,
        "candidate_id": booking.candidate_id,
        "session_type": booking.session_type,
        "start": iso(booking.start_ts),
        "end": iso(booking.end_ts),
        "duration_min": booking.duration_min,
        "price_cents": booking.price_cents,
        "currency": booking.currency,
        "hold_expires_at": iso(booking.hold_expires_ts),
        "created_at": booking.created_at,
        "provider": payment.provider,
        "test_mode": payment.provider == "test",
        "paid": bool(booking.paid_ts),
        "meeting_url": booking.meeting_url if party else None,
        "confirmed_at": iso(booking.confirmed_ts),
        "cancelled_at": iso(booking.cancelled_ts),
        "cancelled_by": booking.cancelled_by,
        "cancel_reason": booking.cancel_reason,
        "refund_cents": booking.refund_cents,
        "refund_status": booking.refund_status,
        "completed_at": iso(booking.completed_ts),
        "no_show": None if booking.no_show is None else booking.no_show.document(),
        "reschedules": booking.reschedules,
        "rescheduled_at": iso(booking.rescheduled_ts),
        "previous_start": iso(booking.previous_start_ts),
    }
    if booking.candidate_id == viewer_id and booking.status == BookingStatus.PENDING_PAYMENT:
        out["payment"] = {
            "provider": payment.provider,
            "client_secret": payment.client_secret,
            "amount_cents": booking.price_cents,
            "currency": booking.currency,
        }
    if feedback is not None:
        out["feedback"] = {
            side: {**entry["body"], "created_at": entry.get("created_at")}
            if (entry := feedback.get(side)) else None
            for side in ("candidate", "expert")
        }
    return out


def ledger_view(entry: Document) -> dict[str, Any]:
    return {
        "id": entry["_id"],
        "booking_id": entry["booking_id"],
        "kind": entry["kind"],
        "gross_cents": entry["gross_cents"],
        "fee_cents": entry["fee_cents"],
        "net_cents": entry["net_cents"],
        "currency": entry["currency"],
        "provider": entry.get("provider"),
        "reference": entry.get("reference"),
        "created_at": entry.get("created_at"),
    }
