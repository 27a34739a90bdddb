"""The rest of a candidate's account on real services: goals edited, paused and deleted;
other users' goals are `not_found`."""

import asyncio
import io
from datetime import date, timedelta

import aiohttp
from PIL import Image

from mockmate.config import Settings
from mockmate.storage.database import connect
from tests.conftest import CandidateFactory
from tests.integration.test_progress import STRONG
from tests.support.marketplace import Api


async def server_today(api: Api) -> date:
    """The candidate's day as the server counts it (today's challenges carry it)."""
    _, gamification = await api.get("/api/me/gamification")
    return date.fromisoformat(gamification["challenges"][0]["day"])


async def test_goals_are_edited_paused_resumed_and_deleted(candidates: CandidateFactory) -> None:
    client = await candidates.new()
    async with aiohttp.ClientSession() as http:
        api = Api(client.url, client.token, http)
        today = await server_today(api)
        status, created = await api.post("/api/me/goals", {
            "kind": "category_mastery", "target": 5, "category": "technical",
            "deadline": (today + timedelta(days=20)).isoformat()})
        assert status == 201
        goal_id = created["goal"]["id"]
        status, body = await api.patch(f"/api/me/goals/{goal_id}", {
            "target": 3, "deadline": (today + timedelta(days=10)).isoformat()})
        assert status == 200, body
        assert body["goal"]["target"] == 3 and body["goal"]["title"].startswith("Score 8")
        assert body["goal"]["deadline"] == (today + timedelta(days=10)).isoformat()
        status, body = await api.patch(f"/api/me/goals/{goal_id}", {"paused": True})
        assert status == 200 and body["goal"]["status"] == "paused" and body["goal"]["paused"]
        _, listed = await api.get("/api/me/goals")
        assert listed["goals"][0]["status"] == "paused"
        status, body = await api.patch(f"/api/me/goals/{goal_id}", {"paused": False})
        assert body["goal"]["status"] == "active"

        for bad in [{"target": 500}, {"deadline": "2001-01-01"}, {"colour": "red"},
                    {"target": "lots"}]:
            status, body = await api.patch(f"/api/me/goals/{goal_id}", bad)
            assert status == 400 and body["error"]["code"] == "invalid_payload", bad
        stranger = Api(client.url, (await candidates.new()).token, http)
        status, body = await stranger.patch(f"/api/me/goals/{goal_id}", {"paused": True})
        assert status == 404 and body["error"]["code"] == "not_found"
        status, body = await stranger.request("DELETE", f"/api/me/goals/{goal_id}")
        assert status == 404

        status, body = await api.request("DELETE", f"/api/me/goals/{goal_id}")
        assert status == 200 and body == {"ok": True}
        _, listed = await api.get("/api/me/goals")
        assert listed["goals"] == []
        status, body = await api.request("DELETE", f"/api/me/goals/{goal_id}")
        assert status == 404 and body["error"]["code"] == "not_found"


async def test_the_interview_list_filters_by_dates_and_searches_role_and_questions(
    candidates: CandidateFactory,
) -> None:
    client = await candidates.new()
    first = await client.call("interview:start", {
        "role": "Backend Engineer", "interview_type": "technical", "difficulty": "mid",
        "question_count": 1, "speak": False,
        "questions": [{"text": "How would you shard a PostgreSQL table of invoices?"}]})
    assert (await client.call("interview:end", {"session_id": first["session_id"]}))["ok"]
    second = await client.call("interview:start", {
        "role": "Product Designer", "interview_type": "behavioral", "difficulty": "mid",
        "question_count": 1, "speak": False})
    assert second.get("session_id"), second
    async with aiohttp.ClientSession() as http:
        api = Api(client.url, client.token, http)
        today = await server_today(api)

        async def listed(**query: str) -> list[str]:
            status, body = await api.get("/api/interviews", **query)
            assert status == 200, body
            assert body["total"] == len(body["interviews"])
            return [i["role"] for i in body["interviews"]]

        assert sorted(await listed()) == ["Backend Engineer", "Product Designer"]
        assert await listed(q="backend") == ["Backend Engineer"]
        assert await listed(q="designer") == ["Product Designer"]
        assert await listed(q="SHARD a postgresql") == ["Backend Engineer"]  # question text
        assert await listed(q="invoices", status="in_progress") == []
        assert await listed(q="kubernetes") == []
        assert await listed(q=".*") == []  # the search is literal text, not a pattern
        day = today.isoformat()
        assert len(await listed(**{"from": day, "to": day})) == 2
        assert await listed(**{"from": (today + timedelta(days=1)).isoformat()}) == []
        assert await listed(to=(today - timedelta(days=1)).isoformat()) == []
        status, body = await api.get(f"/api/interviews/{first['session_id']}")
        assert status == 200

        for bad in [{"from": "yesterday"}, {"to": "2026-13-01"},
                    {"from": day, "to": (today - timedelta(days=1)).isoformat()},
                    {"q": "x" * 201}]:
            status, body = await api.get("/api/interviews", **bad)
            assert status == 400 and body["error"]["code"] == "invalid_payload", bad


