"""The marketplace part of `GET /api/me/export` and `DELETE /api/me`: everything about the
user is exported; erasure cancels their upcoming sessions under the policy, deletes their
expert profile and documents, and leaves nothing in the remaining records that identifies
them."""

import json
from collections.abc import AsyncIterator

import pytest

from mockmate.config import Settings
from tests.support.marketplace import HOUR, Market, booking_body, first_slot, market_on
from tests.support.server import settings_from

RATING = {"rating": 5, "preparation": 5, "communication": 4, "expertise": 5, "helpfulness": 5,
          "would_recommend": True, "comment": "Ask me about my cat, Whiskers."}


@pytest.fixture
def settings(deployment_env: dict[str, str]) -> Settings:
    return settings_from(deployment_env, MOCKMATE_BOOKING_MIN_NOTICE_MINUTES="0")


@pytest.fixture
async def market(server_url: str, settings: Settings) -> AsyncIterator[Market]:
    async with market_on(server_url, settings) as m:
        yield m


async def test_export_then_erase_both_parties(market: Market) -> None:
    expert, expert_id = await market.expert()
    me = await market.user()
    ids = []
    for ahead in (30 * HOUR, 3 * HOUR):
        start = await first_slot(me, expert_id, ahead)
        _, body = await me.post("/api/bookings", booking_body(expert_id, start))
        ids.append(body["booking"]["id"])
        status, _ = await me.post(f"/api/bookings/{ids[-1]}/test-payment", {"succeed": True})
        assert status == 200
    upcoming, past = ids
    await market.started_ago(past, hours=2)
    assert (await me.post(f"/api/bookings/{past}/feedback", RATING))[0] == 201

    status, export = await me.get("/api/me/export")
    assert status == 200, export
    mine = export["marketplace"]
    assert mine["expert"] is None
    assert {b["id"] for b in mine["bookings"]} == {upcoming, past}
    assert [f["comment"] for f in mine["feedback"]] == [RATING["comment"]]
    assert sorted(e["gross_cents"] for e in mine["ledger"]) == [12_000, 12_000]
    _, export = await expert.get("/api/me/export")
    theirs = export["marketplace"]
    assert theirs["expert"]["id"] == expert_id and len(theirs["expert"]["documents"]) == 2
    assert {b["role"] for b in theirs["bookings"]} == {"expert"}

    # The expert leaves: the upcoming session is cancelled with a full refund.
    assert (await expert.request("DELETE", "/api/me"))[0] == 200
    _, body = await me.get(f"/api/bookings/{upcoming}")
    booking = body["booking"]
    assert (booking["status"], booking["cancelled_by"], booking["refund_cents"]) == (
        "cancelled", "expert", 12_000)
    assert await market.db.experts.count_documents({}) == 0
    assert await market.db["expert_documents.files"].find({}).to_list() == []
    assert await market.db.booking_slots.find({"booking_id": upcoming}).to_list() == []

    # The candidate leaves: what stays of the bookings, money and feedback is anonymous.
    assert (await me.request("DELETE", "/api/me"))[0] == 200
    remaining = [
        *await market.db.bookings.find({}).to_list(),
        *await market.db.ledger.find({}).to_list(),
        *await market.db.booking_feedback.find({}).to_list(),
    ]
    assert len(remaining) == 2 + 3 + 1  # bookings; 2 payments + 1 refund; 1 feedback
    dump = json.dumps(remaining, default=str)
    for secret in (me.user_id, expert.user_id, "Whiskers"):
        assert secret not in dump
    assert "deleted-user" in dump
