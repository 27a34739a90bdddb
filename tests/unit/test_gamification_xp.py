"""XP sources, cause keys, and applying awards with level-up bonuses."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from mockmate.gamification.badges import badge
from mockmate.gamification.challenges import daily_challenges
from mockmate.gamification.updates import gamification_update
from mockmate.gamification.xp import (
    XP_BY_SOURCE,
    Award,
    answer_awards,
    apply_awards,
    badge_award,
    challenge_award,
    interview_awards,
    level_up_award,
    streak_awards,
)

DAY = date(2024, 5, 17)


def amounts(awards: list[Award]) -> dict[str, int]:
    return {a.cause_key: a.xp for a in awards}


def test_the_fixed_amounts_match_the_issue() -> None:
    assert XP_BY_SOURCE == {
        "answer_submitted": 5,
        "answer_high_score": 10,
        "first_practice_of_day": 15,
        "interview_completed": 50,
        "interview_high_average": 100,
        "streak_milestone": 75,
    }


def test_an_answer_below_8_earns_the_submission_only() -> None:
    awards = answer_awards("a1", 7.9, local_day=DAY, first_of_day=False)
    assert amounts(awards) == {"answer:a1:submitted": 5}
    assert awards[0].source == "answer_submitted"


def test_an_answer_scored_8_earns_the_bonus() -> None:
    awards = answer_awards("a1", 8.0, local_day=DAY, first_of_day=False)
    assert amounts(awards) == {"answer:a1:submitted": 5, "answer:a1:high_score": 10}


def test_the_first_practice_of_the_day_is_keyed_by_the_day() -> None:
    first = answer_awards("a1", 10, local_day=DAY, first_of_day=True)
    assert amounts(first) == {
        "answer:a1:submitted": 5,
        "answer:a1:high_score": 10,
        "day:2024-05-17:first_practice": 15,
    }
    # Another answer that also believes it is first proposes the same key: paid once.
    again = answer_awards("a2", 3, local_day=DAY, first_of_day=True)
    result = apply_awards(0, [*first, *again])
    assert result.total_xp == 5 + 10 + 15 + 5


@pytest.mark.parametrize(
    ("average", "expected"),
    [
        (None, {"interview:i1:completed": 50}),
        (8.9, {"interview:i1:completed": 50}),
        (9.0, {"interview:i1:completed": 50, "interview:i1:high_average": 100}),
        (10.0, {"interview:i1:completed": 50, "interview:i1:high_average": 100}),
    ],
)
def test_interview_awards(average: float | None, expected: dict[str, int]) -> None:
    assert amounts(interview_awards("i1", average, answered=3)) == expected


def test_an_interview_with_nothing_answered_earns_nothing() -> None:
    assert interview_awards("i1", None, answered=0) == []


def test_streak_milestones_pay_75_each_keyed_by_day_and_length() -> None:
    assert amounts(streak_awards(DAY, (7,))) == {"streak:2024-05-17:7": 75}
    assert streak_awards(DAY, ()) == []


def test_challenge_badge_and_level_awards_carry_their_own_amounts() -> None:
    challenge = daily_challenges("u1", DAY)[0]
    award = challenge_award(challenge.id, challenge.reward_xp)
    assert award.cause_key == f"challenge:{DAY.isoformat()}:quick_practice"
    assert award.xp == challenge.reward_xp and award.source == "challenge"
    first = badge("first-interview")
    assert badge_award(first.slug, first.xp) == Award(
        cause_key="badge:first-interview", source="badge", xp=first.xp
    )
    assert level_up_award(4) == Award(cause_key="level:4", source="level_up", xp=100)


def test_awards_are_validated() -> None:
    with pytest.raises(ValidationError):
        Award(cause_key="x", source="badge", xp=-1)
    with pytest.raises(ValidationError):
        Award(cause_key="", source="badge", xp=1)


def test_no_awards_change_nothing() -> None:
    result = apply_awards(250, [])
    assert (result.total_xp, result.gained, result.level_up) == (250, 0, False)
    assert result.level_before == result.level_after
    assert result.bonus_awards == ()


def test_reaching_a_level_pays_its_bonus() -> None:
    result = apply_awards(95, answer_awards("a1", 5, local_day=DAY, first_of_day=False))
    assert result.level_before.number == 1 and result.level_after.number == 2
    assert result.level_up
    assert amounts(list(result.bonus_awards)) == {"level:2": 50}
    assert (result.total_xp, result.gained) == (150, 55)


def test_crossing_several_levels_at_once_pays_each_bonus() -> None:
    big = Award(cause_key="test:big", source="challenge", xp=1000)
    result = apply_awards(0, [big])
    assert amounts(list(result.bonus_awards)) == {
        "level:2": 50, "level:3": 75, "level:4": 100, "level:5": 125,
    }
    assert result.total_xp == 1000 + 350
    assert result.level_after.number == 5 and result.gained == 1350


def test_a_bonus_can_cross_the_next_level_too() -> None:
    # 95 + 200 = 295 reaches level 2; its bonus (50) makes 345, past level 3 (300).
    result = apply_awards(95, [Award(cause_key="x", source="badge", xp=200)])
    assert [a.cause_key for a in result.bonus_awards] == ["level:2", "level:3"]
    assert result.total_xp == 95 + 200 + 50 + 75
    assert result.level_after.number == 3


def test_the_top_level_pays_once_then_nothing_more() -> None:
    top = apply_awards(5400, [Award(cause_key="x", source="badge", xp=100)])
    assert amounts(list(top.bonus_awards)) == {"level:10": 250}
    assert top.level_after.title == "Interview Guru"
    beyond = apply_awards(top.total_xp, [Award(cause_key="y", source="badge", xp=10**6)])
    assert beyond.bonus_awards == () and not beyond.level_up


def test_the_same_cause_is_counted_once() -> None:
    award = Award(cause_key="answer:a1:submitted", source="answer_submitted", xp=5)
    result = apply_awards(0, [award, award, award])
    assert result.gained == 5 and result.awards == (award,)


def test_a_level_bonus_already_in_the_batch_is_not_paid_twice() -> None:
    result = apply_awards(95, [Award(cause_key="x", source="badge", xp=5), level_up_award(2)])
    assert result.bonus_awards == ()
    assert result.total_xp == 150


def test_a_negative_total_is_refused() -> None:
    with pytest.raises(ValueError):
        apply_awards(-1, [])


def test_the_contract_payload() -> None:
    result = apply_awards(95, answer_awards("a1", 9, local_day=DAY, first_of_day=True))
    challenge = daily_challenges("u1", DAY)[2]
    payload = gamification_update(
        result,
        streak_days=3,
        badges_unlocked=[badge("streak-3")],
        challenges_completed=[challenge],
    )
    assert payload == {
        "xp_gained": 30 + 50,
        "total_xp": 95 + 30 + 50,
        "level": 2,
        "level_title": "Learner",
        "level_up": True,
        "streak_days": 3,
        "badges_unlocked": [{"slug": "streak-3", "title": "On a Roll", "rarity": "common"}],
        "challenges_completed": [
            {"id": challenge.id, "title": challenge.title, "reward_xp": challenge.reward_xp}
        ],
    }


award_lists = st.lists(
    st.builds(
        Award,
        cause_key=st.text(alphabet="abcdef", min_size=1, max_size=3),
        source=st.sampled_from(["answer_submitted", "badge", "challenge"]),
        xp=st.integers(min_value=0, max_value=3000),
    ),
    max_size=8,
)


@given(st.integers(min_value=0, max_value=20_000), award_lists)
def test_xp_never_decreases(total_xp: int, awards: list[Award]) -> None:
    result = apply_awards(total_xp, awards)
    assert result.total_xp >= total_xp
    assert result.gained == result.total_xp - total_xp
    assert result.level_after.number >= result.level_before.number
    assert result.level_up == (result.level_after.number > result.level_before.number)
    paid = sum(a.xp for a in result.awards) + sum(a.xp for a in result.bonus_awards)
    assert paid == result.gained
    assert [int(a.cause_key.split(":")[1]) for a in result.bonus_awards] == list(
        range(result.level_before.number + 1, result.level_after.number + 1)
    )


@given(st.integers(min_value=0, max_value=6000), award_lists, award_lists)
def test_one_batch_or_two_reach_the_same_total(
    total_xp: int, a: list[Award], b: list[Award]
) -> None:
    a = [x.model_copy(update={"cause_key": "a" + x.cause_key}) for x in a]
    b = [x.model_copy(update={"cause_key": "b" + x.cause_key}) for x in b]
    once = apply_awards(total_xp, [*a, *b])
    first = apply_awards(total_xp, a)
    twice = apply_awards(first.total_xp, b)
    assert once.total_xp == twice.total_xp
    assert {x.cause_key for x in once.bonus_awards} == {
        x.cause_key for x in (*first.bonus_awards, *twice.bonus_awards)
    }
