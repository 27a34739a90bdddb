"""The background jobs that follow an answer: evaluate it, run the post-answer hooks, and
announce the interview's final scores once every answer is evaluated.

Both jobs are idempotent: the evaluation is stored only if none is, hooks are marked per
cause, and the completion is announced by whichever job flips the interview's
`completion_sent` flag, so crashes and retries never double anything. An interview is
finalized only once every answer is evaluated and its hooks are done; every answer's job
tries to finalize after its hooks, so the last one to finish does.
"""

import asyncio
import logging
from typing import Any

from mockmate.domain import InterviewStatus
from mockmate.evaluators.base import AnswerEvaluator
from mockmate.evaluators.models import Delivery, Evaluation, EvaluationContext
from mockmate.evaluators.scoring import summarize_scores
from mockmate.interviews.acceptance import Acceptance, AnswerPending, acceptance
from mockmate.interviews.hooks import AnswerEvaluated, HookRegistry, InterviewCompleted
from mockmate.ports import Budget, Emitter
from mockmate.questions.models import Question
from mockmate.state.store import SessionStore
from mockmate.storage.answers import AnswerRepository
from mockmate.storage.audio import AudioStore
from mockmate.storage.interviews import InterviewRepository
from mockmate.storage.records import AnswerRecord, InterviewRecord, StoredEvaluation

log = logging.getLogger(__name__)

# How long an evaluation waits in-process for its answer's submit to reach the session
# before leaving the job to be run again.
PENDING_CHECKS, PENDING_CHECK_S = 20, 0.1


