"""Skills over time and insights, as pure rules on a fixed clock."""

from datetime import UTC, datetime, timedelta

from mockmate.skills import insights, rules
from mockmate.skills.rules import SkillEvent

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
GOOD = {"relevance": 8.0, "examples": 8.0, "clarity": 8.0, "technical_accuracy": 8.0,
        "job_alignment": 8.0}


def event(n: int, score: float, category: str = "technical", skills: tuple[str, ...] = (),
          days_ago: float = 0, **rubric: float) -> SkillEvent:
    return SkillEvent(answer_id=f"a{n}", at=NOW - timedelta(days=days_ago), category=category,
                      score=score, skills=skills, rubric={**GOOD, **rubric})


def test_an_answer_is_recorded_once_and_the_oldest_drop_off() -> None:
    events = [event(1, 5, days_ago=3), event(2, 6, days_ago=2)]
    after = rules.record(events, event(3, 7, days_ago=1), keep=2)
    assert after is not None and [e.answer_id for e in after] == ["a2", "a3"]
    assert rules.record(after, event(3, 7, days_ago=1), keep=2) is None


def test_current_values_follow_recent_answers_and_report_the_change_in_range() -> None:
    events = [event(1, 4, skills=("sql",), days_ago=40), event(2, 8, skills=("sql",), days_ago=5),
              event(3, 9, skills=("sql", "caching"), days_ago=1)]
    values = {v.skill: v for v in rules.current_skills(events, since=NOW - timedelta(days=30))}
    # 4 -> 4 + .35 * (8 - 4) = 5.4 -> 5.4 + .35 * (9 - 5.4) = 6.66
    assert values["sql"].score == 6.7 and values["sql"].answers == 3
    assert values["sql"].change == 2.7  # from 4.0 before the range
    assert values["caching"].score == 9.0 and values["caching"].change is None
    assert values["sql"].last_practiced_at == NOW - timedelta(days=1)
    assert rules.current_criteria(events)["examples"] == 8.0


def test_history_has_one_point_per_bucket_with_empty_ones() -> None:
    events = [event(1, 4, skills=("sql",), days_ago=6.5), event(2, 8, skills=("sql",), days_ago=0),
              event(3, 6, days_ago=0, examples=4.0), event(4, 2, days_ago=30)]
    week = rules.history(events, "week", NOW)
    assert len(week) == 8 and week[0]["period"] == "2026-11-23"
    assert [p["answers"] for p in week] == [0, 1, 0, 0, 0, 0, 0, 2]
    assert week[-1]["score"] == 7.0 and week[-1]["skills"] == {"sql": 8.0}
    assert week[-1]["criteria"]["examples"] == 6.0  # type: ignore[index]
    assert week[2]["score"] is None
    year = rules.history(events, "year", NOW)
    assert [p["period"] for p in year][:2] == ["2025-11-01", "2025-12-01"]
    assert year[-1]["period"] == "2026-11-01"
    assert (year[-2]["answers"], year[-1]["answers"]) == (1, 3)  # 30 days ago: 31 October
    month = rules.history(events, "month", NOW)
    assert all(datetime.fromisoformat(str(p["period"])).weekday() == 0 for p in month)


def test_category_trends_measure_improvement_per_answer() -> None:
    events = [event(i, s, category="behavioral", days_ago=10 - i)
              for i, s in enumerate([4, 5, 6, 7])]
    trends = {t.category: t for t in insights.category_trends(events)}
    behavioral = trends["behavioral"]
    assert behavioral.improvement_per_answer == 1.0
    assert (behavioral.first_average, behavioral.recent_average) == (4.5, 6.5)
    assert trends["technical"].answers == 0 and trends["technical"].improvement_per_answer is None


def test_strongest_and_weakest_never_share_a_skill() -> None:
    events = [event(1, 9, skills=("sql",)), event(2, 3, skills=("kafka",)),
              event(3, 6, skills=("redis",))]
    strongest, weakest = insights.strongest_and_weakest(rules.current_skills(events))
    assert [v.skill for v in strongest] == ["sql", "redis"]
    assert [v.skill for v in weakest] == ["kafka"]


def test_recommendations_name_the_gap_and_why() -> None:
    events = [event(1, 5, skills=("system-design",), examples=3.0),
              event(2, 6, skills=("system-design", "caching"), examples=4.0),
              event(3, 8, category="behavioral", skills=("communication",))]
    skills = rules.current_skills(events)
    found = insights.recommendations(events, skills, insights.category_trends(events))
    assert len(found) == 3
    first = found[0]
    assert first.kind == "criterion_gap"
    assert first.reason == ("technical answers lack specific examples (examples 3.5/10): "
                            "practise system design")
    assert first.practice.model_dump() == {"category": "technical", "skill": "system-design"}
    assert found[1].kind == "weak_skill" and found[1].practice.skill == "caching"
    assert found[2].kind == "untried" and found[2].practice.category == "situational"
    assert len({(r.practice.category, r.practice.skill) for r in found}) == 3


def test_three_recommendations_even_with_no_answers() -> None:
    found = insights.recommendations([], [], insights.category_trends([]))
    assert [r.kind for r in found] == ["untried"] * 3


def test_period_statistics_leave_out_practice_and_older_answers() -> None:
    events = [event(1, 6, days_ago=1), event(2, 8, category="behavioral", days_ago=2),
              event(3, 2, days_ago=20),
              SkillEvent(answer_id="p", at=NOW, category="technical", score=1, practice=True)]
    events = [e.model_copy(update={"interview_id": f"i{n % 2}"}) for n, e in enumerate(events)]
    week = rules.period_statistics(events, "week", NOW)
    assert (week["interviews"], week["questions_answered"]) == (2, 2)
    assert week["average_score"] == 7.0 and week["best_answer_score"] == 8
    assert week["category_scores"] == {"behavioral": 8.0, "technical": 6.0}
    assert rules.period_statistics(events, "month", NOW)["questions_answered"] == 3
