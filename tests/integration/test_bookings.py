"""Bookings on real servers in test mode: payment and the ledger, no double booking under 50
concurrent requests (against the real nx-27017 server), a hold freed after its process is
SIGKILLed, the cancellation refund tiers, feedback and no-shows."""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mockmate.config import Settings
from tests.fakes.stripe import event_payload, sign_webhook
from tests.support.marketplace import HOUR, Api, Market, booking_body, first_slot, market_on
from tests.support.server import ServerProcess, settings_from
from tests.support.waiting import eventually

FAST = {"MOCKMATE_BOOKING_MIN_NOTICE_MINUTES": "0", "MOCKMATE_BOOKING_SWEEP_S": "0.2"}


@pytest.fixture
def settings(deployment_env: dict[str, str]) -> Settings:
    return settings_from(deployment_env, **FAST)


@pytest.fixture
async def market(server_url: str, settings: Settings) -> AsyncIterator[Market]:
    async with market_on(server_url, settings) as m:
        yield m


async def book_and_pay(api: Api, expert_id: str, start: str, duration_min: int = 60
                       ) -> dict[str, Any]:
    status, body = await api.post("/api/bookings", booking_body(expert_id, start, duration_min))
    assert status == 201, body
    booking_id = body["booking"]["id"]
    status, body = await api.post(f"/api/bookings/{booking_id}/test-payment", {"succeed": True})
    assert status == 200 and body["booking"]["status"] == "confirmed", body
    return dict(body["booking"])


async def test_a_paid_booking_is_confirmed_with_a_ledger_entry(market: Market) -> None:
    expert, expert_id = await market.expert()
    me, stranger = await market.user(), await market.user()
    start = await first_slot(me, expert_id, 30 * HOUR)
    status, body = await me.post("/api/bookings", booking_body(expert_id, start, 45))
    assert status == 201, body
    booking, payment = body["booking"], body["payment"]
    assert booking["status"] == "pending_payment" and booking["start"] == start
    assert (booking["price_cents"], booking["currency"]) == (9_000, "usd")  # 120 $/h x 45 min
    hold = datetime.fromisoformat(booking["hold_expires_at"]) - datetime.now(UTC)
    assert timedelta(minutes=29) < hold <= timedelta(minutes=30)
    assert payment["provider"] == "test" and payment["client_secret"].startswith("pi_test_")
    assert (payment["amount_cents"], payment["currency"]) == (9_000, "usd")

    status, body = await me.post("/api/bookings", booking_body(expert_id, start))
    assert (status, body["error"]["code"]) == (409, "conflict")
    status, body = await expert.post(f"/api/bookings/{booking['id']}/test-payment", {})
    assert (status, body["error"]["code"]) == (403, "forbidden")

    status, body = await me.post(f"/api/bookings/{booking['id']}/test-payment",
                                 {"succeed": True})
    assert status == 200, body
    confirmed = body["booking"]
    assert confirmed["status"] == "confirmed" and confirmed["test_mode"] is True
    assert confirmed["meeting_url"].startswith("https://meet.mockmate.app/")
    entries = await market.db.ledger.find({"booking_id": booking["id"]}).to_list()
    assert [(e["kind"], e["gross_cents"], e["fee_cents"], e["net_cents"]) for e in entries] == [
        ("payment", 9_000, 1_800, 7_200)]

    status, body = await expert.get("/api/bookings", role="expert")
    assert [b["id"] for b in body["bookings"]] == [booking["id"]]
    assert body["bookings"][0]["role"] == "expert"
    status, body = await stranger.get(f"/api/bookings/{booking['id']}")
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, body = await expert.get(f"/api/experts/{expert_id}")
    assert body["expert"]["performance"]["earnings_cents"] == 7_200
    assert body["expert"]["performance"]["sessions_booked"] == 1
    status, body = await me.post(f"/api/bookings/{booking['id']}/test-payment",
                                 {"succeed": True})
    assert (status, body["error"]["code"]) == (409, "invalid_state")


