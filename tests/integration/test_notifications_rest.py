"""The inbox and settings over REST on a running server (embedded mail: the outbox file),
fed by the real code paths: verification, booking, payment, cancellation with a refund,
and a first interview's badge and level."""

import json
from typing import Any

import aiohttp
from redis.asyncio import Redis

from mockmate.config import Settings
from mockmate.mail import OUTBOX_FILE
from tests.conftest import CandidateFactory
from tests.integration.test_progress import complete_interview
from tests.support.marketplace import HOUR, Api, Market, booking_body, first_slot
from tests.support.waiting import eventually


async def inbox_of(api: Api, **params: Any) -> dict[str, Any]:
    status, body = await api.get("/api/me/notifications", **params)
    assert status == 200, body
    return dict(body)


async def having(api: Api, kind: str, count: int = 1) -> list[dict[str, Any]]:
    async def found() -> list[dict[str, Any]]:
        listed = [n for n in (await inbox_of(api))["notifications"] if n["kind"] == kind]
        return listed if len(listed) >= count else []
    return await eventually(found)


async def test_the_inbox_is_listed_read_and_filtered(market: Market) -> None:
    expert, _ = await market.expert()
    [verified] = await having(expert, "expert_verified")
    assert verified["read"] is False and verified["title"] == "You are verified"
    listed = await inbox_of(expert, unread="true")
    assert listed["unread_count"] == 1

    status, body = await expert.post(f"/api/me/notifications/{verified['id']}/read")
    assert status == 200 and body["notification"]["read"] is True, body
    assert body["notification"]["read_at"]
    assert (await inbox_of(expert, unread="true"))["notifications"] == []
    assert [n["id"] for n in (await inbox_of(expert, unread="false"))["notifications"]] == \
        [verified["id"]]
    assert (await inbox_of(expert))["unread_count"] == 0

    # Someone else's notification, or none at all: not found.
    stranger = await market.user()
    status, body = await stranger.post(f"/api/me/notifications/{verified['id']}/read")
    assert status == 404 and body["error"]["code"] == "not_found"
    status, body = await expert.get("/api/me/notifications", unread="maybe")
    assert status == 400 and body["error"]["code"] == "invalid_payload"
    status, body = await expert.post("/api/me/notifications/read-all")
    assert status == 200 and body == {"marked_read": 0}


async def test_settings_are_validated_and_honoured(market: Market) -> None:
    me = await market.user()
    status, body = await me.get("/api/me/notification-settings")
    assert status == 200, body
    assert body["settings"]["channels"]["booking_confirmed"] == ["in_app", "email"]
    assert body["settings"]["channels"]["badge_earned"] == ["in_app"]
    assert body["settings"]["effective_time_zone"] == "UTC"
    for bad in ({"channels": {"booking_confirmed": ["pigeon"]}},
                {"quiet_hours": {"start": "7pm", "end": "07:00"}}, {"time_zone": "Nowhere/X"}):
        status, body = await me.request("PUT", "/api/me/notification-settings", json=bad)
        assert status == 400 and body["error"]["code"] == "invalid_payload", body
    chosen = {"channels": {"booking_confirmed": [], "booking_cancelled": ["in_app"]},
              "quiet_hours": {"start": "22:00", "end": "07:00"}, "time_zone": "Asia/Tokyo"}
    status, body = await me.request("PUT", "/api/me/notification-settings", json=chosen)
    assert status == 200, body
    assert body["settings"]["channels"]["booking_confirmed"] == []
    assert body["settings"]["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    assert body["settings"]["effective_time_zone"] == "Asia/Tokyo"
    assert (await me.get("/api/me/notification-settings"))[1] == body


async def test_a_cancelled_booking_tells_both_with_the_refund_and_drops_its_reminders(
    market: Market, settings: Settings,
) -> None:
    expert, expert_id = await market.expert()
    me = await market.user()
    # The candidate wants no confirmation at all, and the cancellation in the app only.
    status, _ = await me.request("PUT", "/api/me/notification-settings", json={
        "channels": {"booking_confirmed": [], "booking_cancelled": ["in_app"]}})
    assert status == 200
    start = await first_slot(me, expert_id, 30 * HOUR)
    _, body = await me.post("/api/bookings", booking_body(expert_id, start))
    booking_id = body["booking"]["id"]
    status, body = await me.post(f"/api/bookings/{booking_id}/test-payment", {"succeed": True})
    assert status == 200, body
    await having(expert, "booking_confirmed")

    redis = Redis.from_url(settings.redis_url)
    try:
        key = f"{settings.redis_prefix}:schedule"
        reminders = {f"reminder:reminder_24h:{booking_id}".encode(),
                     f"reminder:reminder_1h:{booking_id}".encode()}
        assert reminders <= set(await redis.zrange(key, 0, -1))
        status, body = await me.post(f"/api/bookings/{booking_id}/cancel",
                                     {"reason": "new job"})
        assert status == 200, body
        assert not reminders & set(await redis.zrange(key, 0, -1))
    finally:
        await redis.aclose()

    refund = body["booking"]["refund_cents"]
    assert refund > 0
    for api in (expert, me):
        [cancelled] = await having(api, "booking_cancelled")
        assert cancelled["data"]["refund_cents"] == refund
        assert f"Refund: {refund / 100:.2f} USD" in cancelled["body"]
    assert [n["kind"] for n in (await inbox_of(me))["notifications"]] == ["booking_cancelled"]

    # Embedded mail: the outbox file, with the HTML part; none of the candidate's choices
    # were e-mail, so every mail is the expert's.
    outbox = settings.data_dir / OUTBOX_FILE

    expected = {"MockMate: New booking request", "MockMate: Session confirmed",
                "MockMate: Session cancelled"}

    # The entry is stored before its mail, and each notification is its own job: the mails
    # come in any order, so wait for all of them.
    async def mailed() -> list[dict[str, Any]]:
        mails = [json.loads(line) for line in outbox.read_text().splitlines()]
        return mails if expected <= {m["subject"] for m in mails} else []
    mails = await eventually(mailed)
    expert_email = (await market.db.users.find_one({"_id": expert.user_id}))["email"]
    assert {m["to"] for m in mails} == {expert_email}
    assert all(m["html"].startswith("<!doctype html>") for m in mails)


async def test_a_first_interview_notifies_its_badge_and_level(
    candidates: CandidateFactory,
) -> None:
    client = await candidates.new()
    await complete_interview(client)
    async with aiohttp.ClientSession() as http:
        api = Api(client.url, client.token, http)
        badge = await having(api, "badge_earned")
        level = await having(api, "level_up")
    assert badge[0]["title"].startswith("Badge earned: ")
    assert level[0]["data"]["level"] >= 2
