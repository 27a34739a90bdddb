"""When a follow-up is asked, what it asks, and where in the interview it goes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockmate.errors import MockMateError
from mockmate.evaluators.models import Evaluation, Rubric, Star
from mockmate.follow_ups.rules import (
    FollowUpRequest,
    follow_up_reason,
    quote,
    template_follow_up,
    template_texts,
)
from mockmate.questions.models import Question
from mockmate.speech.piper_tts import split_sentences
from mockmate.state import session as ops
from mockmate.state.machine import State
from mockmate.state.session import InterviewSession

STORY = Question(id="bank:launch", text="Tell me about a launch that went wrong.",
                 category="behavioral", difficulty="mid")
TECH = Question(id="bank:cache", text="How would you design a cache for a product catalogue?",
                category="technical", difficulty="mid")
PLAN = Question(id="bank:late-feature", text="A stakeholder asks for a large feature two days "
                "before a release. What would you do?", category="situational", difficulty="mid")
FULL_STAR = Star(situation="s", task="t", action="a", result="r")


def evaluation(score: float, star: Star = FULL_STAR, **marks: float) -> Evaluation:
    rubric = {"relevance": score, "examples": score, "clarity": score,
              "technical_accuracy": score, "job_alignment": score, **marks}
    return Evaluation(score=score, rubric=Rubric(**rubric), star=star)


def request(
    question: Question, ev: Evaluation, index: int = 0, answer: str = "..."
) -> FollowUpRequest:
    reason = follow_up_reason(question, ev)
    assert reason is not None
    return FollowUpRequest(user_id="u", index=index, question=question, answer_text=answer,
                           evaluation=ev, reason=reason)


def test_a_good_complete_story_needs_no_follow_up() -> None:
    assert follow_up_reason(STORY, evaluation(7.5)) is None
    assert follow_up_reason(TECH, evaluation(5.1, Star())) is None  # STAR is for stories


@pytest.mark.parametrize("score", [1.0, 3.2, 5.0])
def test_a_score_of_five_or_less_is_followed_up(score: float) -> None:
    reason = follow_up_reason(TECH, evaluation(score))
    assert reason is not None and reason.low_score and reason.missing_star == ()


def test_a_story_missing_star_parts_is_followed_up_even_when_it_scores_well() -> None:
    reason = follow_up_reason(STORY, evaluation(8.0, Star(situation="s", action="a")))
    assert reason is not None and not reason.low_score
    assert reason.missing_star == ("task", "result")


def test_a_follow_up_is_never_followed_up() -> None:
    follow_up = STORY.model_copy(update={"follow_up_to": 0})
    assert follow_up_reason(follow_up, evaluation(1.0, Star())) is None


def test_the_template_asks_for_the_missing_parts_in_star_order() -> None:
    ev = evaluation(8.0, Star(situation="s"))
    question = template_follow_up(request(STORY, ev, index=2))
    assert question.text == (
        'Let\'s go back to "Tell me about a launch that went wrong". '
        "What exactly were you responsible for? What did you do yourself, step by step?"
    )
    assert question.follow_up_to == 2 and question.id == "follow-up:2:bank:launch"
    assert (question.category, question.difficulty) == ("behavioral", "mid")


@pytest.mark.parametrize(("weak", "asks"), [
    ("examples", "one concrete example"),
    ("relevance", "answer it more directly"),
    ("clarity", "three clear steps"),
    ("technical_accuracy", "trade-offs"),
    ("job_alignment", "this role"),
])
def test_a_weak_answer_is_probed_on_its_weakest_criterion(weak: str, asks: str) -> None:
    ev = evaluation(4.0, **{weak: 2.0})
    assert asks in template_follow_up(request(TECH, ev)).text


def test_ties_go_to_the_criterion_that_weighs_more() -> None:
    reason = follow_up_reason(TECH, evaluation(3.0))  # every mark equal
    assert reason is not None and reason.weakest == "relevance"


def test_long_questions_are_quoted_short_at_a_word_boundary() -> None:
    text = "Describe " + "a very long and winding question " * 5
    quoted = quote(text)
    assert len(quoted) <= 81 and quoted.endswith("…") and " " + quoted[:-1].split()[-1] in text


# --- where the follow-up goes -----------------------------------------------------------


def session(total: int = 4, index: int = 0, pinned: int = 0) -> InterviewSession:
    questions = [Question(id=f"q{i}", text=f"Question {i}?", category="behavioral",
                          difficulty="mid") for i in range(total)]
    s = InterviewSession(id="s", user_id="u", questions=questions, pinned=pinned,
                         created_at=0, updated_at=0)
    return s.model_copy(update={"index": index, "state": State.AWAITING_ANSWER})


FOLLOW_UP = Question(id="f", text="And then?", category="behavioral", difficulty="mid")


def test_the_follow_up_replaces_the_next_question_not_yet_asked() -> None:
    s = ops.plan_follow_up(session(index=0), 0, FOLLOW_UP)
    assert s.questions[1].text == "And then?" and s.questions[1].follow_up_to == 0
    assert s.follow_ups == {0: 1} and s.total == 4
    # The candidate already moved on to question 1: the follow-up to 0 goes to 2.
    s = ops.plan_follow_up(session(index=1), 0, FOLLOW_UP)
    assert s.follow_ups == {0: 2}


def test_each_question_gets_at_most_one_follow_up_and_slots_are_not_reused() -> None:
    s = ops.plan_follow_up(session(index=1), 1, FOLLOW_UP)
    with pytest.raises(MockMateError):
        ops.plan_follow_up(s, 1, FOLLOW_UP)
    s = ops.plan_follow_up(s, 0, FOLLOW_UP)
    assert s.follow_ups == {1: 2, 0: 3}
    with pytest.raises(MockMateError):  # question 2 is a follow-up: never followed up
        ops.plan_follow_up(s.model_copy(update={"index": 2}), 2, FOLLOW_UP)


def test_no_follow_up_past_the_end_over_own_questions_or_when_not_adaptive() -> None:
    assert ops.follow_up_slot(session(index=3), 3) is None  # the last question
    assert ops.follow_up_slot(session(pinned=4), 0) is None  # all the candidate's own
    assert ops.follow_up_slot(session(pinned=2), 0) == 2
    assert ops.follow_up_slot(session().model_copy(update={"adaptive": False}), 0) is None
    assert ops.follow_up_slot(ops.end(session()), 0) is None


@given(st.integers(1, 8), st.integers(0, 7), st.integers(0, 8),
       st.lists(st.integers(0, 7), max_size=10))
def test_follow_ups_only_ever_replace_unasked_planned_questions(
    total: int, index: int, pinned: int, afters: list[int]
) -> None:
    index = min(index, total - 1)
    s = session(total, index, min(pinned, total))
    for after in afters:
        slot = ops.follow_up_slot(s, after)
        if slot is None:
            with pytest.raises(MockMateError):
                ops.plan_follow_up(s, after, FOLLOW_UP)
            continue
        before = s
        s = ops.plan_follow_up(s, after, FOLLOW_UP)
        assert slot > s.index and slot >= s.pinned
        assert before.questions[slot].follow_up_to is None
        assert [q for i, q in enumerate(s.questions) if i != slot] == [
            q for i, q in enumerate(before.questions) if i != slot
        ]
    assert s.total == total
    assert len(set(s.follow_ups.values())) == len(s.follow_ups)
    assert all(s.questions[slot].follow_up_to == after for after, slot in s.follow_ups.items())


MARK = st.floats(1, 10, allow_nan=False).map(lambda x: round(x, 1))


PART = st.one_of(st.none(), st.just("shown"),
                st.just("I rolled back the deploy and posted updates every fifteen minutes."))
ANSWERS = st.sampled_from([
    "...",
    "I would add an index to the table and maybe cache the results.",
    "For this I would leverage indexes, composite indexes, covering indexes, the query plan, "
    "Redis, Memcached, caching, TTL, cache invalidation and read replicas.",
    "Caching is always faster and there is no need for invalidation, by definition.",
    "One project I'm proud of is the developer portal I built last year for 40 engineers.",
])


@given(st.sampled_from([STORY, TECH, PLAN]), MARK, st.tuples(MARK, MARK, MARK, MARK, MARK),
       st.tuples(PART, PART, PART, PART), ANSWERS)
def test_every_fixed_sentence_of_an_offline_follow_up_is_prepared_for_its_question(
    question: Question, score: float, marks: tuple[float, ...], parts: tuple[str | None, ...],
    answer: str,
) -> None:
    # Changed with issue 16: a follow-up may open by quoting the candidate, which no one can
    # prepare; every other sentence of it must be among those prepared for its question.
    names = ("relevance", "examples", "clarity", "technical_accuracy", "job_alignment")
    ev = Evaluation(score=score, rubric=Rubric(**dict(zip(names, marks, strict=True))),
                    star=Star(**dict(zip(("situation", "task", "action", "result"), parts,
                                         strict=True))))
    if follow_up_reason(question, ev) is None:
        return
    text = template_follow_up(request(question, ev, answer=answer)).text
    prepared = template_texts(question)
    if text in prepared:
        return
    quoted, rest = text.split('". ', 1)
    assert quoted.startswith(("You said \"", "You named \"", "Your answer was about \""))
    sentences = {s for t in prepared for s in split_sentences(t)}
    assert set(split_sentences(rest)) <= sentences


def test_the_prepared_texts_are_few_and_distinct() -> None:
    texts = template_texts(STORY)
    # one or two STAR parts, or a criterion; then the asks after a quote
    assert len(texts) == len(set(texts)) == 4 + 6 + 5 + 4


# --- each weakness gets its own follow-up -----------------------------------------------

SLOW = Question(id="bank:slow-sql", text="An API endpoint runs an expensive SQL query on every "
                "request and has become slow. How would you speed it up?",
                category="technical", difficulty="mid", skills=("sql", "caching"))
ACTION = "I rolled that deploy back and posted updates in the incident channel"


def weak(**marks: float) -> Evaluation:
    return evaluation(4.0, **marks)


@pytest.mark.parametrize(("question", "ev", "answer", "expected"), [
    # A story without its result: quote the action, ask for the outcome.
    (STORY, evaluation(7.0, Star(situation="Our payments service timed out at 2 a.m. last "
                                 "spring.", task="I was on call.", action=ACTION + ".")),
     "...", 'You said "I rolled that deploy back and posted updates…". What was the outcome'),
    # A hypothetical without a first step: no "what was the situation" after a "what would".
    (PLAN, evaluation(6.0, Star(task="My goal would be to protect the release date.",
                                action="I would ask the stakeholder what problem it solves.",
                                result="So we would ship on time.")),
     "...", "What would you want to find out first, before acting?"),
    # No number anywhere: quote the claim, ask for the number.
    (SLOW, weak(examples=2.0), "I would add a composite index on the columns in the WHERE "
     "clause so the query stops scanning the table.",
     'You said "I would add a composite index on the columns…". What number would'),
    # Terms named in a list: ask what the first one does.
    (SLOW, weak(technical_accuracy=2.0), "For this I would leverage indexes, composite "
     "indexes, covering indexes, the query plan, Redis, Memcached, TTL and read replicas.",
     'You named "index" without saying what it does.'),
    # A mechanism with no trade-off: quote it, ask what it costs.
    (SLOW, weak(technical_accuracy=2.0), "I would put the result in Redis with a five minute "
     "TTL and read it from there on every request.",
     'You said "I would put the result in Redis with a five…". What does that cost'),
    # A confident false claim: quote it, ask to check it.
    (SLOW, weak(examples=2.0), "Indexes are always faster for every query and there is no "
     "need to measure anything, by definition.",
     'You said "Indexes are always faster for every query…". Are you sure'),
    # A story about something else: name what it was about, restate the question.
    (SLOW, weak(relevance=2.0), "One project I am proud of is the developer portal I built "
     "for forty engineers last year.",
     'Your answer was about "One project I am proud of is the developer portal…". '
     'Let\'s go back to "An API endpoint'),
])
def test_each_weakness_gets_its_own_follow_up(
    question: Question, ev: Evaluation, answer: str, expected: str
) -> None:
    text = template_follow_up(request(question, ev, answer=answer)).text
    assert expected in text
    assert "What was the situation" not in text or question.category == "behavioral"


def test_different_weaknesses_ask_different_things() -> None:
    answer = "I would put the result in Redis with a five minute TTL on every request."
    asked = {template_follow_up(request(SLOW, weak(**{c: 2.0}), answer=answer)).text
             for c in ("relevance", "examples", "clarity", "technical_accuracy",
                       "job_alignment")}
    assert len(asked) == 5
