"""A candidate's data as a whole: the export holds everything we store about them, and
deleting the account leaves nothing of it in MongoDB, GridFS or Redis."""

import json
from typing import Any

import aiohttp
from redis.asyncio import Redis

from mockmate.config import Settings
from mockmate.storage.audio import AudioStore
from mockmate.storage.database import connect
from tests.conftest import CandidateFactory
from tests.integration.test_bad_input import refusal
from tests.integration.test_progress import complete_interview, rest
from tests.support.audio import encode, speech_16k
from tests.support.client import Candidate


async def spoken_interview(client: Candidate) -> str:
    sid = (await client.call("interview:start", {
        "role": "Engineer", "interview_type": "behavioral", "difficulty": "mid",
        "question_count": 1, "adaptive": False,
    }))["session_id"]
    await client.expect("interview:question", session_id=sid, index=0)
    recording = encode(speech_16k("The server sends a message to the customer."), "wav")
    ack = await client.call("answer:submit", {"session_id": sid, "index": 0, "audio": recording})
    assert ack["ok"], ack
    await client.expect("interview:complete", session_id=sid)
    return sid


async def stored_mentions(settings: Settings, needle: str) -> dict[str, int]:
    """How many documents in each collection, and Redis keys, mention `needle`."""
    mongo = connect(settings.mongodb_url)
    redis = Redis.from_url(settings.redis_url)
    found: dict[str, int] = {}
    try:
        db = mongo[settings.mongodb_db]
        for name in await db.list_collection_names():
            if name.endswith(("_files", "_chunks")):
                # The stand-in lists a GridFS bucket's collections as `<bucket>_files` and
                # `<bucket>_chunks`; its files are read through `<bucket>.files`.
                if name.endswith("_files"):
                    bucket = name.removesuffix("_files")
                    docs = [d async for d in db[f"{bucket}.files"].find({}, {"metadata": 1})]
                    name = f"{bucket}.files"
                else:
                    continue
            else:
                docs = [d async for d in db[name].find({})]
            hits = sum(needle in json.dumps(d, default=str) for d in docs)
            if hits:
                found[name] = hits
        async for key in redis.scan_iter(f"{settings.redis_prefix}:*"):
            name = key.decode()
            kind = (await redis.type(key)).decode()
            members: list[Any] = []
            if kind == "zset":
                members = await redis.zrange(key, 0, -1)
            elif kind == "set":
                members = list(await redis.smembers(key))
            if needle in name or any(needle in m.decode() for m in members):
                found[f"redis:{name}"] = 1
    finally:
        await mongo.close()
        await redis.aclose()
    return found


async def test_export_then_delete_leaves_nothing_of_the_user(
    candidates: CandidateFactory, settings: Settings
) -> None:
    client = await candidates.new("leaver@example.com")
    bystander = await candidates.new("stayer@example.com")
    await complete_interview(client, answers=1)
    # Recordings are kept only with consent (issue 15): this one must be, to be erased.
    await rest(client, "PATCH", "/api/me/profile", {"consent": {"recordings": True}})
    sid = await spoken_interview(client)
    await complete_interview(bystander, answers=1)
    await rest(client, "PATCH", "/api/me/profile", {"bio": "Backend engineer."})
    _, me = await rest(client, "GET", "/api/me/profile")

    status, export = await rest(client, "GET", "/api/me/export")
    assert status == 200
    user_id = export["account"]["_id"]
    assert export["account"]["email"] == "leaver@example.com"
    assert "password_hash" not in export["account"]
    assert export["profile"]["bio"] == "Backend engineer."
    assert len(export["interviews"]) == 2
    spoken = next(i for i in export["interviews"] if i["_id"] == sid)
    answer = spoken["answers"][0]
    assert answer["kind"] == "audio" and answer["audio_file_id"]
    assert "customer" in answer["transcript"]["text"] and answer["evaluation"]["score"] >= 1
    assert export["statistics"]["completed_interviews"] == 2
    assert export["gamification"]["xp"] > 0
    assert {a["cause_key"] for a in export["gamification"]["xp_awards"]} >= {
        "badge:first-interview"}
    assert [b["slug"] for b in export["gamification"]["badges"]] == ["first-interview"]
    assert export["marketplace"] is not None
    before = await stored_mentions(settings, user_id)
    assert {"users", "profiles", "interviews", "answers", "progress", "xp_awards", "badges",
            "answer_audio.files"} <= set(before), before

    status, deleted = await rest(client, "DELETE", "/api/me")
    assert status == 200 and deleted == {"deleted": True, "id": user_id}
    await client.expect("account:deleted", user_id=user_id)
    assert await stored_mentions(settings, user_id) == {}
    mongo = connect(settings.mongodb_url)
    try:
        recordings = AudioStore(mongo[settings.mongodb_db])
        assert await recordings.load(answer["audio_file_id"]) is None
    finally:
        await mongo.close()
    # The bystander keeps everything.
    assert (await rest(bystander, "GET", "/api/me/statistics"))[1]["statistics"][
        "completed_interviews"] == 1

    # The token stops working: REST, a new socket, and the socket still open.
    status, body = await rest(client, "GET", "/api/me/profile")
    assert status == 401 and body["error"]["code"] == "unauthorized"
    assert await refusal(client.url, {"token": client.token}) == {"message": "unauthorized"}
    ack = await client.call("interview:start", {
        "role": "Engineer", "interview_type": "behavioral", "difficulty": "mid",
        "question_count": 1})
    assert ack == {"ok": False, "error": {"code": "unauthorized",
                                          "message": "this account no longer exists"}}
    assert me["profile"]["display_name"] == "leaver"
    async with aiohttp.ClientSession() as http, http.post(
        f"{client.url}/api/auth/login",
        json={"email": "leaver@example.com", "password": "correct horse battery"},
    ) as response:
        assert response.status == 401
