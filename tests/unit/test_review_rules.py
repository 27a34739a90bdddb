"""The expert review's pure rules: key moments, confirmed and overridden rubric marks, and
the expert's score replacing the AI's in the statistics exactly once."""

from datetime import UTC, date, datetime
from itertools import permutations

import pytest
from pydantic import ValidationError

from mockmate.gamification import progress as progress_rules
from mockmate.reviews import rules
from mockmate.reviews.rules import AnswerFacts
from mockmate.skills.rules import SkillEvent
from mockmate.storage.answers import expert_reviewed_before
from mockmate.storage.records import AnswerRecord

DAY = date(2026, 3, 9)
AT = datetime(2026, 3, 9, 12, tzinfo=UTC)
RUBRIC = {"relevance": 6.0, "examples": 4.0, "clarity": 7.0, "technical_accuracy": 5.0,
          "job_alignment": 3.0}
FULL_STAR = {"situation": "s", "task": "t", "action": "a", "result": "r"}


def facts(index: int, score: float | None = 6.0, **changes: object) -> AnswerFacts:
    base: dict[str, object] = {"index": index, "category": "technical", "score": score,
                               "offset_s": 60.0 * index}
    base.update(changes)
    return AnswerFacts(**base)  # type: ignore[arg-type]


# --- key moments ------------------------------------------------------------------------


def test_no_answers_have_no_moments() -> None:
    assert rules.key_moments([]) == []
    assert rules.key_moments([facts(0, score=None)]) == []


def test_the_weakest_answer_is_the_lowest_score_and_the_earliest_of_equals() -> None:
    answers = [facts(0, 7.0), facts(1, 3.5), facts(2, 3.5), facts(3, None)]
    for order in permutations(answers):
        moment = rules.weakest_answer(order)
        assert moment is not None
        assert (moment.index, moment.score, moment.offset_s) == (1, 3.5, 60.0)
    assert moment.message == "Weakest answer: question 2, scored 3.5/10 (1:00 into the interview)."


def test_the_weakest_answer_without_a_known_time_names_none() -> None:
    moment = rules.weakest_answer([facts(0, 2.0, offset_s=None)])
    assert moment is not None and moment.offset_s is None
    assert moment.message == "Weakest answer: question 1, scored 2/10."


def test_the_longest_pause_is_found_across_answers_with_where_it_fell() -> None:
    answers = [facts(0, pauses=((2.0, 1.5, "so"), (9.0, 4.25, "then"))),
               facts(1, pauses=((1.0, 4.25, "um"),)),  # as long, later: not chosen
               facts(2, pauses=()), facts(3, pauses=((3.0, 2.0, None),))]
    for order in permutations(answers):
        moment = rules.longest_pause(order)
        assert moment is not None
        assert (moment.index, moment.at_s, moment.length_s, moment.offset_s) == (0, 9.0, 4.25, 0)
    assert moment.message == ('Longest pause: 4.25 s after "then", 9 s into the answer to '
                              "question 1.")


def test_a_pause_without_a_known_word_and_no_pauses_at_all() -> None:
    moment = rules.longest_pause([facts(0, pauses=((3.0, 2.0, None),))])
    assert moment is not None and moment.message == (
        "Longest pause: 2 s, 3 s into the answer to question 1.")
    assert rules.longest_pause([facts(0), facts(1)]) is None


def test_missing_star_parts_of_behavioural_or_star_judged_answers_only() -> None:
    answers = [
        facts(3, category="behavioral", star={**FULL_STAR, "result": None}),
        facts(0, category="behavioral", star=FULL_STAR),  # complete
        facts(1, category="behavioral", star={"situation": "s", "task": "", "action": None}),
        facts(2, category="technical", star={}),  # not judged by STAR
        facts(4, category="situational", star={"action": "a"}, star_structure=True),
        facts(5, category="behavioral", star=None),  # not evaluated
    ]
    moments = rules.missing_star(answers)
    assert [(m.index, m.missing) for m in moments] == [
        (1, ("task", "action", "result")), (3, ("result",)),
        (4, ("situation", "task", "result"))]
    assert moments[1].message == ("Question 4 left out the STAR part result "
                                  "(3:00 into the interview).")
    assert moments[0].message.startswith("Question 2 left out the STAR parts task, action, result")


