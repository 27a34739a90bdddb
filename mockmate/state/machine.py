"""The interview state machine as one transition table, with no I/O.

Every change of an interview's state goes through `transition`; a pair that is not in the
table is illegal and raises `invalid_state`, leaving the session untouched. A few events
lead to different states depending on the interview (is there another question? does it
advance by itself?); the table names those with a `Branch` that `transition` resolves.
"""

from enum import StrEnum

from mockmate.errors import InvalidState


class State(StrEnum):
    CREATED = "created"
    ASKING = "asking"
    AWAITING_ANSWER = "awaiting_answer"
    RECEIVING_ANSWER = "receiving_answer"
    TRANSCRIBING = "transcribing"
    PAUSED = "paused"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class Event(StrEnum):
    START = "start"  # the first question is about to be asked
    QUESTION_SENT = "question_sent"  # the question (and its audio) has been delivered
    CHUNK = "chunk"  # a piece of a spoken answer arrived
    SUBMIT = "submit"  # an answer was accepted and stored
    TRANSCRIBED = "transcribed"  # the answer's transcript is ready
    TRANSCRIPTION_FAILED = "transcription_failed"  # the client may answer again
    NEXT = "next"  # client asks for the next question after answering
    SKIP = "skip"  # client skips the current question
    REPEAT = "repeat"  # ask the current question again
    PAUSE = "pause"
    RESUME = "resume"  # continue a paused interview
    END = "end"  # client ends the interview early
    EXPIRE = "expire"  # the session timed out


class Branch(StrEnum):
    ADVANCE = "advance"  # next question if any remain, else completed
    AFTER_TRANSCRIPT = "after_transcript"  # advance if auto_advance, else await `next`


TERMINAL_STATES = frozenset({State.COMPLETED, State.ABANDONED})
ACTIVE_STATES = frozenset(State) - TERMINAL_STATES

_S, _E = State, Event

TRANSITIONS: dict[tuple[State, Event], State | Branch] = {
    (_S.CREATED, _E.START): _S.ASKING,
    (_S.ASKING, _E.QUESTION_SENT): _S.AWAITING_ANSWER,
    (_S.ASKING, _E.CHUNK): _S.RECEIVING_ANSWER,  # barge-in while the question streams
    (_S.ASKING, _E.SUBMIT): _S.TRANSCRIBING,
    (_S.ASKING, _E.SKIP): Branch.ADVANCE,
    (_S.ASKING, _E.REPEAT): _S.ASKING,
    (_S.ASKING, _E.PAUSE): _S.PAUSED,
    (_S.AWAITING_ANSWER, _E.CHUNK): _S.RECEIVING_ANSWER,
    (_S.AWAITING_ANSWER, _E.SUBMIT): _S.TRANSCRIBING,
    (_S.AWAITING_ANSWER, _E.NEXT): Branch.ADVANCE,
    (_S.AWAITING_ANSWER, _E.SKIP): Branch.ADVANCE,
    (_S.AWAITING_ANSWER, _E.REPEAT): _S.ASKING,
    (_S.AWAITING_ANSWER, _E.PAUSE): _S.PAUSED,
    (_S.RECEIVING_ANSWER, _E.CHUNK): _S.RECEIVING_ANSWER,
    (_S.RECEIVING_ANSWER, _E.SUBMIT): _S.TRANSCRIBING,
    (_S.RECEIVING_ANSWER, _E.SKIP): Branch.ADVANCE,
    (_S.RECEIVING_ANSWER, _E.PAUSE): _S.PAUSED,
    (_S.TRANSCRIBING, _E.TRANSCRIBED): Branch.AFTER_TRANSCRIPT,
    (_S.TRANSCRIBING, _E.TRANSCRIPTION_FAILED): _S.AWAITING_ANSWER,
    (_S.PAUSED, _E.RESUME): _S.ASKING,
}
# Ending and expiring are legal from every state that is not already final.
for _state in ACTIVE_STATES:
    TRANSITIONS[(_state, _E.END)] = _S.COMPLETED
    TRANSITIONS[(_state, _E.EXPIRE)] = _S.ABANDONED


def transition(
    state: State, event: Event, *, has_more: bool = True, auto_advance: bool = True
) -> State:
    """The state after `event`, or `invalid_state` when the pair is illegal.

    `has_more`: another question remains after the current one.
    `auto_advance`: the interview moves on by itself once an answer is transcribed.
    """
    target = TRANSITIONS.get((state, event))
    if target is None:
        raise InvalidState(
            f"'{event.value}' is not allowed while the interview is {state.value}",
            state=state.value,
        )
    if target is Branch.ADVANCE:
        return State.ASKING if has_more else State.COMPLETED
    if target is Branch.AFTER_TRANSCRIPT:
        if not auto_advance:
            return State.AWAITING_ANSWER
        return State.ASKING if has_more else State.COMPLETED
    assert isinstance(target, State)
    return target
