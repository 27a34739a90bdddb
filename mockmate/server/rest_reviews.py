"""Interviews attached to a booking and the expert's review of them (docs/marketplace.md,
"The expert sees what the AI saw"): the candidate attaches, the booking's expert reads,
plays kept recordings and confirms or overrides rubric scores."""

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from mockmate.reviews.replies import Attached, ExpertReviewReply, ReviewReply
from mockmate.reviews.rules import ReviewRequest
from mockmate.server.http import model_response, read_json, signed_in
from mockmate.server.rest_recordings import answer_index, audio_response, play_format
from mockmate.server.wiring.reviews import REVIEWS
from mockmate.storage.users import User

routes = web.RouteTableDef()
REVIEW = "/api/bookings/{booking_id}/review"
ANSWER = REVIEW + "/interviews/{interview_id}/answers/{index}"


class AttachInterviews(BaseModel):
    """`PUT /api/bookings/{id}/interviews`: the whole list (empty detaches all)."""

    model_config = ConfigDict(extra="forbid")

    interview_ids: list[str] = Field(max_length=100)


@routes.put("/api/bookings/{booking_id}/interviews")
@signed_in
async def attach(request: web.Request, user: User) -> web.Response:
    body = await read_json(request, AttachInterviews)
    booking_id = request.match_info["booking_id"]
    ids = await request.app[REVIEWS].attach(user, booking_id, body.interview_ids)
    return model_response(Attached(booking_id=booking_id, interview_ids=ids))


@routes.get("/api/bookings/{booking_id}/interviews")
@signed_in
async def attached(request: web.Request, user: User) -> web.Response:
    booking_id = request.match_info["booking_id"]
    ids = await request.app[REVIEWS].attached(user, booking_id)
    return model_response(Attached(booking_id=booking_id, interview_ids=ids))


@routes.get(REVIEW)
@signed_in
async def review_view(request: web.Request, user: User) -> web.Response:
    view = await request.app[REVIEWS].view(user, request.match_info["booking_id"])
    return model_response(ReviewReply.model_validate({"review": view}))


@routes.get(ANSWER + "/audio")
@signed_in
async def review_audio(request: web.Request, user: User) -> web.StreamResponse:
    fmt = play_format(request)
    playable = await request.app[REVIEWS].recording(
        user, request.match_info["booking_id"], request.match_info["interview_id"],
        answer_index(request), fmt)
    return audio_response(request, playable)


@routes.put(ANSWER)
@signed_in
async def review_answer(request: web.Request, user: User) -> web.Response:
    body = await read_json(request, ReviewRequest)
    review = await request.app[REVIEWS].review(
        user, request.match_info["booking_id"], request.match_info["interview_id"],
        answer_index(request), body)
    return model_response(ExpertReviewReply.model_validate({"expert_review": review}))
