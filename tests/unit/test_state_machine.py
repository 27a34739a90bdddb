"""Every (state, event) pair of the interview state machine, legal and illegal."""

import itertools

import pytest

from mockmate.errors import ErrorCode, MockMateError
from mockmate.state.machine import ACTIVE_STATES, Event, State, transition

S, E = State, Event

# The whole table, written out independently of the implementation. A pair that is not
# here must be refused. Values: the target, or (target when more questions remain, target
# on the last question) for events that advance.
EXPECTED: dict[tuple[State, Event], State | tuple[State, State]] = {
    (S.CREATED, E.START): S.ASKING,
    (S.ASKING, E.QUESTION_SENT): S.AWAITING_ANSWER,
    (S.ASKING, E.CHUNK): S.RECEIVING_ANSWER,
    (S.ASKING, E.SUBMIT): S.TRANSCRIBING,
    (S.ASKING, E.SKIP): (S.ASKING, S.COMPLETED),
    (S.ASKING, E.REPEAT): S.ASKING,
    (S.ASKING, E.PAUSE): S.PAUSED,
    (S.AWAITING_ANSWER, E.CHUNK): S.RECEIVING_ANSWER,
    (S.AWAITING_ANSWER, E.SUBMIT): S.TRANSCRIBING,
    (S.AWAITING_ANSWER, E.NEXT): (S.ASKING, S.COMPLETED),
    (S.AWAITING_ANSWER, E.SKIP): (S.ASKING, S.COMPLETED),
    (S.AWAITING_ANSWER, E.REPEAT): S.ASKING,
    (S.AWAITING_ANSWER, E.PAUSE): S.PAUSED,
    (S.RECEIVING_ANSWER, E.CHUNK): S.RECEIVING_ANSWER,
    (S.RECEIVING_ANSWER, E.SUBMIT): S.TRANSCRIBING,
    (S.RECEIVING_ANSWER, E.SKIP): (S.ASKING, S.COMPLETED),
    (S.RECEIVING_ANSWER, E.PAUSE): S.PAUSED,
    (S.TRANSCRIBING, E.TRANSCRIBED): (S.ASKING, S.COMPLETED),
    (S.TRANSCRIBING, E.TRANSCRIPTION_FAILED): S.AWAITING_ANSWER,
    (S.AWAITING_CONFIRMATION, E.CONFIRMED): (S.ASKING, S.COMPLETED),
    (S.PAUSED, E.RESUME): S.ASKING,
    **{(s, E.END): S.COMPLETED for s in ACTIVE_STATES},
    **{(s, E.EXPIRE): S.ABANDONED for s in ACTIVE_STATES},
}

ALL_PAIRS = list(itertools.product(State, Event))


@pytest.mark.parametrize(("state", "event"), ALL_PAIRS, ids=lambda v: str(v))
def test_every_pair(state: State, event: Event) -> None:
    expected = EXPECTED.get((state, event))
    if expected is None:
        with pytest.raises(MockMateError) as refused:
            transition(state, event)
        assert refused.value.code is ErrorCode.INVALID_STATE
        assert state.value in refused.value.message
        return
    if isinstance(expected, tuple):
        more, last = expected
        assert transition(state, event, has_more=True) is more
        assert transition(state, event, has_more=False) is last
    else:
        assert transition(state, event, has_more=True) is expected
        assert transition(state, event, has_more=False) is expected


def test_transcript_without_auto_advance_waits_for_next() -> None:
    for has_more in (True, False):
        assert (
            transition(S.TRANSCRIBING, E.TRANSCRIBED, has_more=has_more, auto_advance=False)
            is S.AWAITING_ANSWER
        )


def test_final_states_accept_nothing() -> None:
    for state, event in itertools.product((S.COMPLETED, S.ABANDONED), Event):
        with pytest.raises(MockMateError):
            transition(state, event)


def test_a_transcript_to_confirm_waits_for_the_candidate() -> None:
    for has_more in (True, False):
        assert transition(S.TRANSCRIBING, E.TRANSCRIBED, has_more=has_more,
                          confirm=True) is S.AWAITING_CONFIRMATION
        assert transition(S.AWAITING_CONFIRMATION, E.CONFIRMED, has_more=has_more,
                          auto_advance=False) is S.AWAITING_ANSWER
