"""Learning paths (`candidates.learning_path`): planned from the weakest areas, sized to the
candidate's time, measured from answers since each step began, and re-aimed when scores move."""

from datetime import UTC, datetime, timedelta

from mockmate.candidates.learning_path import (
    Activity,
    AnswerFact,
    Standing,
    advance,
    measure,
    plan,
    weakest_categories,
)

T0 = datetime(2026, 6, 1, 12, tzinfo=UTC)
LATER = T0 + timedelta(days=1)
STANDING = Standing(
    categories={"behavioral": 7.5, "technical": 4.0, "situational": None},
    criteria={"relevance": 7.0, "examples": 3.5, "clarity": 6.0, "technical_accuracy": 5.0,
              "job_alignment": 6.5},
)


def answers(category: str, *scores: float, at: datetime = LATER,
            examples: float = 5.0) -> list[AnswerFact]:
    return [AnswerFact(at + timedelta(minutes=n), category, s, {"examples": examples})
            for n, s in enumerate(scores)]


def test_the_plan_starts_with_the_weakest_and_ends_with_people() -> None:
    steps = plan(STANDING, target_role="Backend Engineer", minutes_per_week=120, now=T0)
    assert [s.id for s in steps] == ["practice-situational", "practice-technical",
                                     "criterion-examples", "mock-interview", "expert-session"]
    situational, technical, examples, mock, expert = steps
    assert (situational.min_score, technical.min_score, examples.min_score) == (6.0, 6.0, 6.0)
    assert "not answered situational" in situational.why
    assert "4.0/10" in technical.why and "specific examples" in examples.title
    assert "Backend Engineer" in mock.title and mock.min_score == 7.2  # (7.5 + 4) / 2 + 1.5
    assert expert.specialty == "leadership"  # for situational, the weakest


def test_the_time_per_week_sizes_each_step() -> None:
    small = plan(STANDING, target_role="", minutes_per_week=15, now=T0)
    large = plan(STANDING, target_role="", minutes_per_week=600, now=T0)
    assert small[0].answers == 2 and large[0].answers == 10
    assert large[0].estimated_minutes == 40


def test_weakest_categories_put_the_unknown_first() -> None:
    assert weakest_categories(STANDING) == ["situational", "technical"]


def test_a_practice_step_counts_only_its_category_since_it_began() -> None:
    (step,) = [s for s in plan(STANDING, target_role="", minutes_per_week=24, now=T0)
               if s.id == "practice-technical"]
    assert step.answers == 2 and step.min_score == 6.0
    before = answers("technical", 9.0, 9.0, at=T0 - timedelta(hours=1))
    assert not measure(step, Activity(answers=before)).met
    mixed = answers("technical", 5.0) + answers("behavioral", 9.0, 9.0)
    progress = measure(step, Activity(answers=mixed))
    assert (progress.done, progress.needed, progress.met) == (1, 2, False)
    # The latest `answers` answers count: an early weak one is outgrown.
    grown = answers("technical", 5.0, 7.0, 8.0)
    assert measure(step, Activity(answers=grown)).met


def test_criterion_interview_and_expert_steps_measure_their_own_thing() -> None:
    steps = {s.kind: s for s in plan(STANDING, target_role="", minutes_per_week=24, now=T0)}
    good_examples = answers("behavioral", 5.0, 5.0, examples=7.0)
    assert measure(steps["criterion"], Activity(answers=good_examples)).met
    assert not measure(steps["mock_interview"], Activity(interviews=[(LATER, 7.0)])).met
    assert measure(steps["mock_interview"], Activity(interviews=[(LATER, 7.5)])).met
    earlier = T0 - timedelta(hours=1)
    assert not measure(steps["expert_session"], Activity(expert_sessions=[earlier])).met
    assert measure(steps["expert_session"], Activity(expert_sessions=[LATER])).met


def test_completed_steps_stay_completed() -> None:
    steps = plan(STANDING, target_role="", minutes_per_week=24, now=T0)
    done = advance(steps, Activity(answers=answers("technical", 8.0, 8.0)), STANDING,
                   target_role="", minutes_per_week=24, now=LATER)
    (technical,) = [s for s in done if s.id == "practice-technical"]
    assert technical.completed_at == LATER
    again = advance(done, Activity(), STANDING, target_role="", minutes_per_week=24,
                    now=LATER + timedelta(days=1))
    assert [s.completed_at for s in again] == [s.completed_at for s in done]


def test_the_path_re_aims_when_scores_move() -> None:
    steps = plan(STANDING, target_role="", minutes_per_week=24, now=T0)
    # Technical shot up; behavioral is now among the two weakest.
    moved = Standing(categories={"behavioral": 6.0, "technical": 8.5, "situational": 5.0},
                     criteria=STANDING.criteria)
    after = advance(steps, Activity(), moved, target_role="", minutes_per_week=24, now=LATER)
    practice = [s.category for s in after if s.kind == "practice"]
    assert practice == ["situational", "behavioral"]
    # A step planned again keeps its start, so its earlier work still counts.
    (situational,) = [s for s in after if s.id == "practice-situational"]
    assert situational.started_at == T0
    assert advance(after, Activity(), moved, target_role="", minutes_per_week=24,
                   now=LATER) == after
