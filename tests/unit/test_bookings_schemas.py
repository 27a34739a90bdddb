"""Marketplace request bodies: what an applicant, admin or candidate may send, and the
messages they get back when something is wrong."""

from datetime import date, time, timedelta
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from mockmate.bookings.schemas import (
    BookingRequest,
    CancelRequest,
    CandidateFeedback,
    ExpertApplication,
    ExpertFeedback,
    ExpertUpdate,
    VerifyDocument,
)
from mockmate.bookings.slots import Window


def application(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "bio": "Staff engineer who has run 300+ interviews.",
        "time_zone": "Europe/London",
        "languages": ["English", "French"],
        "current_role": "Staff Engineer",
        "current_company": "Google",
        "years_experience": 12,
        "industries": ["Fintech"],
        "company_types": ["Big tech"],
        "specialties": [
            {"type": "system_design", "session_types": ["mock_interview"]},
            {"type": "behavioral", "session_types": ["mock_interview", "career_coaching"]},
        ],
        "pricing": {
            "mock_interview": {"hourly_cents": 15_000},
            "career_coaching": {"hourly_cents": 9_000},
        },
        "availability": {
            "weekly": [
                {"weekday": 0, "start": "09:00", "end": "12:00"},
                {"weekday": 0, "start": "13:00", "end": "17:30"},
            ],
            "blackout_dates": ["2026-12-25", "2026-12-24", "2026-12-25"],
        },
    }
    body.update(changes)
    return body


def errors_of(model: type[BaseModel], body: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body)
    return str(caught.value)


def test_a_complete_application_is_accepted_and_normalized() -> None:
    app = ExpertApplication.model_validate(
        application(first_name="  Ada ", languages=["English", "english", "French"])
    )
    assert app.first_name == "Ada"
    assert app.languages == ["English", "French"]
    assert app.currency == "usd"
    assert app.availability.blackout_dates == [date(2026, 12, 24), date(2026, 12, 25)]
    assert app.availability.windows()[1] == Window(0, time(13), time(17, 30))
    assert app.offered_session_types() == ["career_coaching", "mock_interview"]


def test_currency_is_an_iso_code_stored_lowercase() -> None:
    assert ExpertApplication.model_validate(application(currency="EUR")).currency == "eur"
    assert "currency" in errors_of(ExpertApplication, application(currency="euro"))


@pytest.mark.parametrize("tz", ["Mars/Olympus_Mons", "", "../etc/passwd", "New York", "localtime"])
def test_time_zone_must_be_iana(tz: str) -> None:
    assert "time_zone" in errors_of(ExpertApplication, application(time_zone=tz))


def test_unknown_zone_message_gives_an_example() -> None:
    assert "IANA time zone" in errors_of(ExpertApplication, application(time_zone="Mars/Base"))


@pytest.mark.parametrize(("years", "ok"), [(0, True), (60, True), (61, False), (-1, False)])
def test_years_of_experience_range(years: int, ok: bool) -> None:
    if ok:
        ExpertApplication.model_validate(application(years_experience=years))
    else:
        assert "years_experience" in errors_of(
            ExpertApplication, application(years_experience=years)
        )


def test_unknown_fields_are_refused() -> None:
    assert "Extra inputs are not permitted" in errors_of(
        ExpertApplication, application(status="active")
    )


def test_every_offered_session_type_needs_a_price() -> None:
    message = errors_of(
        ExpertApplication, application(pricing={"mock_interview": {"hourly_cents": 15_000}})
    )
    assert "missing: career_coaching" in message


def test_a_price_needs_a_specialty_offering_it() -> None:
    pricing = {
        "mock_interview": {"hourly_cents": 15_000},
        "career_coaching": {"hourly_cents": 9_000},
        "resume_review": {"hourly_cents": 5_000},
    }
    message = errors_of(ExpertApplication, application(pricing=pricing))
    assert "no specialty offers: resume_review" in message


