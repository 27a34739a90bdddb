"""Rescheduling bookings on a real server and nx-27017: a move honoured and refused by each of
the expert's rules, moves and bookings racing for one slot (exactly one wins), the calendar
following the new time, and a move interrupted at each step finished by the sweeper with no
slot lost or held twice."""

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar

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
from tests.support.waiting import eventually


@pytest.fixture
def settings(deployment_env: dict[str, str]) -> Settings:
    return settings_from(deployment_env, **FAST)


async def booked(market: Market, expert_id: str, start: str, *, pay: bool = True,
                 who: Api | None = None) -> tuple[Api, str]:
    me = who or await market.user()
    status, body = await me.post("/api/bookings", booking_body(expert_id, start))
    assert status == 201, body
    booking_id = body["booking"]["id"]
    if pay:
        status, body = await me.post(f"/api/bookings/{booking_id}/test-payment",
                                     {"succeed": True})
        assert status == 200 and body["booking"]["status"] == "confirmed", body
    return me, booking_id


async def move(api: Api, booking_id: str, start: str) -> tuple[int, Any]:
    return await api.post(f"/api/bookings/{booking_id}/reschedule", {"start": start})


async def refused(api: Api, booking_id: str, start: str) -> tuple[int, str, str]:
    status, body = await move(api, booking_id, start)
    return status, body["error"]["code"], body["error"]["message"]


async def free(api: Api, expert_id: str, day: datetime) -> set[str]:
    status, body = await api.get(f"/api/experts/{expert_id}/slots", tz="UTC", **{
        "from": day.date().isoformat(), "to": day.date().isoformat()})
    assert status == 200, body
    return {s["start"] for s in body["slots"]}


async def cells_of(market: Market, booking_id: str) -> tuple[set[str], set[str]]:
    """The booking's time cells and seat periods as stored."""
    docs = [d async for d in market.db.booking_slots.find({"booking_id": booking_id})]
    return ({d["_id"] for d in docs if "seat" not in d},
            {d["seat"] for d in docs if "seat" in d})


async def test_a_confirmed_booking_moves_and_frees_its_old_time(market: Market) -> None:
    expert, expert_id = await market.expert()
    day = monday()
    me, booking_id = await booked(market, expert_id, at(day, 10))
    viewer = await market.user()
    assert at(day, 10) not in await free(viewer, expert_id, day)

    status, body = await move(me, booking_id, at(day, 10.5))  # overlaps its old time
    assert status == 200, body
    moved = body["booking"]
    assert (moved["status"], moved["start"], moved["end"]) == \
        ("confirmed", at(day, 10.5), at(day, 11.5))
    assert moved["paid"] and moved["price_cents"] == 12_000
    assert (moved["reschedules"], moved["previous_start"]) == (1, at(day, 10))
    offered = await free(viewer, expert_id, day)
    assert at(day, 10.5) not in offered and at(day, 9.5) in offered and at(day, 11.5) in offered
    doc = await market.booking(booking_id)
    assert await cells_of(market, booking_id) == (set(doc["cells"]), set())
    assert doc["cells_state"] == "held" and doc["reschedules"] == 1
    assert {c["state"] async for c in market.db.booking_slots.find(
        {"booking_id": booking_id})} == {"booked"}

    # The expert may move it too; the calendar follows, with a higher SEQUENCE.
    status, body = await move(expert, booking_id, at(day, 14))
    assert status == 200 and body["booking"]["start"] == at(day, 14), body
    status, ics = await me.request("GET", f"/api/bookings/{booking_id}/calendar.ics")
    assert status == 200
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert event.decoded("dtstart") == day + timedelta(hours=14)
    assert int(event["sequence"]) == 1 + 2  # confirmed, moved twice
    assert at(day, 10.5) in await free(viewer, expert_id, day)


