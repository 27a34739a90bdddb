"""The session operations a candidate drives: answering, skipping, advancing, pausing."""

import json
from collections.abc import Callable

import pytest

from mockmate.errors import ErrorCode, MockMateError
from mockmate.questions.models import Question
from mockmate.state import session as ops
from mockmate.state.machine import State
from mockmate.state.session import InterviewSession


def make(total: int = 3, auto_advance: bool = True) -> InterviewSession:
    questions = [
        Question(id=f"q{i}", text=f"Question {i}?", category="behavioral", difficulty="mid")
        for i in range(total)
    ]
    return InterviewSession(
        id="s1", user_id="u1", questions=questions, auto_advance=auto_advance,
        created_at=0, updated_at=0,
    )


def asked(total: int = 3, auto_advance: bool = True) -> InterviewSession:
    return ops.question_delivered(s := ops.start(make(total, auto_advance)), s.asks)


def test_answering_every_question_completes_the_interview() -> None:
    s = asked(2)
    s = ops.submit_answer(s, 0, "a0")
    assert s.state is State.TRANSCRIBING and s.answers == {0: "a0"}
    s = ops.transcribed(s, 0, "a0")
    assert s.state is State.ASKING and s.index == 1
    s = ops.submit_answer(ops.question_delivered(s, s.asks), 1, "a1")
    s = ops.transcribed(s, 1, "a1")
    assert s.state is State.COMPLETED and s.current_question is None


def test_a_question_is_answered_once() -> None:
    s = ops.transcribed(ops.submit_answer(asked(auto_advance=False), 0, "a0"), 0, "a0")
    assert s.state is State.AWAITING_ANSWER and s.current_answered
    with pytest.raises(MockMateError) as again:
        ops.submit_answer(s, 0, "a1")
    assert again.value.code is ErrorCode.CONFLICT
    assert again.value.details["answer_id"] == "a0"


def test_answer_for_another_question_is_refused() -> None:
    with pytest.raises(MockMateError) as wrong:
        ops.submit_answer(asked(), 2, "a")
    assert wrong.value.code is ErrorCode.INVALID_STATE
    assert wrong.value.details["current_index"] == 0


def test_next_needs_an_answer_but_skip_does_not() -> None:
    s = asked()
    with pytest.raises(MockMateError):
        ops.next_question(s)
    s = ops.skip(s)
    assert s.index == 1 and s.skipped == [0] and s.state is State.ASKING


def test_skipping_an_answered_question_is_not_counted_as_skipped() -> None:
    s = ops.transcribed(ops.submit_answer(asked(auto_advance=False), 0, "a0"), 0, "a0")
    s = ops.skip(s)
    assert s.skipped == [] and s.index == 1


def test_skipping_the_last_question_completes() -> None:
    s = asked(1)
    s = ops.skip(s)
    assert s.state is State.COMPLETED and s.skipped == [0]


def test_pause_and_resume_reasks_the_same_question() -> None:
    s = ops.resume(ops.pause(asked()))
    assert s.state is State.ASKING and s.index == 0


def test_failed_transcription_lets_the_candidate_answer_again() -> None:
    s = ops.transcription_failed(ops.submit_answer(asked(), 0, "a0"), 0, "a0")
    assert s.state is State.AWAITING_ANSWER and not s.current_answered
    assert ops.submit_answer(s, 0, "a1").answers == {0: "a1"}


def test_only_the_owner_may_act() -> None:
    with pytest.raises(MockMateError) as other:
        ops.ensure_owner(make(), "u2")
    assert other.value.code is ErrorCode.NOT_FOUND


def test_refused_operations_leave_the_session_unchanged() -> None:
    s = asked()
    before = s.model_dump()
    with pytest.raises(MockMateError):
        ops.resume(s)
    assert s.model_dump() == before


def test_a_repeated_question_supersedes_the_earlier_delivery() -> None:
    first = ops.start(make())
    again = ops.repeat(ops.question_delivered(first, first.asks))
    assert again.asks == first.asks + 1 and again.state is State.ASKING
    with pytest.raises(MockMateError):
        ops.question_delivered(again, first.asks)  # the first delivery finishing late
    assert ops.question_delivered(again, again.asks).state is State.AWAITING_ANSWER


# The transcription job is queued in the step that records the submission, so its outcome
# always comes after it: one for an answer the session has not taken is refused.


@pytest.mark.parametrize("outcome", [ops.transcribed, ops.transcription_failed])
def test_an_outcome_for_an_answer_not_taken_is_refused(
    outcome: Callable[[InterviewSession, int, str], InterviewSession],
) -> None:
    with pytest.raises(MockMateError) as moot:
        outcome(asked(), 0, "a0")
    assert moot.value.code is ErrorCode.INVALID_STATE
    s = ops.submit_answer(asked(auto_advance=False), 0, "winner")
    with pytest.raises(MockMateError):
        outcome(s, 0, "loser")
    assert s.answers == {0: "winner"}


def test_a_session_stored_with_early_outcomes_still_reads() -> None:
    # Sessions written before the atomic step carried `early_outcomes`; they stay readable.
    stored = asked().model_dump(mode="json") | {"early_outcomes": {"a0": True}}
    s = InterviewSession.model_validate_json(json.dumps(stored))
    assert ops.transcribed(ops.submit_answer(s, 0, "a0"), 0, "a0").answers == {0: "a0"}


def test_an_outcome_for_a_question_left_behind_is_refused() -> None:
    s = ops.skip(asked())
    for outcome in (ops.transcribed, ops.transcription_failed):
        with pytest.raises(MockMateError) as moot:
            outcome(s, 0, "a0")
        assert moot.value.code is ErrorCode.INVALID_STATE
    done = ops.end(asked())
    with pytest.raises(MockMateError):
        ops.transcribed(done, 0, "a0")


def test_a_transcript_to_confirm_holds_the_interview_until_confirmed() -> None:
    s = ops.submit_answer(asked(2), 0, "a0")
    s = ops.transcribed(s, 0, "a0", confirm=True)
    assert s.state is State.AWAITING_CONFIRMATION and s.index == 0
    for refused in (lambda: ops.next_question(s), lambda: ops.confirm(s, 1, "a0"),
                    lambda: ops.confirm(s, 0, "other"), lambda: ops.pause(s)):
        with pytest.raises(MockMateError):
            refused()
    s = ops.confirm(s, 0, "a0")
    assert s.state is State.ASKING and s.index == 1