class EvaluationPipeline:
    def __init__(
        self,
        *,
        evaluator: AnswerEvaluator,
        answers: AnswerRepository,
        interviews: InterviewRepository,
        hooks: HookRegistry,
        emitter: Emitter,
        offline: AnswerEvaluator | None = None,
        budget: Budget | None = None,
        sessions: SessionStore | None = None,
        audio: AudioStore | None = None,
    ):
        self._evaluator = evaluator
        # With sessions, an answer the session never took (its submit's process died) is
        # dropped, not evaluated (`interviews.acceptance`).
        self._sessions = sessions
        self._audio = audio
        # With a budget, a user who has spent today's LLM calls is judged by `offline`.
        self._offline = offline or evaluator
        self._budget = budget
        self._answers = answers
        self._interviews = interviews
        self._hooks = hooks
        self._emit = emitter

    async def evaluate_answer(self, payload: dict[str, Any]) -> None:
        answer = await self._answers.get(str(payload["answer_id"]))
        if answer is None:
            return  # deleted with its interview, or never accepted
        interview = await self._interviews.get(answer.interview_id)
        if interview is None or not await self._taken(answer):
            return
        question = _asked(interview, answer)
        if answer.evaluation is not None:
            # After a correction was evaluated again, this job still reports the first one.
            first = answer.first_evaluation or answer.evaluation
            evaluation = Evaluation.model_validate(first.document())
        else:
            evaluation = await self._evaluate(interview, answer, question)
            if not await self._answers.store_evaluation(answer.id, _stored(evaluation)):
                stored = await self._answers.get(answer.id)
                if stored is None or stored.evaluation is None:
                    return
                evaluation = Evaluation.model_validate(stored.evaluation.document())
        # Sent on every (re)run: a retry after a crash may repeat it; clients key on answer_id.
        await self._emit.to_session(
            answer.user_id,
            answer.interview_id,
            "answer:evaluation",
            {
                "session_id": answer.interview_id,
                "index": answer.index,
                "answer_id": answer.id,
                **evaluation.model_dump(mode="json"),
                "revision": 1,
            },
        )
        await self._hooks.answer_evaluated(
            AnswerEvaluated(
                user_id=answer.user_id,
                interview_id=answer.interview_id,
                answer_id=answer.id,
                index=answer.index,
                question=question,
                evaluation=evaluation,
                answer=answer,
                practice=interview.mode == "practice",
            )
        )
        # An interview read completed is read again only if it was not: how it ended never
        # changes after, and a completion announced meanwhile is announced once all the same.
        ended = interview if interview.status is InterviewStatus.COMPLETED else None
        await self.finalize_interview({"interview_id": answer.interview_id},
                                      hooks_done=answer.id, ended=ended)

    async def _taken(self, answer: AnswerRecord) -> bool:
        """Whether to evaluate `answer`: its session took it (or is gone). A submission still
        on its way is waited for (the job runs again); a leftover of a submit whose process
        died, superseded by the answer the candidate submitted again, is deleted."""
        if self._sessions is None:
            return True
        for _ in range(PENDING_CHECKS):  # a live submit takes it within milliseconds
            verdict = await acceptance(self._sessions, answer)
            if verdict is not Acceptance.PENDING:
                break
            await asyncio.sleep(PENDING_CHECK_S)
        else:
            raise AnswerPending(f"answer {answer.id} is not taken by its session yet")
        if verdict is Acceptance.SUPERSEDED:
            log.info("answer %s was never taken by its session (its submit died): dropped",
                     answer.id)
            await self._answers.delete(answer.id)
            if answer.audio_file_id and self._audio is not None:
                await self._audio.delete(answer.audio_file_id)
            return False
        return True

    async def reevaluate_answer(self, payload: dict[str, Any]) -> None:
        """Evaluate a corrected transcript again (`answer:correct`): store it as `revision`,
        let the hooks take the new score (once), then send `answer:evaluation` with it."""
        answer_id, revision = str(payload["answer_id"]), int(payload.get("revision", 2))
        answer = await self._answers.get(answer_id)
        if answer is not None and answer.evaluation is None:
            await self.evaluate_answer(payload)  # the first evaluation has not run yet
            answer = await self._answers.get(answer_id)
        if answer is None or answer.evaluation is None:
            return
        interview = await self._interviews.get(answer.interview_id)
        if interview is None:
            return
        question = _asked(interview, answer)
        if answer.evaluation_revision < revision:
            evaluation = await self._evaluate(interview, answer, question)
            await self._answers.store_revision(answer, _stored(evaluation), revision=revision)
            answer = await self._answers.get(answer_id)
            if answer is None or answer.evaluation_revision < revision:
                return
        if answer.evaluation is None or answer.first_evaluation is None:
            return  # not so once a revision is stored: it keeps the first evaluation
        evaluation = Evaluation.model_validate(answer.evaluation.document())
        earlier = Evaluation.model_validate(answer.first_evaluation.document())
        await self._hooks.answer_evaluated(AnswerEvaluated(
            user_id=answer.user_id, interview_id=answer.interview_id, answer_id=answer_id,
            index=answer.index, question=question, evaluation=evaluation, answer=answer,
            revision=revision, earlier_score=earlier.score,
            practice=interview.mode == "practice",
        ))
        if interview.completion_sent:
            answers = await self._answers.for_interview(interview.id)
            overall, by_category = summarize_scores(
                (a.category, a.score) for a in answers if a.score is not None
            )
            await self._interviews.rescore(
                interview.id, overall_score=overall, category_scores=by_category
            )
        # After the hooks: once the candidate sees it, their statistics already count it.
        # Numbered and logged like every event of the interview while its session lives (a
        # client away meanwhile gets it on resume); unnumbered once the session is gone.
        await self._emit.to_session(answer.user_id, answer.interview_id,
                                    "answer:evaluation", {
            "session_id": answer.interview_id, "index": answer.index,
            "answer_id": answer_id, **evaluation.model_dump(mode="json"), "revision": revision,
        })

    async def _evaluate(
        self, interview: InterviewRecord, answer: AnswerRecord, question: Question
    ) -> Evaluation:
        evaluator = self._evaluator
        if self._budget is not None and not await self._budget.take(answer.user_id):
            evaluator = self._offline
        return await evaluator.evaluate(_context(interview, answer, question))

    async def finalize_interview(
        self, payload: dict[str, Any], *, hooks_done: str | None = None,
        ended: InterviewRecord | None = None,
    ) -> None:
        """Announce the interview's final scores once every answer is evaluated and its hooks
        are done. `hooks_done`: an answer whose hooks the caller has just finished; `ended`:
        the interview as the caller read it, completed (not read again)."""
        interview_id = str(payload["interview_id"])
        interview = ended
        if interview is None and "answered" in payload:
            # The end, in case the change could not record it: the record as ended when this
            # call ended it; None when the end was recorded already (by the change, usually),
            # and then it is read below.
            interview = await self._interviews.finish(
                interview_id, status=InterviewStatus.COMPLETED,
                answered=int(payload["answered"]),
                skipped=[int(i) for i in payload.get("skipped", [])],
            )
        if interview is None:
            interview = await self._interviews.get(interview_id)
        if (
            interview is None
            or interview.status is not InterviewStatus.COMPLETED
            or interview.completion_sent
        ):
            return
        # The session took no answer (`answered` is its count at the end): none to wait for.
        # A stored answer it never took (its submit's process died) does not count.
        answers = (
            [] if interview.answered == 0 else await self._answers.for_interview(interview_id)
        )
        scores = [(a.category, a.score) for a in answers if a.score is not None]
        if len(scores) < len(answers):
            return  # the job of the answer still unevaluated finalizes after it
        others = [a.id for a in answers if a.id != hooks_done]
        if not await self._hooks.answer_hooks_done(others):
            # An answer's job is still running its hooks; it finalizes when they are done,
            # so what the interview completes (progress, the final event) comes after theirs.
            return
        overall, by_category = summarize_scores(scores)
        completed = InterviewCompleted(
            user_id=interview.user_id,
            interview_id=interview_id,
            overall_score=overall,
            category_scores=by_category,
            answered=len(answers),
            skipped=len(interview.skipped),
            duration_s=interview.duration_s,
            practice=interview.mode == "practice",
        )
        await self._hooks.interview_completed(completed)
        if await self._interviews.mark_completion_sent(
            interview_id, overall_score=overall, category_scores=by_category
        ):
            await self._emit.to_session(
                completed.user_id,
                interview_id,
                "interview:complete",
                {
                    "session_id": interview_id,
                    "overall_score": overall,
                    "category_scores": by_category,
                    "answered": completed.answered,
                    "skipped": completed.skipped,
                    "duration_s": completed.duration_s,
                },
            )


def _stored(evaluation: Evaluation) -> StoredEvaluation:
    return StoredEvaluation.model_validate(evaluation.model_dump(mode="json"))


def _asked(interview: InterviewRecord, answer: AnswerRecord) -> Question:
    """The question as asked: the answer's own copy, or (older answers) the interview's."""
    return answer.question or interview.questions[answer.index]


def _context(
    interview: InterviewRecord, answer: AnswerRecord, question: Question
) -> EvaluationContext:
    delivery = answer.transcript.delivery if answer.transcript else None
    analysis = interview.job_analysis or {}
    return EvaluationContext(
        question=question,
        answer_text=answer.answer_text,
        role=interview.role,
        job_description=interview.job_description,
        resume_text=interview.resume_text,
        delivery=Delivery.model_validate(delivery) if delivery else None,
        job_required_skills=tuple(analysis.get("required_skills", ())),
        job_nice_skills=tuple(analysis.get("nice_to_have_skills", ())),
    )