async def test_refused_by_each_rule(market: Market) -> None:
    day = monday()
    wednesday = (day + timedelta(days=2)).date().isoformat()
    expert, expert_id = await market.expert(availability={
        "weekly": ALL_WEEK, "buffer_min": 30, "max_per_day": 1, "horizon_days": 20,
        "vacations": [{"start": wednesday, "end": wednesday}]})
    me, booking_id = await booked(market, expert_id, at(day, 10))
    await booked(market, expert_id, at(day, 24 + 14))  # Tuesday 14:00, someone else's

    # Within its own day it keeps its day's seat: only cells and buffers matter.
    assert (await move(me, booking_id, at(day, 12)))[0] == 200
    cases = [
        (at(day, 24 + 9), 409, "conflict", "at most 1 sessions a day"),  # Tuesday is full
        (at(day, 24 + 13), 409, "conflict", "no longer available"),  # its buffer hits 14:00
        (at(day, 24 + 15), 409, "conflict", "no longer available"),  # 14:00's buffer
        (at(day, 48 + 10), 400, "invalid_payload", "does not offer"),  # vacation
        (at(day, 24 * 25), 400, "invalid_payload", "does not offer"),  # past the horizon
        (at(day, 10 + 1 / 6), 400, "invalid_payload", "does not offer"),  # off the grid
        (at(day, 12), 400, "invalid_payload", "already starts"),
    ]
    for start, status, code, words in cases:
        got = await refused(me, booking_id, start)
        assert got[:2] == (status, code) and words in got[2], (start, got)
    assert (await move(me, booking_id, at(day, 72 + 10)))[0] == 200  # Thursday is free
    next_week = day + timedelta(days=7)

    stranger = await market.user()
    assert (await refused(stranger, booking_id, at(day, 9)))[:2] == (404, "not_found")

    # Pausing stops moves; so does a notice the old or the new time does not leave.
    status, body = await expert.patch("/api/experts/me", {"availability": {
        "weekly": ALL_WEEK, "paused": True}})
    assert status == 200, body
    assert (await refused(me, booking_id, at(day, 9)))[:2] == (409, "invalid_state")
    status, body = await expert.patch("/api/experts/me", {"availability": {
        "weekly": ALL_WEEK, "min_notice_hours": 48}})
    assert status == 200, body
    soon = (datetime.now(UTC) + 30 * HOUR).replace(minute=0, second=0, microsecond=0)
    got = await refused(me, booking_id, soon.isoformat())
    assert got[:2] == (400, "invalid_payload"), got  # the new time: too soon
    doc = await market.booking(booking_id)
    await market.db.bookings.update_one({"_id": booking_id}, {"$set": {
        "start_ts": soon.timestamp(), "end_ts": soon.timestamp() + 3600}})
    got = await refused(me, booking_id, at(next_week, 15))
    assert got[:2] == (409, "invalid_state") and "48 hours before it starts" in got[2], got
    await market.db.bookings.update_one({"_id": booking_id}, {"$set": {
        "start_ts": doc["start_ts"], "end_ts": doc["end_ts"]}})

    status, body = await me.post(f"/api/bookings/{booking_id}/cancel", {"reason": "no"})
    assert status == 200, body
    assert (await refused(me, booking_id, at(next_week, 15)))[:2] == (409, "invalid_state")


async def test_a_weekly_cap_counts_the_week_a_booking_moves_into(market: Market) -> None:
    _, expert_id = await market.expert(availability={"weekly": ALL_WEEK, "max_per_week": 1})
    day = monday()
    me, booking_id = await booked(market, expert_id, at(day, 10))
    await booked(market, expert_id, at(day, 24 * 7 + 10))  # next week's one session
    got = await refused(me, booking_id, at(day, 24 * 8 + 10))
    assert got[:2] == (409, "conflict") and "at most 1 sessions a week" in got[2], got
    assert (await move(me, booking_id, at(day, 48 + 10)))[0] == 200  # its own week: fine
    doc = await market.booking(booking_id)
    assert (await cells_of(market, booking_id))[1] == {s["period"] for s in doc["seats"]}


