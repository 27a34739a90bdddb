"""Experts on a real server: applying, editing the profile, verification documents (magic
numbers, size limits past the app's 1 MB body limit), admin verification, search with
filters, relevance and pages, and free slots shown in two time zones."""

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mockmate.config import Settings
from tests.support.marketplace import PDF, PNG, Market, application, market_on, next_weekday

MAX_DOCUMENT = 10 * 1024 * 1024


@pytest.fixture
async def market(server_url: str, settings: Settings) -> AsyncIterator[Market]:
    async with market_on(server_url, settings) as m:
        yield m


async def test_a_user_applies_once_and_the_pending_profile_stays_private(market: Market) -> None:
    ada, other = await market.user(), await market.user()
    status, body = await ada.post("/api/experts", application())
    assert status == 201, body
    expert = body["expert"]
    assert expert["status"] == "pending" and expert["documents"] == []
    assert expert["pricing"] == {"mock_interview": {"hourly_cents": 12_000}}
    assert expert["performance"]["completed_sessions"] == 0

    status, body = await ada.post("/api/experts", application(first_name="Again"))
    assert (status, body["error"]["code"]) == (409, "conflict")
    status, body = await other.post("/api/experts", application(time_zone="Mars/Olympus"))
    assert (status, body["error"]["code"]) == (400, "invalid_payload")
    status, body = await market.anonymous().post("/api/experts", application())
    assert status == 401

    status, body = await ada.get(f"/api/experts/{expert['id']}")
    assert status == 200 and body["expert"]["user_id"] == ada.user_id
    status, body = await ada.get("/api/experts/me")
    assert status == 200 and body["expert"]["id"] == expert["id"]
    status, body = await other.get(f"/api/experts/{expert['id']}")  # not verified yet
    assert (status, body["error"]["code"]) == (404, "not_found")


async def test_documents_are_checked_by_content_and_size(market: Market) -> None:
    ada, other = await market.user(), await market.user()
    _, body = await ada.post("/api/experts", application())
    expert_id = body["expert"]["id"]

    status, body = await ada.upload(expert_id, "identity", PDF, "passport.pdf")
    assert status == 201, body
    assert body["document"]["type"] == "identity" and body["document"]["status"] == "pending"
    # Bigger than the app's 1 MB body limit and still accepted: the upload is streamed.
    big_png = PNG + b"\x00" * (3 * 1024 * 1024)
    status, body = await ada.upload(expert_id, "employment", big_png, "contract.png")
    assert status == 201, body

    status, body = await ada.upload(expert_id, "education", b"MZ\x90\x00 not a pdf", "x.pdf")
    assert (status, body["error"]["code"]) == (400, "invalid_payload")
    too_big = PDF + b"\x00" * (MAX_DOCUMENT + 1 - len(PDF))
    status, body = await ada.upload(expert_id, "education", too_big, "huge.pdf")
    assert (status, body["error"]["code"]) == (413, "too_large")
    status, body = await ada.upload(expert_id, "passport", PDF)
    assert (status, body["error"]["code"]) == (400, "invalid_payload")
    status, body = await other.upload(expert_id, "education", PDF)
    assert (status, body["error"]["code"]) == (403, "forbidden")

    status, body = await ada.get(f"/api/experts/{expert_id}")
    documents = {d["type"]: d for d in body["expert"]["documents"]}
    assert set(documents) == {"identity", "employment"}
    assert documents["employment"]["content_type"] == "image/png"
    assert documents["employment"]["size_bytes"] == len(big_png)
    status, content = await ada.get(f"/api/experts/{expert_id}/documents/identity")
    assert (status, content) == (200, PDF)

    # Replacing a pending document keeps one document of that type, the new one.
    status, body = await ada.upload(expert_id, "identity", PNG, "id.png")
    assert status == 201
    status, content = await ada.get(f"/api/experts/{expert_id}/documents/identity")
    assert content == PNG
    files = await market.db["expert_documents.files"].find({}).to_list()
    assert len(files) == 2