async def test_a_failed_payment_cancels_and_frees_the_time(market: Market) -> None:
    _, expert_id = await market.expert()
    me = await market.user()
    start = await first_slot(me, expert_id, 30 * HOUR)
    _, body = await me.post("/api/bookings", booking_body(expert_id, start))
    booking_id = body["booking"]["id"]
    status, body = await me.post(f"/api/bookings/{booking_id}/test-payment",
                                 {"succeed": False})
    assert status == 200 and body["booking"]["status"] == "cancelled"
    assert body["booking"]["cancel_reason"].startswith("payment failed")
    assert await market.db.booking_slots.count_documents({"booking_id": booking_id}) == 0
    status, body = await me.post("/api/bookings", booking_body(expert_id, start))
    assert status == 201, body


async def test_a_webhook_forged_with_a_guessable_secret_is_refused(
    market: Market, settings: Settings
) -> None:
    """Test mode signs with a secret generated for the installation: an event signed with
    any secret an outsider could know cannot cancel someone's booking."""
    _, expert_id = await market.expert()
    me = await market.user()
    start = await first_slot(me, expert_id, 30 * HOUR)
    _, body = await me.post("/api/bookings", booking_body(expert_id, start))
    booking_id = body["booking"]["id"]
    intent_id = body["payment"]["client_secret"].split("_secret_")[0]
    intent = {"id": intent_id, "object": "payment_intent", "amount": 12_000, "currency": "usd",
              "status": "requires_payment_method", "metadata": {"booking_id": booking_id},
              "last_payment_error": {"message": "card declined"}}
    payload = event_payload("payment_intent.payment_failed", intent)
    for guess in ("whsec_mockmate_test_mode", "", "whsec_test"):
        status, answer = await market.anonymous().request(
            "POST", "/api/payments/webhook", data=payload,
            headers={"Stripe-Signature": sign_webhook(payload, guess),
                     "Content-Type": "application/json"})
        assert (status, answer["error"]["code"]) == (400, "invalid_payload")
    assert (await market.booking(booking_id))["status"] == "pending_payment"
    secret = (settings.data_dir / "webhook_secret").read_text()
    assert secret.startswith("whsec_") and len(secret) > 40


async def test_fifty_concurrent_overlapping_requests_book_once(market: Market) -> None:
    _, expert_id = await market.expert()
    users = [await market.user() for _ in range(10)]
    # A start with 90 free minutes after it, inside the expert's hours: the longest shape
    # below ends at T+90 (a 60-minute slot late in the day left the later shapes outside
    # the hours, refused `invalid_payload`, when the run began at about 16:15-16:45 UTC).
    start = datetime.fromisoformat(
        await first_slot(users[0], expert_id, 30 * HOUR, duration_min=90))
    # Every pair of these overlaps: [T, T+60), [T+30, T+90), [T, T+90), [T+30, T+60).
    shapes = [(start, 60), (start + HOUR / 2, 60), (start, 90), (start + HOUR / 2, 30)]
    bodies = [booking_body(expert_id, shapes[n % 4][0].isoformat(), shapes[n % 4][1])
              for n in range(50)]
    answers = await asyncio.gather(*(users[n % 10].post("/api/bookings", b)
                                     for n, b in enumerate(bodies)))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [409] * 49, statuses
    assert {b["error"]["code"] for s, b in answers if s == 409} == {"conflict"}
    winner = next(b["booking"] for s, b in answers if s == 201)
    assert await market.db.bookings.count_documents({}) == 1
    cells = await market.db.booking_slots.find({}).to_list()
    assert {c["booking_id"] for c in cells} == {winner["id"]}
    assert len(cells) == winner["duration_min"] // 15



