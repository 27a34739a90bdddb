"""Whether a stored answer is the one its interview took.

`answer:submit` stores the answer before the session takes it (what a user submits is
persisted before it is acknowledged). A process that dies in between leaves a stored answer
the session never took (its transcription job is queued only in the step that takes it);
the candidate, never acked, submits again and that submit replaces the leftover. The jobs
still ask here before they speak or pay for an answer (one queued by an earlier version, or
evaluated after the interview moved on), so a leftover is neither evaluated, nor shown, nor
counted: it is deleted. The rule (`acceptance_of`) is pure; `acceptance` reads the session.
"""

from enum import StrEnum

from mockmate.errors import NotFound
from mockmate.state.session import InterviewSession
from mockmate.state.store import SessionStore
from mockmate.storage.records import AnswerRecord


class Acceptance(StrEnum):
    ACCEPTED = "accepted"  # the session took this answer for its question
    PENDING = "pending"  # its submission has not reached the session (yet, or ever)
    SUPERSEDED = "superseded"  # the session took another answer, or moved past the question
    UNKNOWN = "unknown"  # the session is gone (finished and expired): nothing to ask


class AnswerPending(Exception):
    """The answer's submission has not reached its session yet: the job runs again later."""


def acceptance_of(session: InterviewSession | None, index: int, answer_id: str) -> Acceptance:
    if session is None:
        return Acceptance.UNKNOWN
    taken = session.answers.get(index)
    if taken == answer_id:
        return Acceptance.ACCEPTED
    if taken is None and index == session.index and not session.finished:
        return Acceptance.PENDING
    return Acceptance.SUPERSEDED


async def acceptance(sessions: SessionStore, answer: AnswerRecord) -> Acceptance:
    """`acceptance_of` the stored `answer`, against its session as it is now."""
    try:
        session: InterviewSession | None = await sessions.get(answer.interview_id)
    except NotFound:
        session = None
    return acceptance_of(session, answer.index, answer.id)
