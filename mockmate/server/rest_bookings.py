"""Booking endpoints (booking, listing, cancelling, rescheduling, test-mode payment,
feedback, no-shows) and the payment webhook."""


from aiohttp import web

from mockmate.bookings.booking_service import party_of
from mockmate.bookings.queries import (
    BookingListQuery,
    NoShowRequest,
    RescheduleRequest,
    TestPayment,
)
from mockmate.bookings.replies import (
    Booked,
    BookingPage,
    BookingReply,
    Cancelled,
    FeedbackReply,
    TestPaid,
    WebhookReceived,
)
from mockmate.bookings.schemas import BookingRequest, CancelRequest
from mockmate.bookings.views import booking_view
from mockmate.errors import Forbidden
from mockmate.server.http import (
    model_response,
    read_json,
    read_json_object,
    read_optional_json,
    read_query,
    signed_in,
)
from mockmate.server.rest_market_common import marketplace
from mockmate.storage.users import User

routes = web.RouteTableDef()


@routes.post("/api/bookings")
@signed_in
async def book(request: web.Request, user: User) -> web.Response:
    body = await read_json(request, BookingRequest)
    doc, intent = await marketplace(request).bookings.book(user, body)
    return model_response(Booked.model_validate({
        "booking": booking_view(doc, viewer_id=user.id),
        "payment": {
            "provider": doc.payment.provider,
            "client_secret": intent.client_secret,
            "amount_cents": doc.price_cents,
            "currency": doc.currency,
        },
    }), status=201, exclude_unset=True)


@routes.get("/api/bookings")
@signed_in
async def list_bookings(request: web.Request, user: User) -> web.Response:
    query = read_query(request, BookingListQuery)
    return model_response(BookingPage.model_validate(
        await marketplace(request).bookings.list(user, query)), exclude_unset=True)


@routes.get("/api/bookings/{booking_id}")
@signed_in
async def get_booking(request: web.Request, user: User) -> web.Response:
    service = marketplace(request).bookings
    booking = await service.for_party(user, request.match_info["booking_id"])
    return model_response(BookingReply.model_validate(
        {"booking": await service.view(user, booking)}), exclude_unset=True)


@routes.post("/api/bookings/{booking_id}/cancel")
@signed_in
async def cancel(request: web.Request, user: User) -> web.Response:
    body = await read_json(request, CancelRequest)
    service = marketplace(request).bookings
    booking = await service.cancel(user, request.match_info["booking_id"], body.reason)
    return model_response(Cancelled.model_validate({
        "booking": await service.view(user, booking),
        "refund_cents": booking.refund_cents,
    }), exclude_unset=True)


@routes.post("/api/bookings/{booking_id}/reschedule")
@signed_in
async def reschedule(request: web.Request, user: User) -> web.Response:
    body = await read_json(request, RescheduleRequest)
    market = marketplace(request)
    booking = await market.moves.reschedule(user, request.match_info["booking_id"], body.start)
    return model_response(BookingReply.model_validate(
        {"booking": await market.bookings.view(user, booking)}), exclude_unset=True)


@routes.post("/api/bookings/{booking_id}/test-payment")
@signed_in
async def test_payment(request: web.Request, user: User) -> web.Response:
    body = await read_optional_json(request, TestPayment)
    market = marketplace(request)
    booking = await market.bookings.for_party(user, request.match_info["booking_id"])
    if party_of(user, booking) == "expert":
        raise Forbidden("only the candidate pays for a booking")
    outcome = await market.webhooks.test_payment(booking, body.succeed)
    fresh = await market.bookings.for_party(user, booking.id)
    return model_response(TestPaid.model_validate(
        {"booking": await market.bookings.view(user, fresh), "outcome": outcome}),
        exclude_unset=True)


@routes.post("/api/bookings/{booking_id}/feedback")
@signed_in
async def feedback(request: web.Request, user: User) -> web.Response:
    body = await read_json_object(request)
    entry = await marketplace(request).bookings.leave_feedback(
        user, request.match_info["booking_id"], body
    )
    return model_response(FeedbackReply.model_validate({"feedback": entry}), status=201,
                          exclude_unset=True)


@routes.post("/api/bookings/{booking_id}/no-show")
@signed_in
async def no_show(request: web.Request, user: User) -> web.Response:
    await read_optional_json(request, NoShowRequest)
    service = marketplace(request).bookings
    booking = await service.no_show(user, request.match_info["booking_id"])
    return model_response(BookingReply.model_validate(
        {"booking": await service.view(user, booking)}), exclude_unset=True)


@routes.post("/api/payments/webhook")
async def payment_webhook(request: web.Request) -> web.Response:
    raw = await request.read()  # the signature covers these exact bytes
    answer = await marketplace(request).webhooks.receive(
        raw, request.headers.get("Stripe-Signature")
    )
    return model_response(WebhookReceived.model_validate(answer))