async def test_a_hold_expires_after_its_process_is_killed(
    spawn: Callable[..., ServerProcess], settings: Settings
) -> None:
    # a holds for 3 s and never sweeps; b sweeps every 0.2 s.
    a = await spawn("a", MOCKMATE_BOOKING_HOLD_MINUTES="0.05",
                    MOCKMATE_BOOKING_SWEEP_S="3600").ready()
    async with market_on(a.url, settings) as on_a:
        _, expert_id = await on_a.expert()
        me = await on_a.user()
        start = await first_slot(me, expert_id, 30 * HOUR)
        # A crash between inserting cells and the booking: cells with no booking at all, on
        # a slot the expert offers (a fixed offset from `start` may fall past the day's last
        # slot at some hours). It may be on the next UTC day: the slots asked for cover both.
        ghost = datetime.fromisoformat(
            await first_slot(me, expert_id, datetime.fromisoformat(start) + 2 * HOUR))
        day = {"from": start[:10], "to": ghost.date().isoformat()}
        status, body = await me.post("/api/bookings", booking_body(expert_id, start))
        assert status == 201, body
        booking_id = body["booking"]["id"]
        _, body = await me.get(f"/api/experts/{expert_id}/slots", tz="UTC", **day)
        assert start not in [s["start"] for s in body["slots"]]
        await on_a.db.booking_slots.insert_many([{
            "_id": f"{expert_id}:{(ghost + n * HOUR / 4):%Y-%m-%dT%H:%M}Z",
            "expert_id": expert_id, "booking_id": "ghost", "state": "hold",
            "start_ts": (ghost + n * HOUR / 4).timestamp(), "expires_ts": time.time() - 1,
        } for n in range(4)])
        a.kill()

    b = await spawn("b", **FAST).ready()
    async with market_on(b.url, settings) as on_b:
        me = Api(b.url, me.token, on_b.http, me.user_id)

        async def cancelled() -> Any:
            _, body = await me.get(f"/api/bookings/{booking_id}")
            return body["booking"] if body["booking"]["status"] == "cancelled" else None

        booking = await eventually(cancelled)
        assert (booking["cancel_reason"], booking["cancelled_by"]) == ("payment timeout",
                                                                        "system")
        assert await eventually(lambda: _no_cells(on_b, "ghost"))
        _, body = await me.get(f"/api/experts/{expert_id}/slots", tz="UTC", **day)
        free = [datetime.fromisoformat(s["start"]) for s in body["slots"]]
        assert datetime.fromisoformat(start) in free and ghost in free
        status, body = await me.post("/api/bookings", booking_body(expert_id, start))
        assert status == 201, body


async def test_a_lapsed_hold_is_free_before_any_sweep_and_its_late_payment_refunded(
    market: Market,
) -> None:
    _, expert_id = await market.expert()
    slow, quick = await market.user(), await market.user()
    start = await first_slot(slow, expert_id, 30 * HOUR)
    day = {"from": start[:10], "to": start[:10]}
    _, body = await slow.post("/api/bookings", booking_body(expert_id, start))
    lapsed_id = body["booking"]["id"]
    # The hold's half hour passes (the sweeper runs every 0.2 s here, so it is kept away
    # from this booking by making its own expiry look fresh).
    past = time.time() - 1
    await market.db.booking_slots.update_many({"booking_id": lapsed_id},
                                              {"$set": {"expires_ts": past}})
    await market.db.bookings.update_one({"_id": lapsed_id},
                                        {"$set": {"hold_expires_ts": time.time() + 3600}})

    _, body = await quick.get(f"/api/experts/{expert_id}/slots", tz="UTC", **day)
    assert start in [s["start"] for s in body["slots"]]
    status, body = await quick.post("/api/bookings", booking_body(expert_id, start))
    assert status == 201, body
    taker_id = body["booking"]["id"]
    cells = await market.db.booking_slots.find({}).to_list()
    assert {c["booking_id"] for c in cells} == {taker_id}

    status, body = await slow.post(f"/api/bookings/{lapsed_id}/test-payment", {"succeed": True})
    assert status == 200, body
    late = body["booking"]
    assert late["status"] == "cancelled" and late["refund_cents"] == late["price_cents"]
    status, body = await quick.post(f"/api/bookings/{taker_id}/test-payment", {"succeed": True})
    assert status == 200 and body["booking"]["status"] == "confirmed", body
    cells = await market.db.booking_slots.find({}).to_list()
    assert {(c["booking_id"], c["state"]) for c in cells} == {(taker_id, "booked")}


async def _no_cells(market: Market, booking_id: str) -> bool:
    return await market.db.booking_slots.count_documents({"booking_id": booking_id}) == 0


