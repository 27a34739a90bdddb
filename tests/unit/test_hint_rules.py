"""The hands-free nudge: when it is due, and what it asks for."""

from mockmate.interviews.hints import NUDGES, WRAP_UP, hint_due, missing_part, nudge
from mockmate.interviews.turns import TurnState


def test_a_hint_is_due_after_most_of_the_allowance_and_never_before_speech() -> None:
    spoke = TurnState(heard_s=10.0, started=True, last_speech_s=8.6)  # 1.4 s of silence
    assert not hint_due(spoke, 2.5)  # under the 1.5 s floor
    assert hint_due(TurnState(heard_s=10.0, started=True, last_speech_s=8.5), 2.5)
    assert not hint_due(TurnState(heard_s=10.0, started=True, last_speech_s=8.0), 4.0)
    assert hint_due(TurnState(heard_s=10.0, started=True, last_speech_s=7.6), 4.0)
    assert not hint_due(TurnState(heard_s=10.0, started=False), 2.5)
    # "let me think" doubled the allowance: the nudge waits for 60 % of the doubled one.
    thinking = TurnState(heard_s=10.0, started=True, last_speech_s=7.1, doubled_pause_at=7.1)
    assert not hint_due(thinking, 2.5)  # 2.9 s of a 5 s allowance
    assert hint_due(TurnState(heard_s=10.0, started=True, last_speech_s=6.9,
                              doubled_pause_at=6.9), 2.5)


def test_the_nudge_asks_for_the_first_missing_star_part() -> None:
    assert missing_part("") == "situation" and nudge("") == NUDGES["situation"]
    situation = "At my previous company our checkout was slow during sales."
    assert missing_part(situation) == "task"
    task = situation + " I was responsible for fixing it before Black Friday."
    assert missing_part(task) == "action"
    action = task + " I added a cache and rewrote the slowest query."
    assert missing_part(action) == "result" and "turn out" in nudge(action)
    result = action + " As a result latency dropped from two seconds to 300 ms."
    assert missing_part(result) is None and nudge(result) == WRAP_UP