def test_key_moments_come_weakest_pause_then_star() -> None:
    answers = [facts(0, 8.0, category="behavioral", star={**FULL_STAR, "task": None},
                     pauses=((1.0, 3.0, "and"),)),
               facts(1, 5.0)]
    kinds = [(m.kind, m.index) for m in rules.key_moments(answers)]
    assert kinds == [("weakest_answer", 1), ("longest_pause", 0), ("missing_star", 0)]


# --- the expert's marks -----------------------------------------------------------------


def test_criteria_are_confirmed_without_a_score_and_overridden_with_one() -> None:
    request = rules.ReviewRequest.model_validate({"criteria": {
        "examples": {"score": 7.26, "comment": " concrete enough "},
        "clarity": {"comment": "agree"},
        "relevance": {"score": 6.0}}})
    criteria = rules.reviewed_criteria(RUBRIC, request)
    assert criteria == {
        "examples": {"ai_score": 4.0, "score": 7.3, "decision": "overridden",
                     "comment": "concrete enough"},
        "clarity": {"ai_score": 7.0, "score": 7.0, "decision": "confirmed", "comment": "agree"},
        "relevance": {"ai_score": 6.0, "score": 6.0, "decision": "confirmed", "comment": ""},
    }
    # examples 4 -> 7.3 at weight 0.25 moves the AI's score by 0.825; confirmations by 0
    assert rules.expert_score(5.0, RUBRIC, criteria) == 5.8
    assert rules.expert_score(4.4, RUBRIC, {"clarity": criteria["clarity"]}) == 4.4
    low = {"examples": {"score": 1.0}, "relevance": {"score": 1.0}}
    assert rules.expert_score(2.0, RUBRIC, low) == 1.0
    high = {name: {"score": 10.0} for name in RUBRIC}
    assert rules.expert_score(9.5, RUBRIC, high) == 10.0


