"""An expert's booking rules on a real server and nx-27017: a buffer between sessions,
caps per day and per week, notice and horizon, vacations and pausing, each holding when
many candidates book at once, and a late payment that finds its day's seat taken."""

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mockmate.config import Settings
from tests.support.marketplace import (
    ALL_WEEK,
    FAST,
    HOUR,
    Api,
    Market,
    at,
    booking_body,
    monday,
)
from tests.support.server import settings_from


@pytest.fixture
def settings(deployment_env: dict[str, str]) -> Settings:
    return settings_from(deployment_env, **FAST)


async def expert_with(market: Market, **rules: Any) -> str:
    _, expert_id = await market.expert(availability={"weekly": ALL_WEEK, **rules})
    return expert_id


async def slots(api: Api, expert_id: str, first: datetime, days: int = 1) -> list[str]:
    status, body = await api.get(
        f"/api/experts/{expert_id}/slots", tz="UTC", **{
            "from": first.date().isoformat(),
            "to": (first + timedelta(days=days - 1)).date().isoformat()})
    assert status == 200, body
    return [s["start"] for s in body["slots"]]


async def book_all(market: Market, expert_id: str, starts: list[str]) -> list[int]:
    """Each start booked at once by its own candidate; the HTTP statuses, in order."""
    users = [await market.user() for _ in starts]
    answers = await asyncio.gather(*(
        u.post("/api/bookings", booking_body(expert_id, s)) for u, s in zip(users, starts,
                                                                            strict=True)))
    for status, body in answers:
        assert status in (201, 409), body
    return [status for status, _ in answers]


async def test_a_buffer_keeps_sessions_apart_under_concurrency(market: Market) -> None:
    expert_id = await expert_with(market, buffer_min=30)
    day = monday()
    # 10:00 and 11:00 are both free by the calendar; only one can have its buffer.
    starts = [at(day, 10), at(day, 11)] * 3
    statuses = await book_all(market, expert_id, starts)
    assert statuses.count(201) == 1
    won = datetime.fromisoformat(starts[statuses.index(201)])
    free = [datetime.fromisoformat(s) for s in await slots(await market.user(), expert_id, day)]
    buffer = timedelta(minutes=30)
    assert all(s + HOUR + buffer <= won or s >= won + HOUR + buffer for s in free)
    assert won + HOUR + buffer in free and won - HOUR - buffer in free


async def test_daily_and_weekly_caps_hold_under_concurrency(market: Market) -> None:
    expert_id = await expert_with(market, max_per_day=2, max_per_week=3)
    day = monday()
    starts = [at(day, 9), at(day, 11), at(day, 13), at(day, 15),
              at(day, 24 + 9), at(day, 48 + 9), at(day, 72 + 9), at(day, 96 + 9)]
    statuses = await book_all(market, expert_id, starts)
    booked = [s for s, status in zip(starts, statuses, strict=True) if status == 201]
    assert len(booked) == 3
    assert sum(s.startswith(day.date().isoformat()) for s in booked) <= 2
    viewer = await market.user()
    assert await slots(viewer, expert_id, day, days=7) == []  # the week is full
    assert await slots(viewer, expert_id, day + timedelta(days=7))  # the next is not


async def test_a_full_day_shows_no_slots_and_refuses_more(market: Market) -> None:
    expert_id = await expert_with(market, max_per_day=1)
    day = monday()
    assert await book_all(market, expert_id, [at(day, 10)]) == [201]
    viewer = await market.user()
    assert await slots(viewer, expert_id, day) == []
    assert await slots(viewer, expert_id, day + timedelta(days=1))
    status, body = await viewer.post("/api/bookings", booking_body(expert_id, at(day, 14)))
    assert (status, body["error"]["code"]) == (409, "conflict")
    assert "at most 1 sessions a day" in body["error"]["message"]


async def test_notice_and_horizon_bound_what_is_offered(market: Market) -> None:
    expert_id = await expert_with(market, min_notice_hours=48, horizon_days=5)
    viewer = await market.user()
    now = datetime.now(UTC)
    offered = [datetime.fromisoformat(s) for s in
               await slots(viewer, expert_id, now, days=8)]
    assert offered
    assert min(offered) >= now + 48 * HOUR
    assert max(offered) <= now + timedelta(days=5)
    too_soon = (now + 30 * HOUR).replace(minute=0, second=0, microsecond=0)
    too_far = (now + timedelta(days=6)).replace(minute=0, second=0, microsecond=0)
    for start in (too_soon, too_far):
        status, body = await viewer.post("/api/bookings",
                                         booking_body(expert_id, start.isoformat()))
        assert (status, body["error"]["code"]) == (400, "invalid_payload"), start


async def test_vacations_and_pausing(market: Market) -> None:
    day = monday()
    first, last = day + timedelta(days=1), day + timedelta(days=2)
    expert, expert_id = await market.expert(availability={"weekly": ALL_WEEK, "vacations": [
        {"start": first.date().isoformat(), "end": last.date().isoformat()}]})
    viewer = await market.user()
    offered = {s[:10] for s in await slots(viewer, expert_id, day, days=4)}
    assert offered == {day.date().isoformat(), (day + timedelta(days=3)).date().isoformat()}

    status, body = await expert.patch("/api/experts/me", {"availability": {
        "weekly": ALL_WEEK, "paused": True}})
    assert status == 200, body
    assert await slots(viewer, expert_id, day) == []
    status, body = await viewer.post("/api/bookings", booking_body(expert_id, at(day, 10)))
    assert (status, body["error"]["code"]) == (409, "invalid_state")
    status, body = await viewer.get("/api/experts")
    assert expert_id not in [e["expert"]["id"] for e in body["experts"]]

    status, body = await expert.patch("/api/experts/me", {"availability": {
        "weekly": ALL_WEEK, "paused": False}})
    assert status == 200, body
    assert await slots(viewer, expert_id, day)
    status, body = await viewer.get("/api/experts")
    assert expert_id in [e["expert"]["id"] for e in body["experts"]]


async def test_a_late_payment_refunded_when_its_days_seat_was_taken(market: Market) -> None:
    expert_id = await expert_with(market, max_per_day=1)
    day = monday()
    slow, quick = await market.user(), await market.user()
    status, body = await slow.post("/api/bookings", booking_body(expert_id, at(day, 10)))
    assert status == 201, body
    lapsed_id = body["booking"]["id"]
    # The hold lapses (kept away from the sweeper by a fresh-looking booking expiry).
    await market.db.booking_slots.update_many({"booking_id": lapsed_id},
                                              {"$set": {"expires_ts": time.time() - 1}})
    await market.db.bookings.update_one({"_id": lapsed_id},
                                        {"$set": {"hold_expires_ts": time.time() + 3600}})
    # Another time of the same day: its cells are free; the day's one seat is taken over.
    status, body = await quick.post("/api/bookings", booking_body(expert_id, at(day, 14)))
    assert status == 201, body
    taker_id = body["booking"]["id"]

    status, body = await slow.post(f"/api/bookings/{lapsed_id}/test-payment", {"succeed": True})
    assert status == 200, body
    late = body["booking"]
    assert late["status"] == "cancelled" and late["refund_cents"] == late["price_cents"]
    status, body = await quick.post(f"/api/bookings/{taker_id}/test-payment", {"succeed": True})
    assert status == 200 and body["booking"]["status"] == "confirmed", body