@pytest.mark.parametrize(
    ("cents", "ok"), [(1, True), (10_000_00, True), (0, False), (10_000_01, False), ("100", False)]
)
def test_hourly_rate_is_positive_integer_cents_up_to_ten_thousand_dollars(
    cents: object, ok: bool
) -> None:
    pricing = {"mock_interview": {"hourly_cents": cents}, "career_coaching": {"hourly_cents": 1}}
    if ok:
        assert ExpertApplication.model_validate(application(pricing=pricing))
    else:
        assert "hourly_cents" in errors_of(ExpertApplication, application(pricing=pricing))


def test_specialties_use_known_types_once_each() -> None:
    unknown = [{"type": "cooking", "session_types": ["mock_interview"]}]
    assert "specialties" in errors_of(ExpertApplication, application(specialties=unknown))
    twice = [
        {"type": "behavioral", "session_types": ["mock_interview"]},
        {"type": "behavioral", "session_types": ["career_coaching"]},
    ]
    assert "listed more than once: behavioral" in errors_of(
        ExpertApplication, application(specialties=twice)
    )
    repeated = [{"type": "behavioral", "session_types": ["mock_interview", "mock_interview"]}]
    assert "more than once" in errors_of(ExpertApplication, application(specialties=repeated))
    assert "specialties" in errors_of(ExpertApplication, application(specialties=[]))


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({"weekday": 0, "start": "22:00", "end": "02:00"}, "cannot cross midnight"),
        ({"weekday": 0, "start": "10:00", "end": "10:00"}, "must start before it ends"),
        ({"weekday": 0, "start": "09:10", "end": "10:00"}, "quarter hour"),
        ({"weekday": 0, "start": "9:00", "end": "10:00"}, "should match pattern"),
        ({"weekday": 0, "start": "09:00", "end": "24:00"}, "should match pattern"),
        ({"weekday": 7, "start": "09:00", "end": "10:00"}, "weekday"),
    ],
)
def test_weekly_windows_are_same_day_quarter_hours(window: dict[str, Any], message: str) -> None:
    body = application(availability={"weekly": [window]})
    assert message in errors_of(ExpertApplication, body)


def test_windows_on_one_weekday_must_not_overlap() -> None:
    weekly = [
        {"weekday": 2, "start": "09:00", "end": "12:00"},
        {"weekday": 2, "start": "11:00", "end": "13:00"},
    ]
    message = errors_of(ExpertApplication, application(availability={"weekly": weekly}))
    assert "overlap on weekday 2: 09:00-12:00 and 11:00-13:00" in message
    touching = [weekly[0], {"weekday": 2, "start": "12:00", "end": "13:00"}]
    ExpertApplication.model_validate(application(availability={"weekly": touching}))


def test_text_fields_are_bounded() -> None:
    assert "first_name" in errors_of(ExpertApplication, application(first_name="x" * 101))
    assert "first_name" in errors_of(ExpertApplication, application(first_name="   "))
    ExpertApplication.model_validate(application(bio="b" * 5000))
    assert "bio" in errors_of(ExpertApplication, application(bio="b" * 5001))
    assert "languages" in errors_of(ExpertApplication, application(languages=[]))


def test_admin_verification_body() -> None:
    ok = VerifyDocument.model_validate({"document_type": "identity", "approved": True})
    assert ok.notes is None
    assert "document_type" in errors_of(
        VerifyDocument, {"document_type": "passport", "approved": True}
    )
    assert "approved" in errors_of(VerifyDocument, {"document_type": "identity", "approved": "y"})
    long_notes = {"document_type": "education", "approved": False, "notes": "n" * 2001}
    assert "notes" in errors_of(VerifyDocument, long_notes)


def booking(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "expert_id": "exp_1",
        "session_type": "mock_interview",
        "start": "2026-03-09T10:00:00+05:30",
        "duration_min": 60,
    }
    body.update(changes)
    return body


def test_booking_start_keeps_its_offset() -> None:
    request = BookingRequest.model_validate(booking())
    assert request.start.utcoffset() == timedelta(hours=5, minutes=30)


def test_booking_start_without_offset_is_refused() -> None:
    assert "timezone info" in errors_of(BookingRequest, booking(start="2026-03-09T10:00:00"))


