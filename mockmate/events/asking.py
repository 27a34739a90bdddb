"""How far the asking of a question got, read back from the session's event log.

A process that dies while asking leaves its session's lease to lapse; the process that takes
it over asks again (`interviews.takeover`). It reads here what the dead one already sent for
that asking (tagged with `InterviewSession.asks`): the question is not sent twice, and its
audio continues at the next chunk, so a client that resumes gets one whole question.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from mockmate.events.codec import Event
from mockmate.events.log import EventLog

# How far back the log is searched for the asking's question (events, newest first).
SEARCH_DEPTH = 1000


@dataclass(frozen=True)
class Asked:
    question_sent: bool = False
    chunks_sent: int = 0
    audio_final: bool = False


def asked_so_far(newest_first: Iterable[Event], asks: int) -> Asked:
    """Pure: from the newest events back to the question of asking `asks`."""
    chunks, final = 0, False
    for event in newest_first:
        if event.asks != asks:
            continue
        if event.name == "interview:audio":
            chunks += 1
            final = final or bool(event.data.get("final"))
        elif event.name == "interview:question":
            return Asked(True, chunks, final)
    return Asked()


class AskingRecord:
    def __init__(self, events: EventLog):
        self._events = events

    async def asked(self, session_id: str, asks: int) -> Asked:
        return asked_so_far(await self._events.latest(session_id, SEARCH_DEPTH), asks)
