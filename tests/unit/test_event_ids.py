"""Event ids (the id on a client event's log lines and error reports) are unique and short."""

import re

from mockmate.observability import bind, current_ids, new_event_id


def test_event_ids_are_sixteen_hex_digits_and_never_repeat_in_a_process() -> None:
    ids = [new_event_id() for _ in range(10_000)]
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in ids)
    assert len(set(ids)) == len(ids)


def test_bind_names_the_work_with_a_fresh_id_unless_one_is_given() -> None:
    first = bind(user="u1", session="s1")
    assert current_ids() == {"user_id": "u1", "session_id": "s1", "event_id": first}
    assert bind() != first
    assert bind(event="req-42") == "req-42"
    assert current_ids() == {"event_id": "req-42"}
