"""Notifications across real `mockmate serve` processes sharing Redis and MongoDB: a booking
made on one process reaches the expert's socket on the other, their inbox and a real SMTP
server; its reminders, scheduled before that process is killed, are sent once by the other."""

import asyncio
import time
from collections.abc import Callable
from email.message import Message
from typing import Any

from redis.asyncio import Redis

from tests.support.client import Candidate
from tests.support.marketplace import FAST, HOUR, Api, booking_body, first_slot, market_on
from tests.support.server import ServerProcess, settings_from
from tests.support.smtp import Inbox, smtp_server
from tests.support.waiting import eventually


def parts(message: Message) -> dict[str, str]:
    """The text and HTML parts of a mail, by content type."""
    found = {}
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            found[part.get_content_type()] = payload.decode()
    return found


async def mails(inbox: Inbox, count: int) -> list[Message]:
    return [await inbox.next() for _ in range(count)]


async def kinds_in_inbox(api: Api) -> list[str]:
    status, body = await api.get("/api/me/notifications")
    assert status == 200, body
    return sorted(n["kind"] for n in body["notifications"])


async def test_a_booking_notifies_across_processes_and_its_reminders_survive_a_kill(
    spawn: Callable[..., ServerProcess], deployment_env: dict[str, str], redis_url: str,
) -> None:
    with smtp_server() as inbox:
        env = {**FAST, "MOCKMATE_SMTP_URL": inbox.url, "MOCKMATE_SCHEDULER_POLL_S": "0.2"}
        a, b = await asyncio.gather(spawn("a", **env).ready(), spawn("b", **env).ready())
        settings = settings_from(deployment_env, **env)
        async with market_on(a.url, settings) as on_a:
            expert, expert_id = await on_a.expert()
            verified = await inbox.next()  # the admin's approval, mailed
            assert verified["Subject"] == "MockMate: You are verified"
            expert_mail = verified["To"]
            me = await on_a.user()
            expert_socket = await Candidate(b.url, str(expert.token)).connect()
            my_socket = await Candidate(b.url, str(me.token)).connect()
            try:
                start = await first_slot(me, expert_id, 30 * HOUR)
                status, body = await me.post("/api/bookings", booking_body(expert_id, start))
                assert status == 201, body
                booking_id = body["booking"]["id"]

                # On the other process's socket, in the inbox, and by mail (text and HTML).
                event = await expert_socket.expect("notification", kind="booking_requested")
                assert event["data"]["booking_id"] == booking_id and not event["read"]
                status, listed = await Api(b.url, expert.token, on_a.http).get(
                    "/api/me/notifications", unread="true")
                assert status == 200, listed
                assert [n["id"] for n in listed["notifications"]
                        if n["kind"] == "booking_requested"] == [event["id"]]
                request_mail = await inbox.next()
                assert (request_mail["To"], request_mail["Subject"]) == \
                    (expert_mail, "MockMate: New booking request")
                body_parts = parts(request_mail)
                assert "mock_interview session" in body_parts["text/plain"]
                assert "<h1" in body_parts["text/html"]
                assert request_mail["Message-ID"] == \
                    f"<{event['id']}@notifications.mockmate>"

                status, body = await me.post(f"/api/bookings/{booking_id}/test-payment",
                                             {"succeed": True})
                assert status == 200 and body["booking"]["status"] == "confirmed", body
                for socket in (expert_socket, my_socket):
                    confirmed = await socket.expect("notification", kind="booking_confirmed")
                    assert confirmed["data"]["meeting_url"].startswith("https://")
                assert {m["Subject"] for m in await mails(inbox, 2)} == \
                    {"MockMate: Session confirmed"}
            finally:
                await expert_socket.close()
                await my_socket.close()

            # Both reminders are scheduled in Redis. The process that booked dies; then a
            # day passes (the schedule is moved to now, as the clock would).
            prefix = deployment_env["MOCKMATE_REDIS_PREFIX"]
            redis = Redis.from_url(redis_url)
            try:
                scheduled = {k.decode(): s for k, s in
                             await redis.zrange(f"{prefix}:schedule", 0, -1, withscores=True)}
                start_ts = float((await on_a.booking(booking_id))["start_ts"])
                assert scheduled[f"reminder:reminder_24h:{booking_id}"] == start_ts - 24 * 3600
                assert scheduled[f"reminder:reminder_1h:{booking_id}"] == start_ts - 3600
                a.kill()
                await redis.zadd(f"{prefix}:schedule", {k: time.time() - 1 for k in scheduled
                                                        if k.startswith("reminder:")})

                reminders = await mails(inbox, 4)
                assert sorted(m["Subject"] for m in reminders) == sorted(
                    ["MockMate: Your session is tomorrow"] * 2
                    + ["MockMate: Your session starts in an hour"] * 2)
                assert {m["To"] for m in reminders} == {expert_mail, await _email(on_a, me)}

                async def drained() -> bool:
                    left = await redis.zrange(f"{prefix}:schedule", 0, -1)
                    return not [k for k in left if k.startswith(b"reminder:")] and \
                        await redis.xlen(f"{prefix}:jobs") == 0
                assert await eventually(drained)
            finally:
                await redis.aclose()
            # Once each: no second mail arrived, and each inbox holds one of each kind.
            assert inbox.empty()
            expert_b = Api(b.url, expert.token, on_a.http)
            assert await kinds_in_inbox(expert_b) == ["booking_confirmed", "booking_requested",
                                                      "expert_verified", "reminder_1h",
                                                      "reminder_24h"]
            assert await kinds_in_inbox(Api(b.url, me.token, on_a.http)) == \
                ["booking_confirmed", "reminder_1h", "reminder_24h"]


async def _email(market: Any, api: Api) -> str:
    doc = await market.db.users.find_one({"_id": api.user_id})
    return str(doc["email"])
