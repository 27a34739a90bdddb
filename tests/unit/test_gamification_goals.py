"""Goals: per-field validation, progress per kind, achievement, expiry, repeated events."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from mockmate.domain import QuestionCategory
from mockmate.gamification.events import (
    AnswerScored,
    InterviewFinished,
    Practiced,
    StreakReached,
)
from mockmate.gamification.goals import (
    GOAL_KINDS,
    Goal,
    GoalEdit,
    GoalSpec,
    GoalValidationError,
    advance,
    edit_goal,
    new_goal,
    status,
    validate_goal,
)

TODAY = date(2024, 5, 1)
IN_10 = TODAY + timedelta(days=10)


def goal(**spec: object) -> Goal:
    return new_goal(GoalSpec.model_validate(spec), goal_id="g1", today=TODAY)


def answer(
    n: int, category: QuestionCategory = "technical", score: float = 9.0, day: date = TODAY
) -> AnswerScored:
    return AnswerScored(answer_id=f"a{n}", day=day, category=category, score=score)


def test_the_four_kinds() -> None:
    assert [k.kind for k in GOAL_KINDS] == [
        "practice_frequency", "score_improvement", "category_mastery", "streak_maintenance"
    ]


def test_a_spec_is_parsed_from_a_request_body() -> None:
    spec = GoalSpec.model_validate(
        {"kind": "streak_maintenance", "target": 7, "deadline": "2024-05-20"}
    )
    assert spec.deadline == date(2024, 5, 20)
    with pytest.raises(ValidationError):
        GoalSpec.model_validate({"kind": "lose_weight", "target": 1, "deadline": "2024-05-20"})
    with pytest.raises(ValidationError):
        GoalSpec.model_validate({"kind": "score_improvement", "target": 8, "deadline": "soon"})


@pytest.mark.parametrize(
    ("spec", "baseline", "errors"),
    [
        ({"kind": "practice_frequency", "target": 5, "deadline": IN_10}, None, set()),
        ({"kind": "practice_frequency", "target": 11, "deadline": IN_10}, None, set()),
        ({"kind": "practice_frequency", "target": 12, "deadline": IN_10}, None, {"target"}),
        ({"kind": "practice_frequency", "target": 2.5, "deadline": IN_10}, None, {"target"}),
        ({"kind": "practice_frequency", "target": 0, "deadline": IN_10}, None, {"target"}),
        ({"kind": "practice_frequency", "target": 1, "deadline": TODAY}, None, set()),
        ({"kind": "practice_frequency", "target": 1, "deadline": TODAY - timedelta(days=1)},
         None, {"deadline"}),
        ({"kind": "streak_maintenance", "target": 7, "deadline": TODAY + timedelta(days=365)},
         None, set()),
        ({"kind": "streak_maintenance", "target": 7, "deadline": TODAY + timedelta(days=366)},
         None, {"deadline"}),
        ({"kind": "streak_maintenance", "target": 7, "deadline": IN_10}, 7, {"target"}),
        ({"kind": "streak_maintenance", "target": 8, "deadline": IN_10}, 7, set()),
        ({"kind": "streak_maintenance", "target": 400, "deadline": IN_10}, None, {"target"}),
        ({"kind": "score_improvement", "target": 8.5, "deadline": IN_10}, 7.2, set()),
        ({"kind": "score_improvement", "target": 7.0, "deadline": IN_10}, 7.2, {"target"}),
        ({"kind": "score_improvement", "target": 10.5, "deadline": IN_10}, None, {"target"}),
        ({"kind": "score_improvement", "target": 8, "deadline": IN_10, "category": "technical"},
         None, {"category"}),
        ({"kind": "score_improvement", "target": 8, "deadline": IN_10, "min_score": 8},
         None, {"min_score"}),
        ({"kind": "category_mastery", "target": 10, "deadline": IN_10}, None, {"category"}),
        ({"kind": "category_mastery", "target": 10, "deadline": IN_10, "category": "technical",
          "min_score": 11}, None, {"min_score"}),
        ({"kind": "category_mastery", "target": 10, "deadline": IN_10, "category": "technical",
          "min_score": 7}, None, set()),
        ({"kind": "category_mastery", "target": 101, "deadline": TODAY - timedelta(days=1),
          "category": "technical"}, None, {"target", "deadline"}),
    ],
)
def test_validation_per_field(
    spec: dict[str, object], baseline: float | None, errors: set[str]
) -> None:
    parsed = GoalSpec.model_validate(spec)
    found = validate_goal(parsed, TODAY, baseline)
    assert set(found) == errors
    assert all(isinstance(message, str) and message for message in found.values())
    if errors:
        with pytest.raises(GoalValidationError) as refused:
            new_goal(parsed, goal_id="g", today=TODAY, baseline=baseline)
        assert set(refused.value.errors) == errors
    else:
        assert new_goal(parsed, goal_id="g", today=TODAY, baseline=baseline).id == "g"


def test_a_new_goal() -> None:
    g = goal(kind="category_mastery", target=5, deadline=IN_10, category="technical")
    assert g.min_score == 8.0  # the default bar for mastery
    assert g.title == "Score 8 or more on 5 technical answers"
    assert (g.start_day, g.deadline, g.progress, g.achieved_on) == (TODAY, IN_10, 0.0, None)
    assert status(g, TODAY) == "active"


def test_practice_frequency_counts_distinct_days() -> None:
    g = goal(kind="practice_frequency", target=3, deadline=IN_10)
    g = advance(g, answer(1))
    g = advance(g, answer(2))  # same day
    g = advance(g, Practiced(day=TODAY))  # same day again
    assert g.progress == 1
    g = advance(g, Practiced(day=TODAY + timedelta(days=2)))
    g = advance(g, answer(3, day=TODAY + timedelta(days=1)))  # late and earlier: ignored
    assert g.progress == 2 and g.achieved_on is None
    g = advance(g, answer(4, day=TODAY + timedelta(days=5)))
    assert g.progress == 3 and g.achieved_on == TODAY + timedelta(days=5)
    assert status(g, TODAY + timedelta(days=30)) == "achieved"
    assert g.fraction == 1.0


def test_score_improvement_keeps_the_best_average() -> None:
    g = new_goal(
        GoalSpec(kind="score_improvement", target=8.5, deadline=IN_10),
        goal_id="g", today=TODAY, baseline=7.0,
    )
    assert g.baseline == 7.0
    g = advance(g, InterviewFinished(interview_id="i1", day=TODAY, average=8.0))
    g = advance(g, InterviewFinished(interview_id="i2", day=TODAY, average=6.0))
    g = advance(g, InterviewFinished(interview_id="i3", day=TODAY, average=None))
    assert g.progress == 8.0 and status(g, TODAY) == "active"
    g = advance(g, InterviewFinished(interview_id="i4", day=IN_10, average=8.5))
    assert g.achieved_on == IN_10


def test_category_mastery_counts_good_answers_in_the_category_once_each() -> None:
    g = goal(kind="category_mastery", target=2, deadline=IN_10, category="technical",
             min_score=8)
    g = advance(g, answer(1, "behavioral", 10))
    g = advance(g, answer(2, "technical", 7.9))
    g = advance(g, answer(3, "technical", 8.0))
    g = advance(g, answer(3, "technical", 8.0))  # a retried hook
    assert g.progress == 1 and g.counted == ("answer:a3",)
    g = advance(g, answer(4, "technical", 9.0))
    assert g.achieved_on == TODAY and status(g, TODAY) == "achieved"


def test_streak_maintenance_follows_the_longest_streak_reached() -> None:
    g = goal(kind="streak_maintenance", target=5, deadline=IN_10)
    g = advance(g, StreakReached(day=TODAY, current=3))
    g = advance(g, StreakReached(day=TODAY, current=1))  # broken: progress keeps 3
    assert g.progress == 3
    g = advance(g, StreakReached(day=TODAY + timedelta(days=4), current=5))
    assert g.achieved_on == TODAY + timedelta(days=4)


def test_events_of_another_kind_do_not_move_a_goal() -> None:
    g = goal(kind="streak_maintenance", target=5, deadline=IN_10)
    assert advance(g, answer(1)) == g
    assert advance(g, InterviewFinished(interview_id="i", day=TODAY, average=9)) == g


def test_events_outside_the_window_are_ignored_and_the_goal_expires() -> None:
    g = goal(kind="practice_frequency", target=2, deadline=IN_10)
    assert advance(g, Practiced(day=TODAY - timedelta(days=1))) == g
    assert advance(g, Practiced(day=IN_10 + timedelta(days=1))) == g
    g = advance(g, Practiced(day=IN_10))
    assert g.progress == 1
    assert status(g, IN_10) == "active"
    assert status(g, IN_10 + timedelta(days=1)) == "expired"


def test_an_achieved_goal_stays_achieved() -> None:
    g = goal(kind="practice_frequency", target=1, deadline=IN_10)
    g = advance(g, Practiced(day=TODAY))
    assert advance(g, Practiced(day=TODAY + timedelta(days=1))) is g
    assert status(g, IN_10 + timedelta(days=100)) == "achieved"


def test_goals_round_trip_through_json() -> None:
    g = advance(goal(kind="category_mastery", target=3, deadline=IN_10, category="behavioral"),
                answer(1, "behavioral", 9))
    assert Goal.model_validate_json(g.model_dump_json()) == g


@given(st.lists(st.tuples(st.integers(-2, 12), st.integers(0, 3)), max_size=40))
def test_progress_never_decreases_nor_passes_the_end_once_achieved(
    events: list[tuple[int, int]]
) -> None:
    g = goal(kind="practice_frequency", target=4, deadline=IN_10)
    for offset, n in events:
        before = g
        g = advance(g, answer(n, day=TODAY + timedelta(days=offset)))
        assert g.progress >= before.progress
        assert g.progress <= g.target
        if before.achieved_on is not None:
            assert g == before


# --------------------------------------------------------------------------- edits, pauses


def test_an_edit_is_validated_and_renames_the_goal() -> None:
    g = goal(kind="category_mastery", target=5, deadline=IN_10, category="technical")
    edited = edit_goal(g, GoalEdit(target=3, category="behavioral"), TODAY)
    assert (edited.target, edited.category, edited.id) == (3, "behavioral", "g1")
    assert edited.title == "Score 8 or more on 3 behavioral answers"
    with pytest.raises(GoalValidationError) as refused:
        edit_goal(g, GoalEdit(deadline=TODAY - timedelta(days=1)), TODAY)
    assert set(refused.value.errors) == {"deadline"}


def test_a_lowered_target_already_reached_achieves_the_goal() -> None:
    g = goal(kind="category_mastery", target=5, deadline=IN_10, category="technical")
    g = advance(advance(g, answer(1)), answer(2))
    edited = edit_goal(g, GoalEdit(target=2), TODAY)
    assert edited.achieved_on == TODAY and status(edited, TODAY) == "achieved"
    with pytest.raises(GoalValidationError):
        edit_goal(edited, GoalEdit(paused=True), TODAY)


def test_a_paused_goal_does_not_move_until_resumed() -> None:
    g = edit_goal(goal(kind="category_mastery", target=5, deadline=IN_10,
                       category="technical"), GoalEdit(paused=True), TODAY)
    assert status(g, TODAY) == "paused"
    assert advance(g, answer(1)).progress == 0
    resumed = edit_goal(g, GoalEdit(paused=False), TODAY)
    assert status(resumed, TODAY) == "active" and advance(resumed, answer(1)).progress == 1
    assert status(g, IN_10 + timedelta(days=1)) == "expired"
