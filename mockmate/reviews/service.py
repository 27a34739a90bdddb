"""The expert sees what the AI saw: a booking's candidate attaches completed interviews of
theirs; the booking's expert, and nobody else, reads them (transcripts, kept recordings, the
AI's key moments and rubric scores) and may confirm or override each rubric score with a
comment. The candidate sees both in their interview; the statistics take the expert's score.

Who may see what: anyone who is not a party to the booking, or asks about an interview not
attached to it, gets `not_found` exactly as for an unknown id; the candidate gets
`forbidden` on the expert's side. The expert's access opens with payment and closes
`MOCKMATE_REVIEW_ACCESS_HOURS` after the session's end.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from mockmate.bookings.booking_service import party_of
from mockmate.bookings.status import BookingStatus
from mockmate.bookings.views import iso
from mockmate.config import Settings
from mockmate.domain import InterviewStatus
from mockmate.errors import Conflict, Forbidden, InvalidPayload, InvalidState, NotFound
from mockmate.gamification.progress import AnswerNotCountedError
from mockmate.interviews.recordings import Playable, PlayFormat, Recordings
from mockmate.jobs.queue import JobQueue
from mockmate.reviews import rules
from mockmate.skills.store import SkillRecords
from mockmate.storage.answers import AnswerRepository
from mockmate.storage.booking_record import BookingRecord
from mockmate.storage.bookings import BookingRepository
from mockmate.storage.database import Document
from mockmate.storage.hook_runs import HookRunRepository
from mockmate.storage.interviews import InterviewRepository
from mockmate.storage.leaderboard import Leaderboard
from mockmate.storage.progress import ProgressRepository
from mockmate.storage.records import AnswerRecord, InterviewRecord
from mockmate.storage.reviews import ReviewRepository
from mockmate.storage.users import User

log = logging.getLogger(__name__)

APPLY_EXPERT_REVIEW = "apply_expert_review"
ATTACHABLE = (BookingStatus.PENDING_PAYMENT, BookingStatus.CONFIRMED)
REVIEWABLE = (BookingStatus.CONFIRMED, BookingStatus.COMPLETED)


class Reviews:
    def __init__(
        self, *, settings: Settings, bookings: BookingRepository, reviews: ReviewRepository,
        interviews: InterviewRepository, answers: AnswerRepository, recordings: Recordings,
        progress: ProgressRepository, leaderboard: Leaderboard, skills: SkillRecords,
        hook_runs: HookRunRepository, queue: JobQueue,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._bookings = bookings
        self._reviews = reviews
        self._interviews = interviews
        self._answers = answers
        self._recordings = recordings
        self._progress = progress
        self._leaderboard = leaderboard
        self._skills = skills
        self._hook_runs = hook_runs
        self._queue = queue
        self._clock = clock
        queue.register(APPLY_EXPERT_REVIEW, self.apply_review)

    # --- the candidate attaches -------------------------------------------------------

    async def attach(self, user: User, booking_id: str, interview_ids: list[str]) -> list[str]:
        """Replace the interviews attached to the booking (an empty list detaches all)."""
        booking = await self._party_booking(user, booking_id)
        if party_of(user, booking) != "candidate":
            raise Forbidden("only the booking's candidate attaches interviews")
        if booking.status not in ATTACHABLE or booking.end_ts <= self._clock():
            raise InvalidState("interviews can be attached only before the session ends")
        wanted = list(dict.fromkeys(interview_ids))
        limit = self._settings.review_max_interviews
        if len(wanted) > limit:
            raise InvalidPayload(f"at most {limit} interviews can be attached",
                                 field="interview_ids")
        for interview_id in wanted:
            interview = await self._interviews.get(interview_id)
            if interview is None or interview.user_id != user.id:
                raise NotFound(f"no such interview: {interview_id}")
            if interview.status is not InterviewStatus.COMPLETED:
                raise InvalidState(f"interview {interview_id} is not completed")
        if not await self._reviews.attach(booking_id, user.id, wanted):
            raise NotFound("no such booking")
        return wanted

    async def attached(self, user: User, booking_id: str) -> list[str]:
        """The attached interview ids, for either party."""
        booking = await self._party_booking(user, booking_id)
        return list(booking.review_interview_ids)

    # --- the expert reads and reviews -------------------------------------------------

    async def view(self, user: User, booking_id: str) -> dict[str, Any]:
        booking = await self._expert_booking(user, booking_id)
        interviews = []
        for interview_id in booking.review_interview_ids:
            interview = await self._interviews.get(interview_id)
            if interview is not None and interview.user_id == booking.candidate_id:
                interviews.append(await self._interview_view(booking, interview))
        return {"booking_id": booking.id, "candidate_id": booking.candidate_id,
                "start": iso(booking.start_ts), "end": iso(booking.end_ts),
                "interviews": interviews}

    async def recording(self, user: User, booking_id: str, interview_id: str, index: int,
                        fmt: PlayFormat) -> Playable:
        """A kept recording of an attached answer, under the candidate's consent (the same
        rules as the candidate's own `…/answers/{index}/audio`)."""
        booking = await self._attached(user, booking_id, interview_id)
        return await self._recordings.playable(booking.candidate_id, interview_id, index,
                                               fmt)

    async def review(self, user: User, booking_id: str, interview_id: str, index: int,
                     request: rules.ReviewRequest) -> dict[str, Any]:
        """Store the expert's review of an answer's rubric scores (replacing their earlier
        one) and have the candidate's statistics take its score."""
        booking = await self._attached(user, booking_id, interview_id)
        answer = await self._answers.at_index(interview_id, index)
        if answer is None or answer.user_id != booking.candidate_id:
            raise NotFound("no such answer")
        if answer.evaluation is None:
            raise InvalidState("this answer has no evaluation to review")
        earlier: Document = answer.expert_review or {}
        ai_rubric = answer.evaluation.rubric
        criteria = rules.reviewed_criteria(ai_rubric, request)
        comment = request.comment.strip()
        if earlier and earlier.get("criteria") == criteria and earlier.get("comment") == comment \
                and earlier.get("booking_id") == booking.id:
            # The same review again changes nothing; queueing its job again (idempotent)
            # repairs a save whose process died before it queued the job.
            await self._queue.enqueue(APPLY_EXPERT_REVIEW, {"answer_id": answer.id})
            return _shown(earlier)
        score = rules.expert_score(answer.evaluation.score, ai_rubric, criteria)
        version = answer.review_version + 1
        evaluated = answer.evaluation_revision
        review = {
            "booking_id": booking.id, "expert_user_id": user.id,
            "expert_name": user.display_name, "criteria": criteria, "comment": comment,
            "score": score,
            "ai_score": float(earlier.get("ai_score", answer.evaluation.score)),
            # The evaluation `ai_score` came from: a later correction's re-evaluation leaves
            # the statistics on the expert's score (`storage.answers.expert_reviewed_before`).
            "ai_revision": int(earlier.get("ai_revision", evaluated)),
            "scores": [*earlier.get("scores", []), score],
        }
        if not await self._reviews.store(answer.id, review, version=version,
                                         evaluation_revision=evaluated):
            raise Conflict("the review changed meanwhile; reload and try again")
        await self._queue.enqueue(APPLY_EXPERT_REVIEW, {"answer_id": answer.id})
        stored = await self._answers.get(answer.id)
        return _shown((stored.expert_review if stored else None) or review)

    async def apply_review(self, payload: dict[str, Any]) -> None:
        """The job: the candidate's statistics, leaderboard average and skills take the
        answer's latest expert score. Idempotent and order-free (`rules.apply_expert_scores`);
        no XP is paid."""
        answer = await self._answers.get(str(payload["answer_id"]))
        if answer is None or not answer.expert_review or answer.evaluation is None:
            return
        review, user_id, answer_id = answer.expert_review, answer.user_id, answer.id
        category, evaluation = answer.category, answer.evaluation
        scores = [float(s) for s in review["scores"]]
        try:
            step = await self._progress.change(user_id, lambda p: rules.apply_expert_scores(
                p, answer_id=answer_id, category=category,
                ai_score=float(review["ai_score"]), scores=scores))
        except AnswerNotCountedError:
            if not await self._hook_runs.all_done([f"answer:{answer_id}"], ["progress"]):
                raise  # its first score is still being counted: the job is retried
            step = None  # never counted (a practice answer): nothing to replace
        if step is not None and not step.repeated:
            average = step.progress.statistics.average_score
            if average is not None:
                await self._leaderboard.set(user_id, average)
        rubric = {**evaluation.rubric,
                  **{name: float(c["score"]) for name, c in review["criteria"].items()}}
        await self._skills.change(user_id, lambda events: rules.with_expert_score(
            events, answer_id, scores[-1], rubric))

    # --- account data -------------------------------------------------------------------

    async def export_user(self, user_id: str) -> dict[str, Any]:
        """The reviews the user wrote as an expert (their attachments are on their bookings,
        exported with the marketplace)."""
        return {"written": await self._reviews.written_by(user_id)}

    async def erase_user(self, user_id: str) -> None:
        await self._reviews.forget_reviewer(user_id)

    # --- helpers -----------------------------------------------------------------------

    async def _party_booking(self, user: User, booking_id: str) -> BookingRecord:
        booking = await self._bookings.get(booking_id)
        if booking is None or party_of(user, booking) is None:
            raise NotFound("no such booking")
        return booking

    async def _expert_booking(self, user: User, booking_id: str) -> BookingRecord:
        booking = await self._party_booking(user, booking_id)
        if party_of(user, booking) != "expert":
            raise Forbidden("only the booking's expert sees the review")
        closes = booking.end_ts + self._settings.review_access_hours * 3600
        if booking.status not in REVIEWABLE or self._clock() > closes:
            raise InvalidState("the review is open from payment until "
                               f"{self._settings.review_access_hours:g} h after the session")
        return booking

    async def _attached(self, user: User, booking_id: str, interview_id: str) -> BookingRecord:
        booking = await self._expert_booking(user, booking_id)
        if interview_id not in booking.review_interview_ids:
            raise NotFound("no such interview")
        return booking

    async def _interview_view(self, booking: BookingRecord, interview: InterviewRecord
                              ) -> dict[str, Any]:
        answers = await self._answers.for_interview(interview.id)
        started = interview.started_at or interview.created_at
        base = f"/api/bookings/{booking.id}/review/interviews/{interview.id}/answers"
        facts, shown = [], []
        for a in answers:
            submitted = a.created_at
            offset = (round((submitted - started).total_seconds(), 1)
                      if submitted and started else None)
            evaluation = a.evaluation.wire() if a.evaluation else None
            delivery = (a.transcript.delivery if a.transcript else None) or {}
            facts.append(rules.AnswerFacts(
                index=a.index, category=a.category, score=a.score, offset_s=offset,
                pauses=tuple((float(p["at_s"]), float(p["length_s"]), p.get("after"))
                             for p in delivery.get("pauses") or []),
                star=(evaluation or {}).get("star"),
                star_structure=((evaluation or {}).get("ideal_outline") or {}).get(
                    "structure") == "star",
            ))
            kept = a.kind == "audio" and a.recording == "kept"
            shown.append({
                "answer_id": a.id, "index": a.index,
                "question": (a.question.text if a.question else None) or _asked(interview, a),
                "category": a.category, "kind": a.kind,
                "transcript": a.transcript.text if a.transcript else None,
                "delivery": delivery or None,
                "recording": {"wav": f"{base}/{a.index}/audio",
                              "ogg": f"{base}/{a.index}/audio?format=ogg"} if kept else None,
                "submitted_at": submitted.isoformat() if submitted else None,
                "offset_s": offset,
                "evaluation": evaluation and {
                    k: evaluation.get(k) for k in ("score", "rubric", "criteria_reasons",
                                                   "star", "strengths", "weaknesses",
                                                   "confidence", "source")},
                "expert_review": rules.public_review(a.expert_review),
            })
        return {
            "id": interview.id, "role": interview.role,
            "interview_type": interview.interview_type,
            "difficulty": interview.difficulty,
            "started_at": started.isoformat() if started else None,
            "overall_score": interview.overall_score,
            "category_scores": interview.category_scores,
            "key_moments": [m.model_dump(mode="json") for m in rules.key_moments(facts)],
            "answers": shown,
        }

def _asked(interview: InterviewRecord, answer: AnswerRecord) -> str | None:
    questions = interview.questions
    return questions[answer.index].text if answer.index < len(questions) else None


def _shown(review: Document) -> dict[str, Any]:
    return rules.public_review(review) or {}