@pytest.mark.parametrize(("minutes", "ok"), [(30, True), (45, True), (180, True), (15, False)])
def test_booking_length_is_30_to_180_minutes(minutes: int, ok: bool) -> None:
    if ok:
        assert BookingRequest.model_validate(booking(duration_min=minutes)).duration_min == minutes
    else:
        assert "duration_min" in errors_of(BookingRequest, booking(duration_min=minutes))


@pytest.mark.parametrize("minutes", [50, 195, 60.5])
def test_booking_length_must_be_whole_quarter_hours(minutes: float) -> None:
    assert "duration_min" in errors_of(BookingRequest, booking(duration_min=minutes))


def test_booking_session_type_must_be_known() -> None:
    assert "session_type" in errors_of(BookingRequest, booking(session_type="therapy"))


def test_cancel_reason_is_required_and_short() -> None:
    assert CancelRequest.model_validate({"reason": " sick "}).reason == "sick"
    assert "reason" in errors_of(CancelRequest, {"reason": "   "})
    assert "reason" in errors_of(CancelRequest, {"reason": "r" * 501})


def candidate_feedback(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "rating": 5,
        "preparation": 4,
        "communication": 5,
        "expertise": 5,
        "helpfulness": 4,
        "would_recommend": True,
    }
    body.update(changes)
    return body


def test_candidate_feedback_scores_are_one_to_five() -> None:
    assert CandidateFeedback.model_validate(candidate_feedback()).comment is None
    for field in ("rating", "preparation", "communication", "expertise", "helpfulness"):
        assert field in errors_of(CandidateFeedback, candidate_feedback(**{field: 0}))
        assert field in errors_of(CandidateFeedback, candidate_feedback(**{field: 6}))
    assert "comment" in errors_of(CandidateFeedback, candidate_feedback(comment="c" * 2001))


def test_expert_feedback_lists_are_bounded() -> None:
    body: dict[str, Any] = {
        "strengths": ["Clear structure"],
        "areas_to_improve": [],
        "recommendations": ["Practice estimation"],
        "readiness": "almost_ready",
    }
    assert ExpertFeedback.model_validate(body).readiness == "almost_ready"
    assert "strengths" in errors_of(ExpertFeedback, {**body, "strengths": ["s"] * 11})
    assert "recommendations" in errors_of(ExpertFeedback, {**body, "recommendations": ["r" * 501]})
    assert "areas_to_improve" in errors_of(ExpertFeedback, {**body, "areas_to_improve": [" "]})
    assert "readiness" in errors_of(ExpertFeedback, {**body, "readiness": "ready"})


def stored(**changes: Any) -> dict[str, Any]:
    """An application as the expert document keeps it, with the fields around it."""
    doc = ExpertApplication.model_validate(application(**changes)).model_dump(mode="json")
    return {"_id": "e1", "status": "active", "documents": {}, **doc}


def test_an_update_merges_only_the_fields_it_names() -> None:
    update = ExpertUpdate.model_validate({"bio": "  New bio  ", "years_experience": 13})
    merged = update.merged_into(stored())
    assert (merged.bio, merged.years_experience) == ("New bio", 13)
    assert merged.specialties == ExpertApplication.model_validate(application()).specialties
    assert update.model_fields_set == {"bio", "years_experience"}


def test_an_update_must_leave_a_valid_application() -> None:
    dropped = ExpertUpdate.model_validate({"pricing": {"mock_interview": {"hourly_cents": 1}}})
    with pytest.raises(ValidationError, match="career_coaching"):
        dropped.merged_into(stored())  # behavioral still offers coaching, now unpriced
    both = ExpertUpdate.model_validate({
        "pricing": {"mock_interview": {"hourly_cents": 1}},
        "specialties": [{"type": "system_design", "session_types": ["mock_interview"]}],
    })
    assert both.merged_into(stored()).offered_session_types() == ["mock_interview"]


@pytest.mark.parametrize("body", [
    {}, {"bio": None}, {"first_name": "Eve"}, {"last_name": "X"}, {"current_company": "Y"},
    {"currency": "eur"}, {"time_zone": "localtime"}, {"languages": []},
    {"availability": {"weekly": [{"weekday": 0, "start": "10:00", "end": "09:00"}]}},
])
def test_update_bodies_that_are_refused(body: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ExpertUpdate.model_validate(body)
