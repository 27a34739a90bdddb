"""A candidate's progress moved by answers, interviews and claims: what they earn, once."""

from datetime import UTC, date, datetime, timedelta

import pytest

from mockmate.gamification import progress as rules
from mockmate.gamification.challenges import ChallengeNotClaimableError
from mockmate.gamification.goals import GoalSpec, new_goal

DAY = date(2026, 11, 23)
AT = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


def answer(p: rules.Progress, n: int, score: float = 6.0, day: date = DAY,
           category: str = "behavioral") -> rules.Step:
    return rules.record_answer(p, answer_id=f"a{n}", category=category,  # type: ignore[arg-type]
                               difficulty="mid", score=score, day=day, at=AT)


def interview(p: rules.Progress, n: int, average: float | None = 6.0, answered: int = 3,
              duration_s: float = 900.0, day: date = DAY) -> rules.Step:
    return rules.record_interview(p, interview_id=f"i{n}", average=average, answered=answered,
                                  duration_s=duration_s, day=day, at=AT)


def test_the_first_answer_of_the_day_pays_submission_and_first_practice() -> None:
    step = answer(rules.new_progress("u"), 1)
    assert step.progress.total_xp == 5 + 15
    update = step.update(DAY)
    assert update is not None
    assert update["xp_gained"] == 20 and update["total_xp"] == 20
    assert update["level"] == 1 and update["level_title"] == "Newcomer"
    assert update["streak_days"] == 1 and update["level_up"] is False


def test_a_second_answer_that_day_pays_only_submission_and_a_high_score_bonus() -> None:
    p = answer(rules.new_progress("u"), 1).progress
    step = answer(p, 2, score=8.5)
    assert step.progress.total_xp - p.total_xp == 5 + 10


def test_the_same_answer_counted_twice_changes_nothing() -> None:
    p = answer(rules.new_progress("u"), 1).progress
    again = answer(p, 1, score=9.9)
    assert again.repeated and again.progress == p and again.update(DAY) is None


def test_completing_the_first_interview_earns_its_badge_and_crosses_a_level() -> None:
    p = rules.new_progress("u")
    for n in range(3):
        p = answer(p, n).progress
    assert p.total_xp == 3 * 5 + 15
    step = interview(p, 1)
    # 50 for the interview + 25 for "first-interview": 120 crosses level 2 (100), +50 bonus.
    assert step.progress.total_xp == 30 + 50 + 25 + 50
    update = step.update(DAY)
    assert update is not None and update["level_up"] is True and update["level"] == 2
    assert update["badges_unlocked"] == [
        {"slug": "first-interview", "title": "First Steps", "rarity": "common"}
    ]
    assert set(step.progress.badges) == {"first-interview"}
    assert step.progress.statistics.completed_interviews == 1
    assert {a.cause_key for a in step.awards} == {
        "interview:i1:completed", "badge:first-interview", "level:2"
    }
    # The interview again (a retried hook): nothing more, the badge stays single.
    assert interview(step.progress, 1).repeated


def test_an_empty_interview_earns_no_interview_xp() -> None:
    step = interview(rules.new_progress("u"), 1, average=None, answered=0)
    assert step.progress.total_xp == 25  # only the first-interview badge: it was completed


def test_a_great_interview_pays_the_high_average_bonus_and_its_badge() -> None:
    step = interview(rules.new_progress("u"), 1, average=9.2)
    slugs = {b.slug for b in step.badges}
    assert slugs == {"first-interview", "stellar-interview"}
    assert any(a.cause_key == "interview:i1:high_average" for a in step.awards)


def test_two_hours_of_practice_in_one_day_earns_the_marathon_badge() -> None:
    p = interview(rules.new_progress("u"), 1, duration_s=3600).progress
    p = interview(p, 2, duration_s=3000, day=DAY + timedelta(days=1)).progress
    assert "marathon" not in p.badges  # 1 h + 50 min on different days
    step = interview(p, 3, duration_s=4200, day=DAY + timedelta(days=1))
    assert "marathon" in {b.slug for b in step.badges}


def test_ten_behavioral_answers_of_nine_earn_master_storyteller_once() -> None:
    p = rules.new_progress("u")
    earned = []
    for n in range(12):
        step = answer(p, n, score=9.5)
        earned += [b.slug for b in step.badges]
        p = step.progress
    assert earned.count("master-storyteller") == 1 and "perfect-answer" not in earned
    assert "perfect-answer" in {b.slug for b in answer(p, 99, score=10).badges}


def test_a_seven_day_streak_pays_its_milestone_and_badges() -> None:
    p = rules.new_progress("u")
    xp_before_day7 = 0
    for offset in range(7):
        if offset == 6:
            xp_before_day7 = p.total_xp
        p = answer(p, offset, day=DAY + timedelta(days=offset)).progress
    assert p.streak.current == 7 and p.streak.freezes == 1
    assert {"streak-3", "streak-7"} <= set(p.badges)
    gained = p.total_xp - xp_before_day7
    assert gained >= 5 + 15 + 75 + 75  # answer, first of day, milestone, the streak-7 badge
    assert p.statistics.current_streak == 7 and p.statistics.longest_streak == 7