async def test_admin_verification_activates_the_expert(market: Market) -> None:
    ada, nosy, admin = await market.user(), await market.user(), await market.admin()
    _, body = await ada.post("/api/experts", application())
    expert_id = body["expert"]["id"]
    verify = f"/api/admin/experts/{expert_id}/verify"

    status, body = await admin.post(verify, {"document_type": "identity", "approved": True})
    assert (status, body["error"]["code"]) == (409, "invalid_state")  # nothing uploaded yet
    for doc_type in ("identity", "employment"):
        assert (await ada.upload(expert_id, doc_type, PDF))[0] == 201
    status, body = await nosy.post(verify, {"document_type": "identity", "approved": True})
    assert (status, body["error"]["code"]) == (403, "forbidden")
    status, body = await ada.post(verify, {"document_type": "identity", "approved": True})
    assert status == 403

    status, body = await admin.post(verify, {"document_type": "identity", "approved": True})
    assert status == 200 and body["expert"]["status"] == "pending"
    status, body = await admin.post(verify, {"document_type": "employment", "approved": False,
                                             "notes": "The letter is unsigned."})
    assert status == 200 and body["expert"]["status"] == "pending"
    employment = {d["type"]: d for d in body["expert"]["documents"]}["employment"]
    assert (employment["status"], employment["notes"]) == ("rejected", "The letter is unsigned.")
    status, body = await admin.get("/api/admin/experts", status="pending")
    assert [e["id"] for e in body["experts"]] == [expert_id]

    assert (await ada.upload(expert_id, "employment", PNG))[0] == 201
    status, body = await admin.post(verify, {"document_type": "employment", "approved": True})
    assert status == 200 and body["expert"]["status"] == "active"
    status, body = await ada.upload(expert_id, "identity", PDF)  # approved: not replaceable
    assert (status, body["error"]["code"]) == (409, "conflict")
    status, body = await nosy.get(f"/api/experts/{expert_id}")
    assert status == 200 and body["expert"]["status"] == "active"
    assert "documents" not in body["expert"] and "earnings_cents" not in \
        body["expert"]["performance"]


async def test_search_filters_ranks_for_the_user_and_pages(market: Market) -> None:
    admin = await market.admin()
    _, stripe = await market.expert(
        admin, current_company="Stripe", years_experience=5, industries=["Fintech"],
        languages=["English", "Spanish"],
        pricing={"mock_interview": {"hourly_cents": 8_000}})
    _, google = await market.expert(
        admin, current_company="Google", years_experience=20, industries=["Search"],
        specialties=[{"type": "behavioral", "session_types": ["mock_interview",
                                                               "career_coaching"]}],
        pricing={"mock_interview": {"hourly_cents": 20_000},
                 "career_coaching": {"hourly_cents": 5_000}})
    _, meta = await market.expert(admin, current_company="Meta", years_experience=1,
                                  industries=["Social"])
    _, body = await (await market.user()).post("/api/experts", application())  # pending
    pending = body["expert"]["id"]
    me = await market.user()

    async def ids(**params: object) -> list[str]:
        status, body = await me.get("/api/experts", **params)
        assert status == 200, body
        return [e["expert"]["id"] for e in body["experts"]]

    assert set(await ids()) == {stripe, google, meta} and pending not in await ids()
    assert await ids(specialty="behavioral") == [google]
    assert await ids(industry="fintech") == [stripe]
    assert await ids(session_type="career_coaching") == [google]
    assert await ids(language="spanish") == [stripe]
    # Any offered rate in the range counts, unless a session type says which.
    assert set(await ids(max_price_cents=9_000)) == {stripe, google}
    assert await ids(min_price_cents=15_000) == [google]
    assert set(await ids(session_type="mock_interview", max_price_cents=10_000)) == {stripe}
    assert set(await ids(min_experience=5, max_experience=12)) == {stripe}
    assert await ids(min_rating=1) == []  # nobody has reviews yet
    # Free text over every expert, before the page is cut.
    assert await ids(q="google") == [google]
    assert await ids(q="FINTECH stripe", per_page=1) == [stripe]
    assert await ids(q="nobody-has-this") == []
    status, body = await me.get("/api/experts", min_price_cents=5, max_price_cents=1)
    assert (status, body["error"]["code"]) == (400, "invalid_payload")
    status, body = await me.get("/api/experts", specialty="astrology")
    assert status == 400

    # More experience ranks higher for a user with no targets ...
    assert (await ids())[0] == google
    # ... their target company first for a user who aims at it.
    await market.db.profiles.insert_one(
        {"_id": me.user_id, "profile": {"target_companies": ["Stripe, Inc."]}})
    status, body = await me.get("/api/experts")
    first = body["experts"][0]
    assert first["expert"]["id"] == stripe
    assert "Stripe" in first["reason"] and "target" in first["reason"]
    assert [e["relevance"] for e in body["experts"]] == sorted(
        (e["relevance"] for e in body["experts"]), reverse=True)
    status, body = await me.get("/api/experts", per_page=1, page=2)
    assert (body["page"], body["total"], len(body["experts"])) == (2, 3, 1)
    assert body["experts"][0]["expert"]["id"] == (await ids())[1]


