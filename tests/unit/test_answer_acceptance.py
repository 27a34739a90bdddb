"""Which stored answer its interview took (pure rule): every combination of what the session
holds for the question."""

import pytest

from mockmate.interviews.acceptance import Acceptance, acceptance_of
from mockmate.questions.models import Question
from mockmate.state.machine import State
from mockmate.state.session import InterviewSession


def session(*, index: int = 1, answers: dict[int, str] | None = None,
            state: State = State.ASKING) -> InterviewSession:
    questions = [Question(id=f"q{n}", text=f"Question {n}?", category="behavioral",
                          difficulty="mid") for n in range(3)]
    return InterviewSession(id="s", user_id="u", questions=questions, index=index,
                            answers=answers or {}, state=state, created_at=0.0, updated_at=0.0)


@pytest.mark.parametrize(("live", "index", "expected"), [
    (session(answers={0: "a0", 1: "mine"}, state=State.TRANSCRIBING), 1, Acceptance.ACCEPTED),
    (session(answers={0: "mine"}), 0, Acceptance.ACCEPTED),  # taken, the interview moved on
    (session(answers={0: "a0", 1: "mine"}, state=State.COMPLETED), 1, Acceptance.ACCEPTED),
    (session(answers={0: "a0"}), 1, Acceptance.PENDING),  # its submit is on its way (or died)
    (session(answers={0: "a0"}, state=State.RECEIVING_ANSWER), 1, Acceptance.PENDING),
    (session(answers={0: "a0", 1: "again"}, state=State.TRANSCRIBING), 1,
     Acceptance.SUPERSEDED),  # the candidate submitted again and that one was taken
    (session(answers={0: "a0"}), 0, Acceptance.SUPERSEDED),  # another answer of a past question
    (session(answers={}, index=2), 1, Acceptance.SUPERSEDED),  # its question was skipped
    (session(answers={0: "a0"}, state=State.ABANDONED), 1, Acceptance.SUPERSEDED),  # ended
    (None, 1, Acceptance.UNKNOWN),  # the session is gone
])
def test_acceptance_of(live: InterviewSession | None, index: int, expected: Acceptance) -> None:
    assert acceptance_of(live, index, "mine") is expected
