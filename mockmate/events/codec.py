"""One server event as bytes, for the event log and for pub/sub between processes.

A JSON header, then every top-level `bytes` field of the payload as a raw attachment, so that
question audio stays binary end to end: never base64 inside JSON.
"""

import json
import struct
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Event:
    """One server event. `seq` is its `event_seq` (0 for events about no session); `asks`
    tags question events with the asking they belong to (`InterviewSession.asks`), so that
    a takeover can tell how far that asking got; it is never sent to clients."""

    user_id: str
    session_id: str | None
    seq: int
    name: str
    data: dict[str, Any]
    asks: int | None = None

    def wire(self) -> dict[str, Any]:
        """The payload as sent: the event's data plus its `event_seq`."""
        return {**self.data, "event_seq": self.seq} if self.seq else dict(self.data)


def encode(event: Event) -> bytes:
    data = event.data
    plain = {k: v for k, v in data.items() if not isinstance(v, bytes | bytearray)}
    binary = [(k, bytes(v)) for k, v in data.items() if isinstance(v, bytes | bytearray)]
    header = json.dumps(
        {"u": event.user_id, "s": event.session_id, "e": event.name, "d": plain,
         "b": [k for k, _ in binary], "k": event.asks},
        separators=(",", ":"),
    ).encode()
    parts = [struct.pack(">I", len(header)), header]
    for _, blob in binary:
        parts += [struct.pack(">I", len(blob)), blob]
    return b"".join(parts)


def decode(seq: int, raw: bytes) -> Event:
    (size,) = struct.unpack_from(">I", raw, 0)
    header = json.loads(raw[4:4 + size])
    data = dict(header["d"])
    at = 4 + size
    for key in header["b"]:
        (length,) = struct.unpack_from(">I", raw, at)
        data[key] = raw[at + 4:at + 4 + length]
        at += 4 + length
    return Event(header["u"], header["s"], seq, header["e"], data, header.get("k"))


def decode_published(message: bytes) -> Event:
    """A pub/sub message: `<seq>:<encoded event>`."""
    seq, _, raw = message.partition(b":")
    return decode(int(seq), raw)
