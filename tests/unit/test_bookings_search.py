"""Pure pieces of the marketplace services: search filters, relevance signals from stored
experts, file sniffing, query-string models and the performance view."""

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from mockmate.bookings.documents import sniff
from mockmate.bookings.queries import SearchQuery, SlotsQuery
from mockmate.bookings.search import matches, prefilter, signals
from mockmate.bookings.views import performance


def expert(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "_id": "e1", "years_experience": 8, "industries": ["Fintech"],
        "languages": ["English", "German"], "current_company": "Stripe",
        "specialties": [{"type": "system_design", "session_types": ["mock_interview"]},
                        {"type": "behavioral", "session_types": ["career_coaching"]}],
        "pricing": {"mock_interview": {"hourly_cents": 15_000},
                    "career_coaching": {"hourly_cents": 6_000}},
        "stats": {"rating_sum": 9, "rating_count": 2, "completed_sessions": 3,
                  "last_session_ts": 1_700_000_000.0},
    }
    doc.update(changes)
    return doc


@pytest.mark.parametrize(("query", "expected"), [
    ({}, True),
    ({"specialty": "behavioral"}, True),
    ({"specialty": "product"}, False),
    ({"industry": "FINTECH"}, True),
    ({"language": "german"}, True),
    ({"language": "French"}, False),
    ({"session_type": "resume_review"}, False),
    ({"min_experience": 8, "max_experience": 8}, True),
    ({"min_experience": 9}, False),
    ({"max_price_cents": 7_000}, True),  # coaching is cheap enough
    ({"max_price_cents": 7_000, "session_type": "mock_interview"}, False),
    ({"min_price_cents": 16_000}, False),
    ({"min_rating": 4.5}, True),  # 9 / 2
    ({"min_rating": 4.6}, False),
    ({"q": "stripe"}, True),  # free text: company, case folded
    ({"q": "  SYSTEM design fintech "}, True),  # every word, any order, specialty spelled out
    ({"q": "stripe google"}, False),  # a word missing
    ({"q": "german"}, True),  # languages
])
def test_filters(query: dict[str, Any], expected: bool) -> None:
    assert matches(expert(), SearchQuery.model_validate(query)) is expected


def test_free_text_searches_the_public_profile_only() -> None:
    private = expert(first_name="Ada", documents={"id_card": {"filename": "passport-7781.pdf"}},
                     user_id="u-secret", bio="Ten years of payments.")
    assert matches(private, SearchQuery(q="ada payments"))
    assert not matches(private, SearchQuery(q="passport"))
    assert not matches(private, SearchQuery(q="u-secret"))
    with pytest.raises(ValidationError):
        SearchQuery(q="x" * 101)


def test_an_expert_without_reviews_fails_any_minimum_rating() -> None:
    unrated = expert(stats={"rating_sum": 0, "rating_count": 0})
    assert matches(unrated, SearchQuery(min_rating=0.5)) is False
    assert matches(unrated, SearchQuery(min_rating=0)) is True


def test_signals_come_from_the_stored_expert() -> None:
    s = signals(expert())
    assert (s.rating_avg, s.rating_count, s.completed_sessions) == (4.5, 2, 3)
    assert s.specialties == ("system_design", "behavioral") and s.current_company == "Stripe"
    assert s.last_session_at is not None and s.last_session_at.year == 2023
    assert signals(expert(stats={})).last_session_at is None


def test_files_are_recognized_by_their_first_bytes() -> None:
    for head, content_type in ((b"%PDF-1.4 ...", "application/pdf"),
                               (b"\x89PNG\r\n\x1a\n....", "image/png"),
                               (b"\xff\xd8\xff\xe0JFIF", "image/jpeg")):
        kind = sniff(head)
        assert kind is not None and kind.content_type == content_type
    for bad in (b"", b"GIF89a", b"PK\x03\x04", b" %PDF-", b"\x89PNG"):
        assert sniff(bad) is None


def test_query_strings_are_validated() -> None:
    q = SlotsQuery.model_validate({"from": "2026-03-08", "to": "2026-03-09", "tz": "Asia/Tokyo",
                                   "duration_min": "90", "_": "cache-buster"})
    assert (q.date_from, q.date_to, q.duration_min) == (date(2026, 3, 8), date(2026, 3, 9), 90)
    for bad in ({"tz": "Mars/Base"}, {"from": "08/03/2026"}, {"duration_min": "20"},
                {"duration_min": "50"}):
        with pytest.raises(ValidationError):
            SlotsQuery.model_validate(bad)
    with pytest.raises(ValidationError, match="min_experience"):
        SearchQuery.model_validate({"min_experience": "10", "max_experience": "2"})
    with pytest.raises(ValidationError):
        SearchQuery.model_validate({"per_page": "500"})


def test_performance_rates_and_private_earnings() -> None:
    stats = {"rating_sum": 14, "rating_count": 3, "would_recommend": 2, "sessions_booked": 8,
             "completed_sessions": 6, "expert_cancellations": 1, "expert_no_shows": 2,
             "earnings_cents": 48_000, "last_session_ts": 0}
    public = performance(stats, private=False)
    assert public["average_rating"] == 4.67 and public["would_recommend_rate"] == 0.6667
    assert (public["cancellation_rate"], public["no_show_rate"]) == (0.125, 0.25)
    assert "earnings_cents" not in public and public["last_session_at"] is None
    assert performance(stats, private=True)["earnings_cents"] == 48_000
    empty = performance({}, private=False)
    assert (empty["average_rating"], empty["cancellation_rate"]) == (None, 0.0)


def test_the_database_prefilter_holds_only_the_exact_filters() -> None:
    assert prefilter(SearchQuery()) == {}
    q = SearchQuery(specialty="behavioral", session_type="career_coaching", min_experience=3,
                    max_experience=9, industry="fintech", language="german", min_rating=4,
                    max_price_cents=7_000)
    assert prefilter(q) == {
        "specialties.type": "behavioral", "pricing.career_coaching": {"$exists": True},
        "years_experience": {"$gte": 3, "$lte": 9},
    }
    assert matches(expert(), q)  # the rest is left to `matches`
    assert prefilter(SearchQuery(min_experience=0)) == {"years_experience": {"$gte": 0}}