async def test_onboarding_pays_once_under_concurrency_and_login_is_recorded(
    candidates: CandidateFactory,
) -> None:
    client = await candidates.new("onboard@example.com")
    async with aiohttp.ClientSession() as http:
        api = Api(client.url, client.token, http)
        _, profile = await api.get("/api/me/profile")
        assert profile["profile"]["onboarding_completed"] is False
        results = await asyncio.gather(*(api.post("/api/me/onboarding/complete")
                                         for _ in range(8)))
        assert all(status == 200 and body["onboarding_completed"] for status, body in results)
        paid = [body for _, body in results if body["xp_gained"]]
        assert len(paid) == 1 and paid[0]["xp_gained"] == 50
        assert len({body["onboarding_completed_at"] for _, body in results}) == 1
        update = await client.expect("gamification:update")
        assert update["xp_gained"] == 50 and update["total_xp"] == 50
        _, gamification = await api.get("/api/me/gamification")
        assert gamification["xp"] == 50
        _, profile = await api.get("/api/me/profile")
        assert profile["profile"]["onboarding_completed"] is True
        _, exported = await api.get("/api/me/export")
        awards = exported["gamification"]["xp_awards"]
        assert [a["xp"] for a in awards if a["cause_key"] == "onboarding"] == [50]

        _, me = await api.get("/api/auth/me")
        assert me["user"]["last_login_at"] is None  # registered, never signed in since
        status, signed_in = await api.post("/api/auth/login", {
            "email": "onboard@example.com", "password": "correct horse battery"})
        assert status == 200
        _, me = await Api(client.url, signed_in["token"], http).get("/api/auth/me")
        first = me["user"]["last_login_at"]
        assert first is not None
        await api.post("/api/auth/login", {"email": "onboard@example.com",
                                            "password": "correct horse battery"})
        _, me = await Api(client.url, signed_in["token"], http).get("/api/auth/me")
        assert me["user"]["last_login_at"] >= first
        await api.post("/api/auth/login", {"email": "onboard@example.com", "password": "wrong!!!"})
        _, again = await Api(client.url, signed_in["token"], http).get("/api/auth/me")
        assert again["user"]["last_login_at"] == me["user"]["last_login_at"]


def photo_form(content: bytes, filename: str = "me.png") -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("file", content, filename=filename, content_type="application/octet-stream")
    return form


async def test_a_profile_photo_is_checked_by_content_resized_and_removed(
    candidates: CandidateFactory,
) -> None:
    client = await candidates.new()
    picture = io.BytesIO()
    Image.new("RGB", (800, 600), "navy").save(picture, "PNG")
    async with aiohttp.ClientSession() as http:
        api = Api(client.url, client.token, http)
        status, body = await api.request("GET", "/api/me/photo")
        assert status == 404 and body["error"]["code"] == "not_found"
        status, body = await api.request("PUT", "/api/me/photo",
                                         data=photo_form(picture.getvalue()))
        assert status == 200, body
        assert body["photo"]["width"] == body["photo"]["height"] == 256
        status, jpeg = await api.request("GET", "/api/me/photo")
        assert status == 200
        with Image.open(io.BytesIO(jpeg)) as stored:
            assert (stored.format, stored.size) == ("JPEG", (256, 256))
        stranger = Api(client.url, (await candidates.new()).token, http)
        status, _ = await stranger.request("GET", "/api/me/photo")
        assert status == 404  # their own, which they have not set

        status, body = await api.request("PUT", "/api/me/photo",
                                         data=photo_form(b"<script>alert(1)</script>"))
        assert status == 415 and body["error"]["code"] == "unsupported_document"
        status, body = await api.request("PUT", "/api/me/photo",
                                         data=photo_form(b"\x89PNG" + b"0" * 6_000_000))
        assert status == 413 and body["error"]["code"] == "too_large"
        status, body = await api.request("PUT", "/api/me/photo", json={"file": "x"})
        assert status == 400 and body["error"]["code"] == "invalid_payload"
        _, exported = await api.get("/api/me/export")
        assert exported["profile_photo"]["photo"]["width"] == 256

        status, body = await api.request("DELETE", "/api/me/photo")
        assert status == 200
        status, _ = await api.request("GET", "/api/me/photo")
        assert status == 404


async def test_deleting_the_account_erases_every_candidate_feature(
    candidates: CandidateFactory, settings: Settings,
) -> None:
    client = await candidates.new()
    picture = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(picture, "PNG")
    async with aiohttp.ClientSession() as http:
        api = Api(client.url, client.token, http)
        _, me = await api.get("/api/auth/me")
        user_id = me["user"]["id"]
        status, started = await api.post("/api/practice", {"skill": "sql", "count": 1,
                                                           "speak": False})
        assert status == 201
        sid = started["session_id"]
        await client.expect("interview:question", session_id=sid, index=0)
        await client.call("answer:submit", {"session_id": sid, "index": 0, "text": STRONG})
        await client.expect("interview:complete", session_id=sid)
        assert (await api.post("/api/bookmarks", {"interview_id": sid, "index": 0}))[0] == 201
        assert (await api.request("PUT", "/api/me/photo",
                                  data=photo_form(picture.getvalue())))[0] == 200
        assert (await api.post("/api/auth/2fa/setup"))[0] == 200
        mongo = connect(settings.mongodb_url)
        try:
            db = mongo[settings.mongodb_db]
            assert await db.skill_records.count_documents({"_id": user_id}) == 1
            status, _ = await api.request("DELETE", "/api/me")
            assert status == 200
            for name in ("skill_records", "profile_photos", "two_factor"):
                assert await db[name].count_documents({"_id": user_id}) == 0, name
            for name in ("bookmarks", "question_attempts"):
                assert await db[name].count_documents({"user_id": user_id}) == 0, name
        finally:
            await mongo.close()