async def test_cancellation_refunds_by_notice_and_canceller(market: Market) -> None:
    expert, expert_id = await market.expert()
    me = await market.user()
    cases = [(30 * HOUR, 12_000, 100), (3 * HOUR, 6_000, 50), (HOUR / 6, 0, 0)]
    for ahead, refund, percent in cases:
        booking = await book_and_pay(me, expert_id, await first_slot(me, expert_id, ahead))
        status, body = await me.post(f"/api/bookings/{booking['id']}/cancel",
                                     {"reason": "Something came up"})
        assert status == 200, body
        assert body["refund_cents"] == refund, (ahead, body)
        assert body["booking"]["status"] == "cancelled"
        assert body["booking"]["cancelled_by"] == "candidate"
        assert body["booking"]["refund_status"] == ("succeeded" if refund else "none")
        doc = await market.booking(booking["id"])
        assert doc["refund_percent"] == percent
        entries = {e["kind"]: e for e in
                   await market.db.ledger.find({"booking_id": booking["id"]}).to_list()}
        if refund:
            fee = refund * 2_400 // 12_000
            reversal = entries["refund"]
            assert (reversal["gross_cents"], reversal["fee_cents"], reversal["net_cents"]) == (
                -refund, -fee, -(refund - fee))
        else:
            assert set(entries) == {"payment"}
        assert await _no_cells(market, booking["id"])
        status, body = await me.post(f"/api/bookings/{booking['id']}/cancel", {"reason": "x"})
        assert (status, body["error"]["code"]) == (409, "invalid_state")

    # The expert cancelling refunds everything, however close the session is.
    booking = await book_and_pay(me, expert_id, await first_slot(me, expert_id, HOUR / 6))
    status, body = await expert.post(f"/api/bookings/{booking['id']}/cancel",
                                     {"reason": "I am ill"})
    assert (status, body["refund_cents"]) == (200, 12_000)
    assert body["booking"]["cancelled_by"] == "expert"
    # Unpaid bookings cancel for free, and the time is free again at once.
    start = await first_slot(me, expert_id, 40 * HOUR)
    _, body = await me.post("/api/bookings", booking_body(expert_id, start))
    status, body = await me.post(f"/api/bookings/{body['booking']['id']}/cancel",
                                 {"reason": "changed my mind"})
    assert (status, body["refund_cents"]) == (200, 0)
    assert (await me.post("/api/bookings", booking_body(expert_id, start)))[0] == 201

    _, body = await expert.get(f"/api/experts/{expert_id}")
    performance = body["expert"]["performance"]
    assert performance["sessions_booked"] == 4 and performance["cancellation_rate"] == 0.25
    # 4 x 9600 net earned; reversed: 9600 (full), 4800 (half), 0, 9600 (expert).
    assert performance["earnings_cents"] == 4 * 9_600 - 9_600 - 4_800 - 9_600


async def test_feedback_once_per_side_after_the_session(market: Market) -> None:
    expert, expert_id = await market.expert()
    me, stranger = await market.user(), await market.user()
    booking = await book_and_pay(me, expert_id, await first_slot(me, expert_id, 3 * HOUR))
    path = f"/api/bookings/{booking['id']}/feedback"
    rating = {"rating": 4, "preparation": 5, "communication": 4, "expertise": 5,
              "helpfulness": 4, "would_recommend": True, "comment": "Sharp questions."}
    review = {"strengths": ["Clear structure"], "areas_to_improve": ["Trade-offs"],
              "recommendations": ["Practise capacity estimates"], "readiness": "almost_ready"}

    status, body = await me.post(path, rating)
    assert (status, body["error"]["code"]) == (409, "invalid_state")  # not over yet
    status, body = await me.post(f"/api/bookings/{booking['id']}/no-show", {})
    assert (status, body["error"]["code"]) == (409, "invalid_state")  # not started yet
    await market.started_ago(booking["id"], hours=2)

    status, body = await me.post(path, {**rating, "rating": 6})
    assert (status, body["error"]["code"]) == (400, "invalid_payload")
    status, body = await me.post(path, review)  # the expert's form, from the candidate
    assert status == 400
    status, body = await stranger.post(path, rating)
    assert status == 404
    status, body = await me.post(path, rating)
    assert status == 201, body
    assert (body["feedback"]["side"], body["feedback"]["rating"]) == ("candidate", 4)
    status, body = await me.post(path, rating)
    assert (status, body["error"]["code"]) == (409, "conflict")
    status, body = await expert.post(path, review)
    assert status == 201 and body["feedback"]["readiness"] == "almost_ready"

    status, body = await me.get(f"/api/bookings/{booking['id']}")
    assert body["booking"]["status"] == "completed"
    assert body["booking"]["feedback"]["expert"]["strengths"] == ["Clear structure"]
    assert body["booking"]["feedback"]["candidate"]["comment"] == "Sharp questions."
    _, body = await stranger.get(f"/api/experts/{expert_id}")
    performance = body["expert"]["performance"]
    assert (performance["average_rating"], performance["rating_count"],
            performance["completed_sessions"]) == (4.0, 1, 1)
    assert performance["last_session_at"] is not None