@pytest.mark.parametrize("body", [
    {"criteria": {}},
    {"criteria": {"charisma": {"score": 5}}},
    {"criteria": {"clarity": {"score": 0.5}}},
    {"criteria": {"clarity": {"score": 10.5}}},
    {"criteria": {"clarity": {"comment": "x" * (rules.MAX_COMMENT_CHARS + 1)}}},
    {"criteria": {"clarity": {"score": 5, "extra": 1}}},
    {"criteria": {"clarity": {}}, "stars": 5},
])
def test_bad_reviews_are_refused(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        rules.ReviewRequest.model_validate(body)


def test_public_review_shows_what_both_parties_see() -> None:
    assert rules.public_review(None) is None and rules.public_review({}) is None
    shown = rules.public_review({"version": 2, "score": 7.0, "scores": [6.0, 7.0],
                                 "expert_user_id": "u"})
    assert shown is not None and shown["score"] == 7.0 and "scores" not in shown
    assert "expert_user_id" not in shown


# --- statistics -------------------------------------------------------------------------


def counted(*scores: float) -> progress_rules.Progress:
    p = progress_rules.new_progress("u")
    for n, score in enumerate(scores, start=1):
        p = progress_rules.record_answer(p, answer_id=f"a{n}", category="behavioral",
                                         difficulty="mid", score=score, day=DAY, at=AT).progress
    return p


def apply(p: progress_rules.Progress, scores: list[float]) -> progress_rules.Step:
    return rules.apply_expert_scores(p, answer_id="a1", category="behavioral", ai_score=4.0,
                                     scores=scores)


def test_the_expert_score_replaces_the_ai_score_and_pays_nothing() -> None:
    p = counted(4.0, 6.0)
    step = apply(p, [8.0])
    after = step.progress
    assert not step.repeated and step.update(DAY) is None
    assert after.total_xp == p.total_xp and after.badges == p.badges
    assert after.statistics.answers_count == 2
    assert after.statistics.average_score == pytest.approx(7.0)
    assert after.statistics.by_category["behavioral"].average == pytest.approx(7.0)
    again = apply(after, [8.0])
    assert again.repeated and again.progress == after


def test_a_changed_review_replaces_the_expert_score_once_in_any_order() -> None:
    p = counted(4.0, 6.0)
    one = apply(p, [8.0]).progress
    two = apply(one, [8.0, 5.0]).progress
    assert two.statistics.average_score == pytest.approx(5.5)
    # a job that runs late with the first version only changes nothing
    assert apply(two, [8.0]).repeated
    # one run that finds both versions unapplied lands at the same place
    direct = apply(p, [8.0, 5.0]).progress
    assert direct.statistics == two.statistics
    assert apply(direct, [8.0, 5.0]).repeated


def corrected(p: progress_rules.Progress, *, expert_kept: bool) -> progress_rules.Step:
    """Answer a1 (AI 4.0) re-evaluated at 9.0 after its transcript was corrected."""
    return progress_rules.rescore_answer(p, answer_id="a1", revision=2, category="behavioral",
                                         earlier=4.0, score=9.0, expert_kept=expert_kept)


def test_a_correction_after_an_expert_score_keeps_the_expert_score() -> None:
    reviewed = apply(counted(4.0, 6.0), [8.0]).progress
    after = corrected(reviewed, expert_kept=True)
    assert not after.repeated and after.progress.statistics == reviewed.statistics
    assert corrected(after.progress, expert_kept=True).repeated
    # Without the expert the correction's score would have counted.
    plain = corrected(counted(4.0, 6.0), expert_kept=False).progress
    assert plain.statistics.average_score == pytest.approx(7.5)


def test_a_review_of_the_corrected_answer_counts_in_either_order() -> None:
    """Reviewed against the re-evaluation (ai_score 9.0): the correction's step (4 -> 9) and
    the review's (9 -> 8) add up to the expert's 8.0 whichever runs first."""
    p = counted(4.0, 6.0)

    def review(q: progress_rules.Progress) -> progress_rules.Progress:
        return rules.apply_expert_scores(q, answer_id="a1", category="behavioral",
                                         ai_score=9.0, scores=[8.0]).progress
    first = review(corrected(p, expert_kept=False).progress)
    second = corrected(review(p), expert_kept=False).progress
    assert first.statistics.average_score == pytest.approx(7.0)
    assert second.statistics.average_score == pytest.approx(7.0)


def answer(**fields: object) -> AnswerRecord:
    return AnswerRecord.model_validate({"_id": "a1", "interview_id": "i1", "user_id": "u1",
                                        "index": 0, "category": "behavioral", **fields})


def test_which_reviews_a_correction_leaves_in_place() -> None:
    assert not expert_reviewed_before(answer(), 2)
    assert expert_reviewed_before(answer(expert_review={"score": 8.0}), 2)  # before revisions
    assert expert_reviewed_before(answer(expert_review={"ai_revision": 1}), 2)
    assert not expert_reviewed_before(answer(expert_review={"ai_revision": 2}), 2)


def test_an_answer_not_counted_yet_is_retried() -> None:
    with pytest.raises(progress_rules.AnswerNotCountedError):
        apply(progress_rules.new_progress("u"), [8.0])


def test_the_skill_record_takes_the_expert_score_and_marks() -> None:
    events = [SkillEvent(answer_id=a, at=AT, category="behavioral", score=4.0,
                         rubric=dict(RUBRIC)) for a in ("a1", "a2")]
    marks = {**RUBRIC, "examples": 7.3}
    after = rules.with_expert_score(events, "a1", 6.0, marks)
    assert after is not None
    assert (after[0].score, after[0].rubric["examples"]) == (6.0, 7.3)
    assert after[1] == events[1]
    assert rules.with_expert_score(after, "a1", 6.0, marks) is None
    assert rules.with_expert_score(events, "a9", 6.0, marks) is None
