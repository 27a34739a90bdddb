"""The contract's interview events, each mapped to one domain operation."""

from collections.abc import Awaitable, Callable

from mockmate.events.fanout import Fanout
from mockmate.handlers.connections import Connection
from mockmate.handlers.dispatch import Ack, Dispatcher
from mockmate.interviews.answers import AnswerService
from mockmate.interviews.corrections import Corrections
from mockmate.interviews.payloads import (
    AnswerChunk,
    ConfirmAnswer,
    CorrectAnswer,
    ReplayInfo,
    ResumeInterview,
    SessionRef,
    StartInterview,
    SubmitAnswer,
)
from mockmate.interviews.service import InterviewService


def register(
    dispatch: Dispatcher, interviews: InterviewService, answers: AnswerService, fanout: Fanout,
    corrections: Corrections,
) -> None:
    async def start(conn: Connection, p: StartInterview) -> Ack:
        ack = await interviews.start(conn.user_id, p)
        if ack.get("session_id"):
            fanout.joined(conn.sid, str(ack["session_id"]))
        return ack

    async def resume(conn: Connection, p: ResumeInterview) -> Ack:
        await interviews.owned(p.session_id, conn.user_id)
        # Replay before the snapshot: what happens after the replay arrives live, and the
        # snapshot may only be newer than the events, never older.
        replay = await fanout.resume(conn.sid, p.session_id, p.last_event_seq)
        ack = await interviews.resume(conn.user_id, p.session_id)
        info = ReplayInfo(replayed=replay.complete, replayed_events=replay.replayed,
                          last_event_seq=replay.last_seq)
        return {**ack, **info.model_dump()}

    async def submit(conn: Connection, p: SubmitAnswer) -> Ack:
        return await answers.submit(conn.user_id, p)

    async def chunk(conn: Connection, p: AnswerChunk) -> Ack:
        return await answers.chunk(conn.user_id, p, conn.chunk_grants)

    async def confirm(conn: Connection, p: ConfirmAnswer) -> Ack:
        return await corrections.confirm(conn.user_id, p)

    async def correct(conn: Connection, p: CorrectAnswer) -> Ack:
        return await corrections.correct(conn.user_id, p)

    async def end(user_id: str, session_id: str) -> Ack:
        return await corrections.end(user_id, session_id, interviews.end)

    dispatch.on("interview:start", StartInterview, start)
    dispatch.on("answer:confirm", ConfirmAnswer, confirm)
    dispatch.on("answer:correct", CorrectAnswer, correct)
    dispatch.on("interview:resume", ResumeInterview, resume)
    dispatch.on("answer:submit", SubmitAnswer, submit)
    dispatch.on("answer:chunk", AnswerChunk, chunk)
    for name, op in (
        ("interview:next", interviews.next),
        ("interview:skip", interviews.skip),
        ("interview:repeat", interviews.repeat),
        ("interview:pause", interviews.pause),
        ("interview:end", end),
    ):
        dispatch.on(name, SessionRef, _session_op(op))


def _session_op(
    op: Callable[[str, str], Awaitable[Ack]],
) -> Callable[[Connection, SessionRef], Awaitable[Ack]]:
    async def handle(conn: Connection, p: SessionRef) -> Ack:
        return await op(conn.user_id, p.session_id)

    return handle
