"""Answer recordings in GridFS (over the MongoDB wire): stored, read back, deleted with their
interview, and expired after the retention period."""


import aiohttp
import pytest
from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from mockmate.config import Settings
from mockmate.storage.audio import BUCKET, AudioStore
from mockmate.storage.database import Document, connect
from tests.support.audio import encode, speech_16k
from tests.support.client import Candidate, register


async def test_recordings_round_trip_and_expire(db: AsyncDatabase[Document]) -> None:
    store = AudioStore(db)
    data = bytes(range(256)) * 4000  # ~1 MB, several GridFS chunks
    first = await store.save(data, interview_id="i1", user_id="u1", answer_id="a1", fmt="wav")
    second = await store.save(b"x" * 10, interview_id="i2", user_id="u1", answer_id="a2",
                              fmt="mp3")
    assert await store.load(first) == data
    assert await store.expire(retention_days=90) == 0  # nothing is that old
    assert await store.delete_for_interview("i1") == 1
    assert await store.load(first) is None
    assert await store.load(second) == b"x" * 10
    assert await store.expire(retention_days=1e-9) == 1  # everything is older than ~0 s
    assert await store.load(second) is None


async def test_deleting_a_recording_twice_is_not_an_error(db: AsyncDatabase[Document]) -> None:
    # A transcription job retried after it deleted the recording settles it again: the
    # second delete must not fail the job (found under load: nx-27017 refused it).
    store = AudioStore(db)
    file_id = await store.save(b"y" * 300_000, interview_id="i3", user_id="u3",
                               answer_id="a3", fmt="wav")
    await store.delete(file_id)
    await store.delete(file_id)
    assert await store.load(file_id) is None
    assert await db[f"{BUCKET}.chunks"].find_one({"files_id": ObjectId(file_id)}) is None


async def test_deleting_an_interview_deletes_its_recordings(
    server_url: str, settings: Settings
) -> None:
    client = await Candidate(server_url, await register(server_url, "rec@example.com")).connect()
    headers = {"Authorization": f"Bearer {client.token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.patch(
        f"{server_url}/api/me/profile", json={"consent": {"recordings": True}}
    ) as r:
        assert r.status == 200  # recordings are kept only with consent (issue 15)
    sid = (await client.call("interview:start", {
        "role": "Engineer", "interview_type": "behavioral", "difficulty": "mid",
        "question_count": 1,
    }))["session_id"]
    await client.expect("interview:question", session_id=sid, index=0)
    recording = encode(speech_16k("The server sends a message to the customer."), "wav")
    ack = await client.call("answer:submit", {"session_id": sid, "index": 0, "audio": recording})
    assert ack["ok"], ack
    await client.expect("answer:transcript", answer_id=ack["answer_id"])
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.get(f"{server_url}/api/interviews/{sid}") as r:
            answer = (await r.json())["interview"]["answers"][0]
        assert answer["audio"]["format"] == "wav"
        assert answer["audio"]["bytes"] == len(recording)
        assert answer["audio"]["duration_s"] == pytest.approx(2.0, abs=1.5)
        mongo = connect(settings.mongodb_url)
        db = mongo[settings.mongodb_db]
        stored = await db[f"{BUCKET}.files"].find_one({"metadata.interview_id": sid})
        assert stored is not None
        assert await AudioStore(db).load(str(stored["_id"])) == recording
        async with http.delete(f"{server_url}/api/interviews/{sid}") as r:
            assert r.status == 200
    await client.close()
    try:
        assert await db[f"{BUCKET}.files"].find_one({}) is None
        assert await AudioStore(db).load(str(stored["_id"])) is None
        assert await db.answers.count_documents({}) == 0
    finally:
        await mongo.close()
