"""A booking moved on one `mockmate serve` process: both parties' sockets connected to the
other process get the `booking_rescheduled` notification, a real SMTP server on loopback gets
both mails, and the moved reminders are scheduled in Redis for the new time."""

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

from redis.asyncio import Redis

from tests.support.client import Candidate
from tests.support.marketplace import FAST, HOUR, booking_body, first_slot, market_on
from tests.support.server import ServerProcess, settings_from
from tests.support.smtp import smtp_server


async def test_a_move_notifies_both_parties_across_processes(
    spawn: Callable[..., ServerProcess], deployment_env: dict[str, str], redis_url: str,
) -> None:
    with smtp_server() as inbox:
        env = {**FAST, "MOCKMATE_SMTP_URL": inbox.url, "MOCKMATE_SCHEDULER_POLL_S": "0.2"}
        a, b = await asyncio.gather(spawn("a", **env).ready(), spawn("b", **env).ready())
        settings = settings_from(deployment_env, **env)
        async with market_on(a.url, settings) as on_a:
            expert, expert_id = await on_a.expert()
            me = await on_a.user()
            start = await first_slot(me, expert_id, 30 * HOUR)
            status, body = await me.post("/api/bookings", booking_body(expert_id, start))
            assert status == 201, body
            booking_id = body["booking"]["id"]
            status, body = await me.post(f"/api/bookings/{booking_id}/test-payment",
                                         {"succeed": True})
            assert status == 200 and body["booking"]["status"] == "confirmed", body
            # verified, requested, confirmed twice
            assert {(await inbox.next())["Subject"] for _ in range(4)} == {
                "MockMate: You are verified", "MockMate: New booking request",
                "MockMate: Session confirmed"}

            expert_socket = await Candidate(b.url, str(expert.token)).connect()
            my_socket = await Candidate(b.url, str(me.token)).connect()
            try:
                new_start = (datetime.fromisoformat(start) + timedelta(days=1)).isoformat()
                status, body = await me.post(f"/api/bookings/{booking_id}/reschedule",
                                             {"start": new_start})
                assert status == 200, body
                assert body["booking"]["start"] == new_start
                for socket in (expert_socket, my_socket):
                    told = await socket.expect("notification", kind="booking_rescheduled")
                    assert told["data"]["booking_id"] == booking_id
                    assert told["data"]["rescheduled_by"] == "candidate"
                    update = await socket.expect("booking:update", booking_id=booking_id)
                    assert update["status"] == "confirmed"
            finally:
                await expert_socket.close()
                await my_socket.close()
            moved = [await inbox.next() for _ in range(2)]
            assert {m["Subject"] for m in moved} == {"MockMate: Session moved"}
            assert len({m["To"] for m in moved}) == 2

            prefix = deployment_env["MOCKMATE_REDIS_PREFIX"]
            redis = Redis.from_url(redis_url)
            try:
                new_ts = datetime.fromisoformat(new_start).timestamp()
                assert await redis.zscore(f"{prefix}:schedule",
                                          f"reminder:reminder_24h:{booking_id}") == \
                    new_ts - 24 * 3600
                assert await redis.zscore(f"{prefix}:schedule",
                                          f"reminder:reminder_1h:{booking_id}") == \
                    new_ts - 3600
            finally:
                await redis.aclose()
