"""The interview use cases: start, move through questions, pause, end, resume, expire.

Each operation checks ownership and applies a pure state operation through `SessionFlow`
(compare-and-set in Redis, then announcements and follow-ups), so acks stay fast and every
state change is announced as `interview:state`. Answers are taken by `AnswerService`.
"""

import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from mockmate.config import Settings
from mockmate.domain import InterviewStatus
from mockmate.errors import InvalidPayload, Unauthorized
from mockmate.interviews.answers import check_text_limit
from mockmate.interviews.flow import Operation, SessionFlow
from mockmate.interviews.payloads import StartInterview
from mockmate.jobdesc.analysis import analyze_job_description
from mockmate.outages import OUTAGES
from mockmate.ports import Budget
from mockmate.questions.models import Question, QuestionGenerator
from mockmate.questions.selection import select_questions
from mockmate.questions.templates import Template, get_template
from mockmate.resumes.models import ParsedResume
from mockmate.resumes.questions import interleave, personal_questions, personal_share
from mockmate.state import session as ops
from mockmate.state.answer_buffer import AnswerBuffer
from mockmate.state.machine import State
from mockmate.state.session import InterviewSession
from mockmate.storage.answers import AnswerRepository
from mockmate.storage.interviews import InterviewRepository
from mockmate.storage.records import InterviewRecord

log = logging.getLogger(__name__)


class ResumeSource(Protocol):
    async def parsed(self, user_id: str, resume_id: str) -> tuple[ParsedResume, str]: ...