async def test_slots_are_the_same_instants_in_any_time_zone(market: Market) -> None:
    weekly = [{"weekday": 0, "start": "09:00", "end": "12:00"}]
    monday = next_weekday(0)
    if monday - datetime.now().date() < timedelta(days=2):
        monday += timedelta(days=7)  # well past the minimum notice
    _, expert_id = await market.expert(
        time_zone="America/New_York",
        availability={"weekly": weekly, "blackout_dates": []})
    me = await market.user()
    slots = f"/api/experts/{expert_id}/slots"
    day = monday.isoformat()

    status, body = await me.get(slots, **{"from": day, "to": day}, tz="America/New_York")
    assert status == 200, body
    new_york = [datetime.fromisoformat(s["start"]) for s in body["slots"]]
    assert [t.strftime("%H:%M") for t in new_york] == ["09:00", "09:30", "10:00", "10:30",
                                                      "11:00"]
    assert {s["price_cents"] for s in body["slots"]} == {12_000}
    assert {s["currency"] for s in body["slots"]} == {"usd"}

    tomorrow = (monday + timedelta(days=1)).isoformat()
    status, body = await me.get(slots, **{"from": day, "to": tomorrow}, tz="Asia/Tokyo")
    tokyo = [datetime.fromisoformat(s["start"]) for s in body["slots"]]
    assert tokyo == new_york  # the same instants ...
    assert {t.utcoffset() for t in tokyo} == {timedelta(hours=9)}  # ... in Tokyo time
    assert [t.astimezone(ZoneInfo("America/New_York")).hour for t in tokyo] == [
        9, 9, 10, 10, 11]

    # 30-minute sessions, and a held slot disappears with the ones overlapping it.
    status, body = await me.get(slots, **{"from": day, "to": day}, tz="UTC", duration_min=30)
    assert len(body["slots"]) == 6
    status, body = await me.post("/api/bookings", {
        "expert_id": expert_id, "session_type": "mock_interview",
        "start": new_york[1].isoformat(), "duration_min": 60})
    assert status == 201, body
    status, body = await me.get(slots, **{"from": day, "to": day}, tz="America/New_York")
    left = [datetime.fromisoformat(s["start"]).strftime("%H:%M") for s in body["slots"]]
    assert left == ["10:30", "11:00"]  # 10:30 only touches 09:30-10:30

    for params in ({"tz": "Nowhere/City"}, {"from": "2026-13-01"}, {"from": day, "to": "x"},
                   {"from": tomorrow, "to": day}, {"duration_min": 50},
                   {"from": day, "to": (monday + timedelta(days=40)).isoformat()},
                   {"session_type": "resume_review"}):
        status, body = await me.get(slots, **params)
        assert (status, body["error"]["code"]) == (400, "invalid_payload"), params


