"""Progress seen by a candidate: XP, level, badges, streak and statistics move with every
answer and interview (`gamification:update`), and the REST views agree with the events."""

from typing import Any

import aiohttp

from tests.conftest import CandidateFactory
from tests.support.client import Candidate

STRONG = (
    "At my previous company our checkout service was timing out during peak sales. I was "
    "responsible for fixing it before Black Friday. I profiled the database queries, added a "
    "Redis cache in front of the product catalogue and rewrote the slowest query with a proper "
    "index. As a result p95 latency dropped from 2.1 seconds to 300 ms and we handled 3x the "
    "traffic with no outages; I learned to measure before optimising."
)
START = {"role": "Backend Engineer", "interview_type": "mixed", "difficulty": "mid",
         "question_count": 2, "adaptive": False}


async def rest(client: Candidate, method: str, path: str, body: Any = None
               ) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {client.token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(
        method, f"{client.url}{path}", json=body
    ) as response:
        return response.status, await response.json()


async def complete_interview(client: Candidate, answers: int = 2) -> list[dict[str, Any]]:
    """Run an interview; the `gamification:update`s its answers and completion sent."""
    sid = (await client.call("interview:start", {**START, "question_count": answers}))[
        "session_id"]
    for index in range(answers):
        await client.expect("interview:question", session_id=sid, index=index)
        ack = await client.call("answer:submit", {"session_id": sid, "index": index,
                                                  "text": STRONG})
        assert ack["ok"], ack
    await client.expect("interview:complete", session_id=sid)
    updates = [await client.expect("gamification:update") for _ in range(answers + 1)]
    return updates


async def test_a_first_interview_earns_xp_a_level_and_its_badge(
    candidates: CandidateFactory,
) -> None:
    client = await candidates.new()
    updates = await complete_interview(client)
    # The two answers' updates may cross on the wire (their jobs run side by side); XP
    # only grows, so the totals give their order. The interview's comes last.
    final = updates[-1]
    assert final["badges_unlocked"] == [
        {"slug": "first-interview", "title": "First Steps", "rarity": "common"}]
    updates.sort(key=lambda u: u["total_xp"])
    gained = [u["xp_gained"] for u in updates]
    assert all(g > 0 for g in gained)
    assert [u["total_xp"] for u in updates] == [sum(gained[: i + 1]) for i in range(3)]
    assert updates[-1] == final
    assert final["level"] >= 2 and final["level_title"] != "Newcomer"
    assert any(u["level_up"] for u in updates)
    assert all(u["streak_days"] == 1 for u in updates)

    status, view = await rest(client, "GET", "/api/me/gamification")
    assert status == 200
    assert (view["xp"], view["level"], view["level_title"]) == (
        final["total_xp"], final["level"], final["level_title"])
    assert view["streak"]["current"] == 1
    assert "first-interview" in {b["slug"] for b in view["badges"]}
    assert {c["kind"] for c in view["challenges"]} == {
        "quick_practice", "category_focus", "keep_streak"}

    status, body = await rest(client, "GET", "/api/me/statistics")
    figures = body["statistics"]
    assert status == 200
    assert (figures["total_interviews"], figures["completed_interviews"]) == (1, 1)
    assert figures["questions_answered"] == 2 and figures["current_streak"] == 1
    assert figures["average_score"] is not None and figures["percentile"] == 100


async def test_a_completed_challenge_is_claimed_once(candidates: CandidateFactory) -> None:
    client = await candidates.new()
    await complete_interview(client, answers=1)
    _, view = await rest(client, "GET", "/api/me/gamification")
    keep = next(c for c in view["challenges"] if c["kind"] == "keep_streak")
    assert keep["completed"] and not keep["claimed"]
    status, claimed = await rest(client, "POST", f"/api/me/challenges/{keep['id']}/claim")
    assert status == 200 and claimed["challenge"]["claimed"]
    assert claimed["gamification"]["xp_gained"] >= keep["reward_xp"]
    event = await client.expect("gamification:update",
                                total_xp=claimed["gamification"]["total_xp"])
    assert event["xp_gained"] == claimed["gamification"]["xp_gained"]
    status, again = await rest(client, "POST", f"/api/me/challenges/{keep['id']}/claim")
    assert status == 409 and again["error"]["code"] == "conflict"
    _, after = await rest(client, "GET", "/api/me/gamification")
    assert after["xp"] == claimed["gamification"]["total_xp"]
    quick = next(c for c in view["challenges"] if c["kind"] == "quick_practice")
    status, early = await rest(client, "POST", f"/api/me/challenges/{quick['id']}/claim")
    assert status == 409 and early["error"]["code"] == "invalid_state"
    status, missing = await rest(client, "POST", "/api/me/challenges/nope/claim")
    assert status == 404 and missing["error"]["code"] == "not_found"


async def test_goals_are_validated_per_field_and_advance_with_practice(
    candidates: CandidateFactory,
) -> None:
    client = await candidates.new()
    status, refused = await rest(client, "POST", "/api/me/goals", {
        "kind": "category_mastery", "target": 3.5, "deadline": "2001-01-01"})
    assert status == 400 and refused["error"]["code"] == "invalid_payload"
    fields = {f["field"] for f in refused["error"]["fields"]}
    assert fields == {"deadline", "target", "category"}
    _, gamification = await rest(client, "GET", "/api/me/gamification")
    deadline = gamification["challenges"][0]["day"][:4] + "-12-31"
    status, created = await rest(client, "POST", "/api/me/goals", {
        "kind": "practice_frequency", "target": 1, "deadline": deadline})
    assert status == 201 and created["goal"]["status"] == "active"
    await complete_interview(client, answers=1)
    _, listed = await rest(client, "GET", "/api/me/goals")
    assert listed["goals"][0]["status"] == "achieved" and listed["goals"][0]["fraction"] == 1


async def test_the_profile_is_read_and_patched_with_per_field_errors(
    candidates: CandidateFactory,
) -> None:
    client = await candidates.new("pat@example.com")
    status, body = await rest(client, "GET", "/api/me/profile")
    assert status == 200 and body["profile"]["display_name"] == "pat"
    assert body["profile"]["time_zone"] == "UTC" and body["profile"]["visibility"] == "private"
    status, body = await rest(client, "PATCH", "/api/me/profile", {
        "time_zone": "Mars/Base", "industries": ["a", "b", "c", "d"],
        "subscription_tier": "premium"})
    assert status == 400
    problems = {f["field"]: f["message"] for f in body["error"]["fields"]}
    assert set(problems) == {"time_zone", "industries", "subscription_tier"}
    status, body = await rest(client, "PATCH", "/api/me/profile", {
        "time_zone": "Asia/Kolkata", "target_companies": ["Google", "google", "Stripe"],
        "notifications": {"push": True}})
    profile = body["profile"]
    assert status == 200 and profile["time_zone"] == "Asia/Kolkata"
    assert profile["target_companies"] == ["Google", "Stripe"]
    assert profile["notifications"]["push"] is True
    assert profile["notifications"]["email"] is True  # untouched flags keep their value
    _, again = await rest(client, "GET", "/api/me/profile")
    assert again["profile"] == profile


async def test_todays_challenges_follow_the_candidates_time_zone(
    candidates: CandidateFactory,
) -> None:
    # UTC+14 and UTC-11 are 25 hours apart: at any instant their dates differ.
    days = {}
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        client = await candidates.new()
        status, body = await rest(client, "PATCH", "/api/me/profile", {"time_zone": zone})
        assert status == 200, body
        status, body = await rest(client, "GET", "/api/me/gamification")
        assert status == 200 and body["challenges"], body
        days[zone] = {c["day"] for c in body["challenges"]}
    (east,), (west,) = days["Pacific/Kiritimati"], days["Pacific/Pago_Pago"]
    assert east > west
