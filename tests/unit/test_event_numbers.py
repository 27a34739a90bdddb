"""The pure parts of event replay: the binary framing of logged events, and how far the asking
of a question got according to the log."""

from mockmate.interviews.asking import Progress, progress
from mockmate.state.event_log import Event, decode, decode_published, encode


def test_audio_stays_bytes_through_the_log_framing() -> None:
    data = {"session_id": "s1", "index": 0, "seq": 3, "data": b"\x00\xff" * 100, "final": False}
    raw = encode("u1", "s1", "interview:audio", data)
    assert b"\x00\xff" * 100 in raw  # a raw attachment, not base64 in the JSON header
    event = decode(7, raw)
    assert event == Event("u1", "s1", 7, "interview:audio", data)
    assert decode_published(b"7:" + raw) == event


def test_events_without_binary_round_trip() -> None:
    data = {"session_id": "s1", "state": "asking", "nested": {"a": [1, 2.5, None]}}
    assert decode(1, encode("u1", None, "interview:state", data)).data == data


def ev(name: str, seq: int, **data: object) -> Event:
    return Event("u", "s", seq, name, dict(data))


def test_progress_counts_what_follows_the_latest_asking_of_the_question() -> None:
    log = [
        ev("interview:question", 1, index=0),
        ev("interview:audio", 2, index=0, final=False),
        ev("interview:audio", 3, index=0, final=True),
        ev("interview:question", 4, index=0),  # repeated: asked again
        ev("interview:audio", 5, index=0, final=False),
        ev("answer:evaluation", 6, index=0),
    ]
    assert progress(log, 0) == Progress(question_sent=True, chunks_sent=1, audio_final=False)
    assert progress(log, 1) == Progress()
    log.append(ev("interview:audio", 7, index=0, final=True))
    assert progress(log, 0) == Progress(True, 2, True)