def test_challenges_progress_complete_and_pay_once_when_claimed() -> None:
    p = rules.new_progress("u")
    keep = next(c for c in rules.challenges_for(p, DAY) if c.kind == "keep_streak")
    step = answer(p, 1)
    assert keep.id in {c.id for c in step.challenges_completed}
    update = step.update(DAY)
    assert update is not None
    assert {"id": keep.id, "title": keep.title, "reward_xp": keep.reward_xp} in (
        update["challenges_completed"]  # type: ignore[operator]
    )
    claimed = rules.claim_challenge(step.progress, keep.id, DAY, AT)
    assert claimed.progress.total_xp == step.progress.total_xp + keep.reward_xp
    with pytest.raises(ChallengeNotClaimableError) as twice:
        rules.claim_challenge(claimed.progress, keep.id, DAY, AT)
    assert twice.value.reason == "already_claimed"


def test_an_unfinished_or_expired_challenge_cannot_be_claimed() -> None:
    p = answer(rules.new_progress("u"), 1).progress
    quick = next(c for c in p.challenges if c.kind == "quick_practice")
    with pytest.raises(ChallengeNotClaimableError) as early:
        rules.claim_challenge(p, quick.id, DAY, AT)
    assert early.value.reason == "not_completed"
    keep = next(c for c in p.challenges if c.kind == "keep_streak")
    with pytest.raises(ChallengeNotClaimableError) as late:
        rules.claim_challenge(p, keep.id, DAY + timedelta(days=1), AT)
    assert late.value.reason == "expired"
    with pytest.raises(KeyError):
        rules.claim_challenge(p, "2020-01-01:keep_streak", DAY, AT)


def test_a_new_day_brings_new_challenges_and_a_late_event_keeps_todays() -> None:
    p = answer(rules.new_progress("u"), 1).progress
    p = answer(p, 2, day=DAY + timedelta(days=1)).progress
    assert {c.day for c in p.challenges} == {DAY + timedelta(days=1)}
    late = answer(p, 3, day=DAY).progress
    assert late.challenges == p.challenges


def test_goals_advance_with_practice() -> None:
    goal = new_goal(GoalSpec(kind="practice_frequency", target=2, deadline=DAY + timedelta(7)),
                    goal_id="g1", today=DAY)
    p = rules.add_goal(rules.new_progress("u"), goal)
    p = answer(p, 1).progress
    p = answer(p, 2).progress  # the same day counts once
    assert p.goals[0].progress == 1
    p = answer(p, 3, day=DAY + timedelta(days=1)).progress
    assert p.goals[0].achieved_on == DAY + timedelta(days=1)


def test_statistics_follow_answers_and_interviews() -> None:
    p = rules.record_started(rules.new_progress("u"), "i1").progress
    p = answer(p, 1, score=6, category="technical").progress
    p = answer(p, 2, score=8, category="technical").progress
    p = interview(p, 1, average=7.0, duration_s=600).progress
    s = p.statistics
    assert (s.total_interviews, s.completed_interviews, s.answers_count) == (1, 1, 2)
    assert s.average_score == pytest.approx(7.0) and s.practice_seconds == 600
    assert rules.record_started(p, "i1").repeated


def test_claims_see_todays_challenges_even_before_any_practice_today() -> None:
    p = answer(rules.new_progress("u"), 1).progress  # yesterday's challenges are stored
    tomorrow = DAY + timedelta(days=1)
    fresh = next(c for c in rules.challenges_for(p, tomorrow) if c.kind == "keep_streak")
    with pytest.raises(ChallengeNotClaimableError) as early:
        rules.claim_challenge(p, fresh.id, tomorrow, AT)
    assert early.value.reason == "not_completed"
    old = next(c for c in p.challenges if c.kind == "keep_streak")
    with pytest.raises(ChallengeNotClaimableError) as late:
        rules.claim_challenge(p, old.id, tomorrow, AT)
    assert late.value.reason == "expired"


def test_paid_awards_wait_in_the_outbox_until_recorded() -> None:
    step = answer(rules.new_progress("u"), 1, score=9)
    keys = {item.award.cause_key for item in step.progress.outbox}
    assert keys == {a.cause_key for a in step.awards}
    cleared = rules.recorded(step.progress, keys).progress
    assert cleared.outbox == [] and cleared.total_xp == step.progress.total_xp
    # A repeat of the step pays nothing and adds nothing to the outbox.
    assert answer(cleared, 1).progress.outbox == []


def test_a_corrected_answer_takes_its_new_score_and_pays_nothing_again() -> None:
    p = answer(answer(rules.new_progress("u"), 1, score=4.0).progress, 2, score=6.0).progress
    step = rules.rescore_answer(p, answer_id="a1", revision=2, category="behavioral",
                                earlier=4.0, score=8.0)
    after = step.progress
    assert after.total_xp == p.total_xp and after.badges == p.badges and step.update(DAY) is None
    assert after.statistics.answers_count == 2
    assert after.statistics.average_score == pytest.approx(7.0)
    assert after.statistics.by_category["behavioral"].average == pytest.approx(7.0)
    again = rules.rescore_answer(after, answer_id="a1", revision=2, category="behavioral",
                                 earlier=4.0, score=8.0)
    assert again.repeated and again.progress == after
    with pytest.raises(rules.AnswerNotCountedError):
        rules.rescore_answer(p, answer_id="a9", revision=2, category="behavioral",
                             earlier=4.0, score=8.0)


def test_onboarding_pays_its_xp_once() -> None:
    step = rules.complete_onboarding(rules.new_progress("u1"), DAY, AT)
    assert not step.repeated and step.progress.total_xp == rules.ONBOARDING_XP
    assert step.progress.onboarding_completed_at == AT
    assert [a.cause_key for a in step.awards] == ["onboarding"]
    again = rules.complete_onboarding(step.progress, DAY, AT + timedelta(hours=1))
    assert again.repeated and again.progress == step.progress and again.awards == ()