async def test_a_rating_stored_but_not_counted_before_a_crash_is_counted_once(
    market: Market,
) -> None:
    _, expert_id = await market.expert()
    me = await market.user()
    booking = await book_and_pay(me, expert_id, await first_slot(me, expert_id, 3 * HOUR))
    await market.started_ago(booking["id"], hours=2)
    rating = {"rating": 2, "preparation": 3, "communication": 2, "expertise": 3,
              "helpfulness": 2, "would_recommend": False}
    # The feedback document made it to the database; the process died before counting it.
    candidate_id = (await market.booking(booking["id"]))["candidate_id"]
    await market.db.booking_feedback.insert_one({
        "_id": f"{booking['id']}:candidate", "booking_id": booking["id"], "side": "candidate",
        "author_id": candidate_id, "expert_id": expert_id, "body": rating,
    })
    for _ in range(2):  # the candidate tries again, twice
        status, body = await me.post(f"/api/bookings/{booking['id']}/feedback", rating)
        assert (status, body["error"]["code"]) == (409, "conflict")
    _, body = await me.get(f"/api/experts/{expert_id}")
    performance = body["expert"]["performance"]
    assert (performance["average_rating"], performance["rating_count"]) == (2.0, 1)


async def test_a_no_show_is_marked_by_the_other_party(market: Market) -> None:
    expert, expert_id = await market.expert()
    me = await market.user()
    absent_expert = await book_and_pay(me, expert_id, await first_slot(me, expert_id, 3 * HOUR))
    absent_me = await book_and_pay(me, expert_id, await first_slot(me, expert_id, 6 * HOUR))
    await market.started_ago(absent_expert["id"], hours=0.5)
    await market.started_ago(absent_me["id"], hours=0.25)

    status, body = await me.post(f"/api/bookings/{absent_expert['id']}/no-show", {})
    assert status == 200, body
    assert body["booking"]["status"] == "no_show"
    assert body["booking"]["no_show"]["party"] == "expert"
    assert (body["booking"]["refund_cents"], body["booking"]["refund_status"]) == (
        12_000, "succeeded")
    status, body = await expert.post(f"/api/bookings/{absent_me['id']}/no-show", {})
    assert status == 200 and body["booking"]["no_show"]["party"] == "candidate"
    assert body["booking"]["refund_cents"] == 0
    status, body = await expert.post(f"/api/bookings/{absent_me['id']}/no-show", {})
    assert (status, body["error"]["code"]) == (409, "invalid_state")
    status, body = await me.post(f"/api/bookings/{absent_me['id']}/feedback", {
        "rating": 1, "preparation": 1, "communication": 1, "expertise": 1, "helpfulness": 1,
        "would_recommend": False})
    assert (status, body["error"]["code"]) == (409, "invalid_state")

    _, body = await expert.get(f"/api/experts/{expert_id}")
    performance = body["expert"]["performance"]
    assert (performance["no_show_rate"], performance["earnings_cents"]) == (0.5, 9_600)
