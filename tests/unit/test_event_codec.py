"""The event codec keeps audio binary, and a takeover reads from the log how far an asking got."""

from mockmate.events.asking import Asked, asked_so_far
from mockmate.events.codec import Event, decode, decode_published, encode


def test_an_event_round_trips_with_its_audio_as_raw_bytes() -> None:
    audio = bytes(range(256)) * 40
    event = Event("u1", "s1", 0, "interview:audio",
                  {"session_id": "s1", "index": 2, "seq": 3, "data": audio, "final": False}, 7)
    raw = encode(event)
    assert audio in raw, "attached as is, not base64 inside JSON"
    back = decode(12, raw)
    assert back == Event("u1", "s1", 12, "interview:audio", event.data, 7)
    assert decode_published(b"12:" + raw) == back
    assert back.wire() == {**event.data, "event_seq": 12}


def test_an_event_about_no_session_carries_no_number() -> None:
    event = decode(0, encode(Event("u1", None, 0, "booking:update", {"id": "b"})))
    assert event.wire() == {"id": "b"}


def _ev(event_seq: int, name: str, asks: int | None, **data: object) -> Event:
    return Event("u", "s", event_seq, name, dict(data), asks)


def test_how_far_an_asking_got_counts_only_that_asking() -> None:
    log = [
        _ev(1, "interview:question", 1, index=0),
        _ev(2, "interview:audio", 1, index=0, seq=0, final=False),
        _ev(3, "interview:audio", 1, index=0, seq=1, final=True),
        _ev(4, "interview:state", None, state="asking"),
        _ev(5, "interview:question", 2, index=0),  # repeated: asked again
        _ev(6, "interview:audio", 2, index=0, seq=0, final=False),
        _ev(7, "interview:audio", 2, index=0, seq=1, final=False),
        _ev(8, "answer:evaluation", None, index=0),
    ]
    newest_first = list(reversed(log))
    assert asked_so_far(newest_first, 2) == Asked(True, 2, False)
    assert asked_so_far(newest_first, 1) == Asked(True, 2, True)
    assert asked_so_far(newest_first, 3) == Asked(), "never sent: ask it whole"
