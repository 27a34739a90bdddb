"""Search relevance: what puts an expert higher for one user, and the reason shown."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockmate.bookings.relevance import (
    ExpertSignals,
    SearchContext,
    bayesian_rating,
    normalize_company,
    rank_experts,
    score_expert,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CTX = SearchContext(now=NOW)
BASE = ExpertSignals(
    expert_id="base",
    rating_avg=4.5,
    rating_count=10,
    years_experience=5,
    completed_sessions=20,
    specialties=("technical",),
    industries=("Fintech",),
    current_company="Acme",
    past_companies=("Initech",),
    last_session_at=NOW - timedelta(days=10),
)


def score(expert: ExpertSignals, ctx: SearchContext = CTX) -> float:
    return score_expert(expert, ctx).score


def test_one_perfect_review_does_not_beat_forty_great_ones() -> None:
    lucky = replace(BASE, expert_id="lucky", rating_avg=5.0, rating_count=1)
    proven = replace(BASE, expert_id="proven", rating_avg=4.8, rating_count=40)
    assert score(proven) > score(lucky)
    assert bayesian_rating(5.0, 1) < bayesian_rating(4.8, 40)
    assert [e.expert_id for e, _ in rank_experts([lucky, proven], CTX)] == ["proven", "lucky"]


def test_many_poor_reviews_rank_below_an_unreviewed_newcomer() -> None:
    newcomer = replace(BASE, rating_avg=0.0, rating_count=0)
    poor = replace(BASE, rating_avg=2.5, rating_count=30)
    assert score(newcomer) > score(poor)


def test_experience_helps_with_diminishing_returns() -> None:
    s = [score(replace(BASE, years_experience=y)) for y in (0, 10, 20, 30)]
    assert s[0] < s[1] < s[2] < s[3]
    assert s[1] - s[0] > s[2] - s[1] > s[3] - s[2]


def test_completed_sessions_count_logarithmically() -> None:
    s = [score(replace(BASE, completed_sessions=n)) for n in (0, 10, 100, 1000)]
    assert s[0] < s[1] < s[2] <= s[3]
    assert s[1] - s[0] > s[2] - s[1]


def test_requested_specialty_and_industry_lift_matching_experts() -> None:
    ctx = replace(CTX, specialties=("system_design",), industries=("healthcare",))
    match = replace(BASE, specialties=("system_design",), industries=("Healthcare",))
    assert score(match, ctx) > score(BASE, ctx)
    reason = score_expert(match, replace(CTX, specialties=("system_design",))).reason
    assert "Specializes in system design" in reason


def test_recent_activity_beats_long_silence_and_never_active() -> None:
    recent = replace(BASE, last_session_at=NOW - timedelta(days=1))
    stale = replace(BASE, last_session_at=NOW - timedelta(days=180))
    never = replace(BASE, last_session_at=None)
    assert score(recent) > score(stale) > score(never)


def test_earlier_sessions_with_this_user_count() -> None:
    ctx = replace(CTX, sessions_with={"again": 3})
    again = replace(BASE, expert_id="again")
    assert score(again, ctx) > score(BASE, ctx)
    assert "You've had 3 sessions with this expert" in score_expert(again, ctx).reason


def test_target_company_current_beats_past_beats_none() -> None:
    ctx = replace(CTX, target_companies=("Google",))
    current = replace(BASE, current_company="Google LLC")
    past = replace(BASE, past_companies=("google",))
    assert score(current, ctx) > score(past, ctx) > score(BASE, ctx)
    assert score_expert(current, ctx).reason.startswith("Works at Google LLC, one of your")


def test_reason_names_company_then_rating() -> None:
    ctx = replace(CTX, target_companies=("Google", "Stripe"))
    expert = replace(
        BASE, rating_avg=4.9, rating_count=40, completed_sessions=40, past_companies=("Google",)
    )
    assert score_expert(expert, ctx).reason == (
        "Worked at Google, one of your target companies · 4.9★ from 40 reviews"
    )


def test_new_expert_gets_a_friendly_reason() -> None:
    newcomer = ExpertSignals(expert_id="n")
    result = score_expert(newcomer, CTX)
    assert result.reason == "New on MockMate"
    assert 0 < result.score < 50


def test_factors_without_user_input_do_not_cap_the_score() -> None:
    star = ExpertSignals(
        expert_id="star",
        rating_avg=5.0,
        rating_count=500,
        years_experience=60,
        completed_sessions=2000,
        last_session_at=NOW,
    )
    assert score(star) > 90
    assert set(score_expert(star, CTX).factors) == {"rating", "sessions", "experience", "recency"}


def test_ranking_ties_break_by_reviews_then_id() -> None:
    a, b = replace(BASE, expert_id="a"), replace(BASE, expert_id="b")
    assert [e.expert_id for e, _ in rank_experts([b, a], CTX)] == ["a", "b"]


def test_company_names_normalize_case_punctuation_and_suffixes() -> None:
    assert normalize_company("Google, Inc.") == normalize_company("google") == "google"
    assert normalize_company("Co") == "co"  # a bare suffix stays a name


def test_invalid_signals_are_refused() -> None:
    with pytest.raises(ValueError, match="rating_avg"):
        ExpertSignals(expert_id="x", rating_avg=5.1)
    with pytest.raises(ValueError, match="negative"):
        ExpertSignals(expert_id="x", completed_sessions=-1)
    with pytest.raises(ValueError, match="timezone-aware"):
        SearchContext(now=datetime(2026, 6, 1))


experts = st.builds(
    ExpertSignals,
    expert_id=st.sampled_from(["a", "b", "c"]),
    rating_avg=st.floats(0, 5),
    rating_count=st.integers(0, 10_000),
    years_experience=st.integers(0, 60),
    completed_sessions=st.integers(0, 100_000),
    specialties=st.lists(st.sampled_from(["technical", "product"]), max_size=2).map(tuple),
    industries=st.lists(st.sampled_from(["Fintech", "Retail"]), max_size=2).map(tuple),
    current_company=st.sampled_from([None, "Google", "Acme"]),
    past_companies=st.lists(st.sampled_from(["Google", "Meta"]), max_size=2).map(tuple),
    last_session_at=st.one_of(
        st.none(), st.integers(-2, 2000).map(lambda d: NOW - timedelta(days=d))
    ),
)
contexts = st.builds(
    SearchContext,
    now=st.just(NOW),
    specialties=st.lists(st.sampled_from(["technical", "leadership"]), max_size=2).map(tuple),
    industries=st.lists(st.sampled_from(["fintech"]), max_size=1).map(tuple),
    target_companies=st.lists(st.sampled_from(["google", "meta"]), max_size=2).map(tuple),
    sessions_with=st.dictionaries(st.sampled_from(["a", "b"]), st.integers(0, 5), max_size=2),
)


@given(experts, contexts)
def test_score_is_bounded_deterministic_and_explained(
    expert: ExpertSignals, ctx: SearchContext
) -> None:
    first, again = score_expert(expert, ctx), score_expert(expert, ctx)
    assert first == again
    assert 0.0 <= first.score <= 100.0
    assert first.reason and 1 <= len(first.reason.split(" · ")) <= 2