async def test_moves_and_a_booking_racing_for_one_slot(market: Market) -> None:
    _, expert_id = await market.expert()
    day = monday()
    owners = [await booked(market, expert_id, at(day, h), pay=h != 9) for h in (9, 11, 13)]
    target = at(day, 16)
    newcomer = await market.user()
    answers = await asyncio.gather(
        *(move(api, booking_id, target) for api, booking_id in owners),
        newcomer.post("/api/bookings", booking_body(expert_id, target)))
    statuses = [status for status, _ in answers]
    assert sorted(statuses) in ([200, 409, 409, 409], [201, 409, 409, 409]), answers
    for status, body in answers:
        if status == 409:
            assert body["error"]["code"] == "conflict", body
    # The loser kept its time; the slot is held once; no stray cell survives.
    holders = {d["booking_id"] async for d in market.db.booking_slots.find(
        {"start_ts": (day + timedelta(hours=16)).timestamp()})}
    assert len(holders) == 1
    for _, booking_id in owners:
        doc = await market.booking(booking_id)
        assert doc["cells_state"] == "held"
        assert (await cells_of(market, booking_id))[0] == set(doc["cells"])


async def test_a_move_interrupted_before_it_landed_is_undone(market: Market) -> None:
    _, expert_id = await market.expert()
    day = monday()
    me, booking_id = await booked(market, expert_id, at(day, 10))
    doc = await market.booking(booking_id)
    # A process locked the booking, claimed 15:00 and died before moving the booking.
    stray = f"{expert_id}:{(day + timedelta(hours=15)):%Y-%m-%dT%H:%M}Z"
    await market.db.booking_slots.insert_one({
        "_id": stray, "expert_id": expert_id, "booking_id": booking_id, "state": "hold",
        "start_ts": (day + timedelta(hours=15)).timestamp(), "expires_ts": time.time() + 300})
    await market.db.bookings.update_one({"_id": booking_id}, {"$set": {
        "cells_state": "moving", "move": {"token": "dead", "started_ts": time.time() - 60}}})

    async def settled() -> bool:
        return (await market.booking(booking_id))["cells_state"] == "held"
    assert await eventually(settled)
    assert await cells_of(market, booking_id) == (set(doc["cells"]), set())
    assert at(day, 15) in await free(await market.user(), expert_id, day)
    assert (await move(me, booking_id, at(day, 15)))[0] == 200


async def test_a_move_interrupted_after_it_landed_is_finished(market: Market) -> None:
    _, expert_id = await market.expert()
    day = monday()
    me, booking_id = await booked(market, expert_id, at(day, 10))
    # The booking already points at 15:00 (cells claimed, held); the old cells and the
    # lock are still there when the process dies.
    new_start = day + timedelta(hours=15)
    keys = [f"{expert_id}:{(new_start + n * timedelta(minutes=15)):%Y-%m-%dT%H:%M}Z"
            for n in range(4)]
    for n, key in enumerate(keys):
        await market.db.booking_slots.insert_one({
            "_id": key, "expert_id": expert_id, "booking_id": booking_id, "state": "hold",
            "start_ts": new_start.timestamp() + n * 900, "expires_ts": time.time() + 300})
    old = await market.booking(booking_id)
    await market.db.bookings.update_one({"_id": booking_id}, {"$set": {
        "cells_state": "moving", "cells": keys, "start_ts": new_start.timestamp(),
        "end_ts": new_start.timestamp() + 3600, "previous_start_ts": old["start_ts"],
        "reschedules": 1, "move": {"token": "dead", "started_ts": time.time() - 60,
                                   "moved_ts": time.time() - 59}}})

    async def settled() -> bool:
        return (await market.booking(booking_id))["cells_state"] == "held"
    assert await eventually(settled)
    assert await cells_of(market, booking_id) == (set(keys), set())
    assert {c["state"] async for c in market.db.booking_slots.find(
        {"booking_id": booking_id})} == {"booked"}
    offered = await free(await market.user(), expert_id, day)
    assert at(day, 10) in offered and at(day, 15) not in offered
    status, body = await me.get(f"/api/bookings/{booking_id}")
    assert status == 200 and body["booking"]["start"] == new_start.isoformat()