async def test_blackout_dates_have_no_slots(market: Market) -> None:
    monday = next_weekday(0) + timedelta(days=7)
    _, expert_id = await market.expert(availability={
        "weekly": [{"weekday": 0, "start": "09:00", "end": "12:00"}],
        "blackout_dates": [monday.isoformat()]})
    me = await market.user()
    status, body = await me.get(f"/api/experts/{expert_id}/slots",
                                **{"from": monday.isoformat(), "to": monday.isoformat()})
    assert status == 200 and body["slots"] == []


async def test_an_expert_edits_hours_and_prices_and_earlier_bookings_keep_theirs(
    market: Market,
) -> None:
    monday = next_weekday(0) + timedelta(days=7)
    day = {"from": monday.isoformat(), "to": monday.isoformat()}
    expert, expert_id = await market.expert(availability={
        "weekly": [{"weekday": 0, "start": "09:00", "end": "11:00"}], "blackout_dates": []})
    me = await market.user()
    slots = f"/api/experts/{expert_id}/slots"
    _, body = await me.get(slots, tz="UTC", **day)
    early = body["slots"][0]["start"]
    status, body = await me.post("/api/bookings", {
        "expert_id": expert_id, "session_type": "mock_interview", "start": early,
        "duration_min": 60})
    assert status == 201, body
    booking_id = body["booking"]["id"]

    status, body = await expert.patch("/api/experts/me", {
        "bio": "Now also coaching.",
        "availability": {"weekly": [{"weekday": 0, "start": "14:00", "end": "16:00"}]},
        "specialties": [{"type": "system_design", "session_types": ["mock_interview"]},
                        {"type": "leadership", "session_types": ["career_coaching"]}],
        "pricing": {"mock_interview": {"hourly_cents": 15_000},
                    "career_coaching": {"hourly_cents": 9_000}},
    })
    assert status == 200, body
    edited = body["expert"]
    assert edited["bio"] == "Now also coaching." and edited["status"] == "active"
    assert edited["session_types"] == ["career_coaching", "mock_interview"]
    assert (edited["first_name"], edited["current_company"]) == ("Ada", "Google")

    _, body = await me.get(slots, tz="UTC", session_type="mock_interview", **day)
    assert [(s["start"][11:16], s["price_cents"]) for s in body["slots"]] == [
        ("14:00", 15_000), ("14:30", 15_000), ("15:00", 15_000)]
    _, body = await me.get(slots, tz="UTC", session_type="career_coaching", **day)
    assert {s["price_cents"] for s in body["slots"]} == {9_000}
    _, body = await me.get(f"/api/bookings/{booking_id}")
    assert (body["booking"]["start"], body["booking"]["price_cents"]) == (early, 12_000)
    _, body = await me.get("/api/experts", session_type="career_coaching")
    assert expert_id in [e["expert"]["id"] for e in body["experts"]]


async def test_profile_edits_are_validated_as_a_whole_and_only_by_the_expert(
    market: Market,
) -> None:
    expert, _ = await market.expert()
    unpriced = {"specialties": [{"type": "leadership", "session_types": ["career_coaching"]}]}
    for bad in (unpriced, {}, {"first_name": "Eve"}, {"currency": "eur"}, {"bio": None},
                {"time_zone": "Mars/Olympus"}, {"years_experience": -1}, [1, 2]):
        status, body = await expert.patch("/api/experts/me", bad)
        assert (status, body["error"]["code"]) == (400, "invalid_payload"), bad
    status, body = await expert.patch("/api/experts/me", unpriced)
    assert "career_coaching" in body["error"]["message"]
    status, body = await expert.get("/api/experts/me")
    assert body["expert"]["specialties"][0]["type"] == "system_design"

    status, body = await (await market.user()).patch("/api/experts/me", {"bio": "x"})
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, body = await market.anonymous().patch("/api/experts/me", {"bio": "x"})
    assert status == 401

    # Two edits at once, of different fields: both land.
    results = await asyncio.gather(expert.patch("/api/experts/me", {"bio": "Both."}),
                                   expert.patch("/api/experts/me", {"years_experience": 20}))
    assert [status for status, _ in results] == [200, 200]
    _, body = await expert.get("/api/experts/me")
    assert (body["expert"]["bio"], body["expert"]["years_experience"]) == ("Both.", 20)