class InterviewService:
    def __init__(
        self,
        *,
        settings: Settings,
        flow: SessionFlow,
        interviews: InterviewRepository,
        answers: AnswerRepository,
        buffer: AnswerBuffer,
        bank: Sequence[Question],
        generator: QuestionGenerator | None = None,
        budget: Budget | None = None,
        on_started: Callable[[str, str], Awaitable[None]] | None = None,
        account_open: Callable[[str], Awaitable[bool]] | None = None,
        resumes: ResumeSource | None = None,
    ):
        self._settings = settings
        self._resumes = resumes
        self._on_started = on_started
        self._account_open = account_open
        self._flow = flow
        self._sessions = flow.sessions
        self._interviews = interviews
        self._answers = answers
        self._buffer = buffer
        self._bank = bank
        self._generator = generator
        self._budget = budget
        # Set by the subscriptions wiring: raises `limit_reached` when the user's plan allows
        # no more interviews today (practice sessions are not counted) or not this voice.
        self.before_start: Callable[[str, str | None], Awaitable[None]] | None = None

    async def start(
        self, user_id: str, p: StartInterview, *, chosen: Sequence[Question] | None = None,
        practice: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """`chosen`: these questions instead of choosing; `practice`: what a practice
        session practises (stored apart from interviews: `docs/candidate.md`)."""
        if self._account_open is not None and not await self._account_open(user_id):
            # A socket that outlived its account (deleted from another device).
            raise Unauthorized("this account no longer exists")
        if self.before_start is not None and practice is None:
            await self.before_start(user_id, p.voice)
        p, resume = await self._with_resume(user_id, p)
        questions = list(chosen) if chosen else await self._choose_questions(user_id, p, resume)
        now = time.time()
        session = InterviewSession(
            id=uuid.uuid4().hex, user_id=user_id, questions=questions,
            auto_advance=p.auto_advance, voice=p.voice, audio_format=p.audio_format,
            adaptive=p.adaptive, pinned=len(chosen or p.questions or ()), speak=p.speak,
            turn_detection=p.turn_detection, end_of_turn_silence_s=p.end_of_turn_silence_s,
            confirm_transcripts=p.confirm_transcripts, hints=p.hints,
            live_captions=p.live_captions, created_at=now, updated_at=now,
        )
        await self._sessions.create(session)
        try:
            await self._interviews.create(InterviewRecord(
                id=session.id, user_id=user_id, role=p.role,
                interview_type=p.interview_type, difficulty=p.difficulty,
                job_description=p.job_description or "", resume_text=p.resume_text or "",
                resume_id=p.resume_id,
                job_analysis=analyze_job_description(p.job_description).model_dump()
                if p.job_description else None,
                template=p.template, question_count=len(questions),
                auto_advance=p.auto_advance, adaptive=p.adaptive, speak=p.speak,
                turn_detection=p.turn_detection,
                confirm_transcripts=p.confirm_transcripts,
                live_captions=p.live_captions,
                voice=p.voice,
                audio_format=p.audio_format,
                questions=tuple(questions),
                follow_up_count=0,
                mode="practice" if practice is not None else "interview",
                practice=practice,
                started_at=datetime.now(UTC),
            ))
        except Exception:
            # Not stored, so not started: the session goes too, and the dispatcher answers
            # `unavailable` for an outage (a busy pool included), `internal` for a bug.
            await self._sessions.discard(session.id, user_id)
            raise
        if self._on_started is not None and practice is None:  # not in interview figures
            try:
                await self._on_started(user_id, session.id)
            except OUTAGES as exc:  # statistics must not stop an interview
                log.warning("could not count the start of interview %s: %s", session.id, exc)
            except Exception:
                log.exception("could not count the start of interview %s", session.id)
        session = await self._flow.change(session.id, user_id, ops.start)
        return {"session_id": session.id, "state": session.state.value,
                "total_questions": session.total}

    async def preview(self, user_id: str, p: StartInterview, exclude_ids: Sequence[str] = ()
                      ) -> list[Question]:
        """The questions `interview:start` with `p` would ask, none of `exclude_ids`
        (to regenerate or replace some); nothing is stored."""
        p, resume = await self._with_resume(user_id, p)
        return await self._choose_questions(user_id, p, resume, exclude_ids)

    async def _with_resume(self, user_id: str, p: StartInterview
                           ) -> tuple[StartInterview, ParsedResume | None]:
        for field in ("job_description", "resume_text"):
            check_text_limit(field, getattr(p, field), self._settings.max_text_field_chars)
        resume: ParsedResume | None = None
        if p.resume_id and self._resumes is not None:
            resume, text = await self._resumes.parsed(user_id, p.resume_id)
            if not p.resume_text:
                limit = self._settings.max_text_field_chars
                p = p.model_copy(update={"resume_text": text[:limit]})
        return p, resume

    async def next(self, user_id: str, session_id: str) -> dict[str, Any]:
        return await self._simple(user_id, session_id, ops.next_question)

    async def skip(self, user_id: str, session_id: str) -> dict[str, Any]:
        session = await self.owned(session_id, user_id)
        result = await self._simple(user_id, session_id, ops.skip)
        await self._buffer.clear(session_id, session.index)  # a half-spoken answer is dropped
        return result

    async def repeat(self, user_id: str, session_id: str) -> dict[str, Any]:
        return await self._simple(user_id, session_id, ops.repeat)

    async def pause(self, user_id: str, session_id: str) -> dict[str, Any]:
        return await self._simple(user_id, session_id, ops.pause)

    async def end(
        self, user_id: str, session_id: str, *, current: InterviewSession | None = None
    ) -> dict[str, Any]:
        """`current`: the session as the caller has just read it (saves reading it again)."""
        session = await self._flow.change(session_id, user_id, ops.end, current=current)
        return {"state": session.state.value}

    async def resume(self, user_id: str, session_id: str) -> dict[str, Any]:
        session = await self.owned(session_id, user_id)
        if session.state is State.PAUSED:
            session = await self._flow.change(session_id, user_id, ops.resume)
        else:
            await self._sessions.touch(session)
        return {"snapshot": await self.snapshot(session)}

    async def snapshot(self, session: InterviewSession) -> dict[str, Any]:
        answers = await self._answers.for_interview(session.id)
        question = session.current_question
        return {
            "session_id": session.id,
            "state": session.state.value,
            "index": session.index,
            "total": session.total,
            "auto_advance": session.auto_advance,
            "question": question.wire() if question else None,
            "current_answered": session.current_answered,
            "answers": [
                {
                    "index": a.index, "answer_id": a.id,
                    "text": a.transcript.text if a.transcript else None,
                    "evaluation": a.evaluation.wire() if a.evaluation else None,
                }
                for a in answers
            ],
            "skipped": session.skipped,
            "received_bytes": await self._buffer.received_bytes(session.id, session.index),
        }

    async def owned(self, session_id: str, user_id: str) -> InterviewSession:
        session = await self._sessions.get(session_id)
        ops.ensure_owner(session, user_id)
        return session

    async def sweep_lost(self) -> int:
        """After Redis came back empty, mark the interviews whose sessions went with it
        `abandoned` (their stored answers stay); returns how many. A session is written to
        Redis before its interview document, so an interview without one is lost, not new."""
        if not await self._sessions.redis_was_emptied():
            return 0
        unfinished = await self._interviews.in_progress()
        log.info("Redis has no sessions marker (emptied, or new): checking %d unfinished "
                 "interview(s)", len(unfinished))
        count = 0
        for interview_id in unfinished:
            if await self._sessions.exists(interview_id):
                continue
            doc = await self._interviews.finish(
                interview_id, status=InterviewStatus.ABANDONED,
                answered=len(await self._answers.for_interview(interview_id)), skipped=[],
            )
            if doc is not None:
                count += 1
                await self._flow.emit(
                    doc.user_id, "interview:state",
                    {"session_id": interview_id, "state": State.ABANDONED.value},
                )
        await self._sessions.mark_intact()
        return count

    async def sweep_expired(self) -> int:
        """Mark interviews whose session timed out as abandoned; returns how many."""
        count = 0
        for session_id in await self._sessions.expired_ids():
            if await self._sessions.exists(session_id):
                continue  # refreshed just now
            doc = await self._interviews.get(session_id)
            user_id = doc.user_id if doc else None
            if doc is not None:
                await self._interviews.finish(
                    session_id, status=InterviewStatus.ABANDONED,
                    answered=len(await self._answers.for_interview(session_id)),
                    skipped=[],
                )
            if await self._sessions.forget_expired(session_id, user_id) and user_id:
                count += 1
                await self._flow.emit(
                    user_id, "interview:state",
                    {"session_id": session_id, "state": State.ABANDONED.value},
                )
        return count

    async def _within_budget(self, user_id: str) -> bool:
        if self._budget is None or await self._budget.take(user_id):
            return True
        await self._flow.emit(user_id, "error", {
            "code": "limit_reached", "retryable": False,
            "message": "today's AI budget is spent: questions come from the offline bank and "
                       "answers are scored offline until tomorrow (UTC)",
        })
        return False

    async def _simple(self, user_id: str, session_id: str, op: Operation) -> dict[str, Any]:
        session = await self._flow.change(session_id, user_id, op)
        return {"state": session.state.value}

    async def _choose_questions(
        self, user_id: str, p: StartInterview, resume: ParsedResume | None = None,
        exclude_ids: Sequence[str] = (),
    ) -> list[Question]:
        template: Template | None = None
        if p.template:
            try:
                template = get_template(p.template)
            except KeyError:
                raise InvalidPayload(
                    f"unknown template '{p.template}'",
                    field="template",
                ) from None
        default_category = "technical" if p.interview_type == "technical" else "behavioral"
        own = [
            Question(
                id=f"own:{n}", text=q.text.strip(), category=q.category or default_category,
                difficulty=q.difficulty or p.difficulty, skills=tuple(s.lower() for s in q.skills),
                why=q.why,
            )
            for n, q in enumerate(p.questions or [])
        ][: p.count]
        missing = p.count - len(own)
        if missing <= 0:
            return own
        if self._generator is not None and await self._within_budget(user_id):
            return own + await self._generator.generate(
                p.role, p.job_description or "", p.resume_text or "", p.interview_type,
                p.difficulty, missing, template, exclude_ids=exclude_ids,
            )
        rng = random.Random()
        job = analyze_job_description(p.job_description) if p.job_description else None
        personal = personal_questions(
            resume, interview_type=p.interview_type, difficulty=p.difficulty,
            count=personal_share(missing), rng=rng,
        ) if resume is not None else []
        return own + interleave(personal, select_questions(
            self._bank, role=p.role, interview_type=p.interview_type,
            difficulty=p.difficulty, count=missing - len(personal),
            job_description=p.job_description or "", resume_text=p.resume_text or "",
            template=template, rng=rng, exclude_ids=exclude_ids,
            required_skills=job.required_skills if job else (),
            nice_skills=job.nice_to_have_skills if job else (),
        ))
