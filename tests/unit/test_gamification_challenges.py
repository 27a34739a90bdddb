"""Daily challenges: deterministic generation, progress per cause, claim and expiry."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockmate.domain import QUESTION_CATEGORIES, QuestionCategory
from mockmate.gamification.challenges import (
    CHALLENGE_TEMPLATES,
    Challenge,
    ChallengeNotClaimableError,
    claim,
    claimable,
    daily_challenges,
    expired,
    progress,
    progress_all,
)
from mockmate.gamification.events import (
    AnswerScored,
    InterviewFinished,
    Practiced,
    StreakReached,
)

DAY = date(2024, 5, 17)
NEXT = DAY + timedelta(days=1)


def by_kind(user_id: str = "u1", day: date = DAY) -> dict[str, Challenge]:
    return {c.kind: c for c in daily_challenges(user_id, day)}


def answer(
    n: int, category: QuestionCategory = "behavioral", score: float = 9.0, day: date = DAY
) -> AnswerScored:
    return AnswerScored(answer_id=f"a{n}", day=day, category=category, score=score)


def test_one_challenge_per_template_with_stable_ids() -> None:
    challenges = daily_challenges("u1", DAY)
    assert [c.kind for c in challenges] == ["quick_practice", "category_focus", "keep_streak"]
    assert [c.id for c in challenges] == [
        "2024-05-17:quick_practice", "2024-05-17:category_focus", "2024-05-17:keep_streak"
    ]
    assert all(c.day == DAY and c.progress == 0 and not c.claimed for c in challenges)


def test_generation_is_deterministic_per_user_and_day() -> None:
    assert daily_challenges("u1", DAY) == daily_challenges("u1", DAY)
    ids = [c.id for c in daily_challenges("u1", NEXT)]
    assert ids != [c.id for c in daily_challenges("u1", DAY)]


def test_parameters_vary_between_users_and_days() -> None:
    picks = {
        (c.target, c.category, c.min_score)
        for user in range(40)
        for c in daily_challenges(f"user{user}", DAY)
        if c.kind == "category_focus"
    }
    assert len(picks) > 3
    targets = {by_kind("u1", DAY + timedelta(days=n))["quick_practice"].target for n in range(30)}
    assert targets == {3, 5}


@pytest.mark.parametrize("user", ["u1", "u2", "someone-else", ""])
def test_each_challenge_follows_its_template(user: str) -> None:
    templates = {t.kind: t for t in CHALLENGE_TEMPLATES}
    for c in daily_challenges(user, DAY):
        template = templates[c.kind]
        assert c.target in template.targets
        assert c.reward_xp == template.base_xp + template.xp_per_target * c.target > 0
        if c.kind == "category_focus":
            assert c.category in template.categories and c.min_score in template.min_scores
            assert c.category in c.title and c.category in c.description
            assert f"{c.min_score:g}" in c.description
        else:
            assert c.category is None and c.min_score is None


def test_quick_practice_counts_answers_of_its_day_once_each() -> None:
    challenge = by_kind()["quick_practice"].model_copy(update={"target": 3})
    challenge = progress(challenge, answer(1, score=2.0))
    challenge = progress(challenge, answer(1, score=2.0))  # a retried hook
    assert challenge.progress == 1 and challenge.counted == ("answer:a1",)
    challenge = progress(challenge, answer(2, day=NEXT))  # another day
    challenge = progress(challenge, answer(3, day=DAY - timedelta(days=1)))
    challenge = progress(challenge, Practiced(day=DAY))  # not an answer
    assert challenge.progress == 1
    challenge = progress(progress(challenge, answer(4)), answer(5))
    assert challenge.completed and challenge.progress == 3
    assert progress(challenge, answer(6)) is challenge  # capped at the target


def test_category_focus_needs_the_category_and_the_minimum_score() -> None:
    challenge = by_kind()["category_focus"].model_copy(
        update={"category": "technical", "min_score": 8.0, "target": 2}
    )
    assert progress(challenge, answer(1, "behavioral", 10)).progress == 0
    assert progress(challenge, answer(2, "technical", 7.9)).progress == 0
    assert progress(challenge, answer(3, "technical", 8.0)).progress == 1
    done = progress(progress(challenge, answer(3, "technical", 8.0)), answer(4, "technical", 9.5))
    assert done.completed


def test_keep_the_streak_completes_with_any_practice_that_day() -> None:
    challenge = by_kind()["keep_streak"]
    assert challenge.target == 1
    assert progress(challenge, Practiced(day=DAY)).completed
    assert progress(challenge, answer(1, score=1.0)).completed
    assert not progress(challenge, Practiced(day=NEXT)).completed


def test_interview_and_streak_events_do_not_move_challenges() -> None:
    for challenge in daily_challenges("u1", DAY):
        finished = InterviewFinished(interview_id="i", day=DAY, average=9)
        assert progress(challenge, finished) == challenge
        assert progress(challenge, StreakReached(day=DAY, current=5)) == challenge


def test_progress_all_reports_the_challenges_just_completed() -> None:
    challenges = daily_challenges("u1", DAY)
    updated, completed = progress_all(challenges, answer(1, score=1.0))
    assert [c.kind for c in completed] == ["keep_streak"]
    updated, completed = progress_all(updated, answer(2, score=1.0))
    assert completed == []
    assert len(updated) == 3


def test_a_completed_challenge_is_claimable_on_its_day_once() -> None:
    done = progress(by_kind()["keep_streak"], Practiced(day=DAY))
    assert claimable(done, DAY)
    claimed = claim(done, DAY)
    assert claimed.claimed and not claimable(claimed, DAY)
    with pytest.raises(ChallengeNotClaimableError) as refused:
        claim(claimed, DAY)
    assert refused.value.reason == "already_claimed"
    assert progress(claimed, Practiced(day=DAY)) is claimed


def test_an_unfinished_challenge_cannot_be_claimed() -> None:
    challenge = by_kind()["quick_practice"]
    assert not claimable(challenge, DAY)
    with pytest.raises(ChallengeNotClaimableError) as refused:
        claim(challenge, DAY)
    assert refused.value.reason == "not_completed"


def test_an_expired_challenge_cannot_be_claimed() -> None:
    done = progress(by_kind()["keep_streak"], Practiced(day=DAY))
    assert not expired(done, DAY) and expired(done, NEXT)
    assert not claimable(done, NEXT)
    with pytest.raises(ChallengeNotClaimableError) as refused:
        claim(done, NEXT)
    assert refused.value.reason == "expired"


def test_challenges_round_trip_through_json() -> None:
    done = progress(by_kind()["quick_practice"], answer(1))
    assert Challenge.model_validate_json(done.model_dump_json()) == done


@given(
    st.lists(
        st.tuples(
            st.integers(0, 6),
            st.sampled_from(QUESTION_CATEGORIES),
            st.floats(1, 10),
            st.integers(-1, 1),
        ),
        max_size=30,
    ),
    st.text(max_size=8),
)
def test_progress_stays_within_the_target(
    events: list[tuple[int, QuestionCategory, float, int]], user_id: str
) -> None:
    challenges = daily_challenges(user_id, DAY)
    for n, category, score, offset in events:
        event = answer(n, category, score, DAY + timedelta(days=offset))
        before = challenges
        challenges, _ = progress_all(challenges, event)
        for old, new in zip(before, challenges, strict=True):
            assert old.progress <= new.progress <= new.target
            assert len(new.counted) == new.progress
            assert len(set(new.counted)) == len(new.counted)
