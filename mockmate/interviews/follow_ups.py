"""Adaptive follow-ups: after an answer's evaluation, maybe replace a planned question with
a follow-up to that answer.

It runs as a post-answer hook, so it sees every evaluation once, from whichever process
evaluated it. Evaluation never holds up the interview, so by the time a verdict lands the
candidate may already be on the next question: the follow-up then takes the place of the
first question not yet asked (`ops.follow_up_slot`). The session in Redis decides, through
`SessionFlow` like every other change; the interview document is brought in line
afterwards, and a retried hook finds the follow-up already planned and only repeats that
last step.
"""

import logging

from mockmate.errors import MockMateError, NotFound
from mockmate.follow_ups.rules import FollowUpRequest, FollowUpWriter, follow_up_reason
from mockmate.interviews.flow import SessionFlow
from mockmate.interviews.hooks import AnswerEvaluated
from mockmate.state import session as ops
from mockmate.state.session import InterviewSession
from mockmate.storage.interviews import InterviewRepository

log = logging.getLogger(__name__)


class FollowUpPlanner:
    """The `follow_ups` hook."""

    def __init__(
        self, *, flow: SessionFlow, interviews: InterviewRepository, writer: FollowUpWriter,
    ) -> None:
        self._flow = flow
        self._interviews = interviews
        self._writer = writer

    async def __call__(self, event: AnswerEvaluated) -> None:
        if event.revision > 1:
            return  # planned (or not) after the first evaluation already
        try:
            session = await self._flow.sessions.get(event.interview_id)
        except NotFound:
            return  # the interview is over and its session gone
        if event.index not in session.follow_ups:
            planned = await self._plan(session, event)
            if planned is None:
                return
            session = planned
        await self._interviews.record_questions(
            session.id, session.questions, len(session.follow_ups)
        )

    async def _plan(
        self, session: InterviewSession, event: AnswerEvaluated
    ) -> InterviewSession | None:
        reason = follow_up_reason(event.question, event.evaluation)
        if reason is None or ops.follow_up_slot(session, event.index) is None:
            return None
        interview = await self._interviews.get(session.id)
        question = await self._writer.write(FollowUpRequest(
            user_id=event.user_id, index=event.index, question=event.question,
            answer_text=event.answer.answer_text,
            evaluation=event.evaluation, reason=reason,
            role=interview.role if interview else "",
            job_description=interview.job_description if interview else "",
        ))
        try:
            after = await self._flow.change(
                session.id, event.user_id, lambda s: ops.plan_follow_up(s, event.index, question)
            )
        except MockMateError as exc:
            log.debug("no follow-up to %s/%d: %s", session.id, event.index, exc.message)
            return None
        slot = after.follow_ups[event.index]
        log.info("follow-up to question %d of %s planned as question %d",
                 event.index, session.id, slot)
        await self._flow.emit(event.user_id, "interview:follow_up_planned", {
            "session_id": session.id, "index": slot, "follow_up_to": event.index,
        })
        return after
