"""Calendar files on a real server: a booking's `.ics` for each party (nobody else), and a
private feed URL that works without a token, follows cancellations and stops on rotation."""

from datetime import datetime

import pytest
from icalendar import Calendar

from mockmate.config import Settings
from tests.support.marketplace import HOUR, Market, booking_body, first_slot
from tests.support.server import settings_from


@pytest.fixture
def settings(deployment_env: dict[str, str]) -> Settings:
    return settings_from(deployment_env, MOCKMATE_BOOKING_MIN_NOTICE_MINUTES="0")


def vevents(data: bytes) -> list[tuple[str, datetime, str, str]]:
    cal = Calendar.from_ical(data)
    return [(str(e["summary"]), e.decoded("dtstart"), str(e["status"]), str(e.get("url", "")))
            for e in cal.walk("VEVENT")]


async def test_booking_ics_and_the_private_feed(market: Market) -> None:
    expert, expert_id = await market.expert()
    me, stranger = await market.user(), await market.user()
    start = await first_slot(me, expert_id, 30 * HOUR)
    status, body = await me.post("/api/bookings", booking_body(expert_id, start))
    assert status == 201, body
    booking_id = body["booking"]["id"]
    status, body = await me.post(f"/api/bookings/{booking_id}/test-payment", {"succeed": True})
    assert status == 200, body
    meeting_url = body["booking"]["meeting_url"]

    status, data = await me.get(f"/api/bookings/{booking_id}/calendar.ics")
    assert status == 200
    assert vevents(data) == [("Mock interview with Ada Lovelace",
                              datetime.fromisoformat(start), "CONFIRMED", meeting_url)]
    status, data = await expert.get(f"/api/bookings/{booking_id}/calendar.ics")
    assert status == 200
    (summary, _, _, _), = vevents(data)
    assert summary.startswith("Mock interview with ") and "Ada" not in summary
    status, body = await stranger.get(f"/api/bookings/{booking_id}/calendar.ics")
    assert (status, body["error"]["code"]) == (404, "not_found")

    status, body = await me.get("/api/me/calendar")
    assert status == 200 and body["url"].endswith(f"/calendar/{body['token']}.ics")
    feed = body["url"].removeprefix(market.url)
    status, again = await me.get("/api/me/calendar")
    assert again["token"] == body["token"]
    status, data = await market.anonymous().get(feed)
    assert status == 200
    assert [(s, st) for s, _, st, _ in vevents(data)] == [
        ("Mock interview with Ada Lovelace", "CONFIRMED")]

    status, body = await me.post(f"/api/bookings/{booking_id}/cancel", {"reason": "ill"})
    assert status == 200, body
    status, data = await market.anonymous().get(feed)
    assert [st for _, _, st, _ in vevents(data)] == ["CANCELLED"]

    status, body = await me.post("/api/me/calendar/rotate")
    assert status == 200 and body["url"] != market.url + feed
    status, body = await market.anonymous().get(feed)
    assert (status, body["error"]["code"]) == (404, "not_found")
