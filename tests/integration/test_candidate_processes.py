"""Candidate features across processes: two real `mockmate serve` processes share Redis and
MongoDB. A practice session started over REST on one is answered over Socket.IO on the
other; its answers land in skills, practice history and bookmarks seen from both; onboarding
called on both at once pays its XP once."""

import asyncio
from collections.abc import Callable

import aiohttp

from tests.integration.test_progress import STRONG
from tests.integration.test_skills import WEAK
from tests.support.client import Candidate, register
from tests.support.marketplace import Api
from tests.support.server import ServerProcess


async def test_practice_skills_bookmarks_and_onboarding_on_two_processes(
    spawn: Callable[..., ServerProcess],
) -> None:
    a, b = await asyncio.gather(spawn("a").ready(), spawn("b").ready())
    token = await register(a.url, "two@example.com")
    client = await Candidate(b.url, token).connect()
    try:
        async with aiohttp.ClientSession() as http:
            on_a, on_b = Api(a.url, token, http), Api(b.url, token, http)
            status, started = await on_a.post("/api/practice", {
                "category": "behavioral", "count": 2, "speak": False})
            assert status == 201, started
            sid = started["session_id"]
            for index, text in enumerate([WEAK, STRONG]):
                await client.expect("interview:question", session_id=sid, index=index)
                ack = await client.call("answer:submit", {"session_id": sid, "index": index,
                                                          "text": text})
                assert ack["ok"], ack
            await client.expect("interview:complete", session_id=sid)

            _, skills = await on_a.get("/api/me/skills")
            assert skills["skills"]["answers"] == 2
            _, history = await on_b.get("/api/practice")
            assert history["statistics"]["answers"] == 2
            assert history["sessions"][0]["id"] == sid
            status, marked = await on_b.post("/api/bookmarks", {"interview_id": sid, "index": 1})
            assert status == 201
            _, listed = await on_a.get("/api/bookmarks")
            assert [m["id"] for m in listed["bookmarks"]] == [marked["bookmark"]["id"]]

            results = await asyncio.gather(*(api.post("/api/me/onboarding/complete")
                                             for api in (on_a, on_b) * 3))
            assert sum(body["xp_gained"] for _, body in results) == 50
            _, gamification = await on_b.get("/api/me/gamification")
            assert gamification["xp"] == 50  # practice earns no XP; onboarding once
    finally:
        await client.close()
