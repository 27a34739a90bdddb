"""Recordings under consent, through the real server: without `consent.recordings` an
answer's audio is deleted once its transcript is stored (and the answer says so); with it
the owner plays or downloads it (WAV or Ogg/Opus, HTTP Range); anyone else gets
`not_found`; withdrawing consent deletes what was kept."""

import asyncio
import io
from typing import Any

import aiohttp
import av
import pytest

from tests.conftest import CandidateFactory
from tests.integration.test_corrections import start
from tests.integration.test_progress import rest
from tests.support.audio import speech_16k
from tests.support.client import Candidate

pytestmark = pytest.mark.timeout(240)
SENTENCE = "We moved the reports to a read replica."


async def fetch(client: Candidate, path: str, **headers: str) -> tuple[int, dict[str, str],
                                                                         bytes]:
    headers["Authorization"] = f"Bearer {client.token}"
    async with aiohttp.ClientSession(headers=headers) as http, http.get(
        f"{client.url}{path}"
    ) as response:
        return response.status, dict(response.headers), await response.read()


async def spoken_answer(client: Candidate, sid: str, index: int) -> dict[str, Any]:
    pcm = await asyncio.to_thread(speech_16k, SENTENCE)
    ack = await client.call("answer:submit", {"session_id": sid, "index": index,
                                              "format": "pcm_16000", "audio": pcm.data})
    assert ack["ok"], ack
    return await client.expect("answer:transcript", session_id=sid, index=index, timeout=120)


def seconds_of(data: bytes) -> float:
    with av.open(io.BytesIO(data)) as container:
        samples = sum(frame.samples for frame in container.decode(audio=0))
        return samples / container.streams.audio[0].rate


async def test_a_recording_is_kept_with_consent_played_with_range_and_deleted_on_withdrawal(
    candidates: CandidateFactory,
) -> None:
    client, stranger = await candidates.new(), await candidates.new()
    status, _ = await rest(client, "PATCH", "/api/me/profile", {"consent": {"recordings": True}})
    assert status == 200
    sid = await start(client)
    transcript = await spoken_answer(client, sid, 0)
    assert transcript["recording"] == "kept"
    path = f"/api/interviews/{sid}/answers/0/audio"

    status, headers, wav = await fetch(client, path)
    assert status == 200 and headers["Content-Type"] == "audio/wav"
    assert headers["Accept-Ranges"] == "bytes" and wav[:4] == b"RIFF"
    assert seconds_of(wav) == pytest.approx(transcript["duration_s"], abs=0.05)
    size = len(wav)

    status, headers, head = await fetch(client, path, Range="bytes=0-99")
    assert (status, head, headers["Content-Range"]) == (206, wav[:100], f"bytes 0-99/{size}")
    status, headers, tail = await fetch(client, path, Range="bytes=-10")
    assert (status, tail, headers["Content-Range"]) == (
        206, wav[-10:], f"bytes {size - 10}-{size - 1}/{size}")
    status, headers, _ = await fetch(client, path, Range=f"bytes={size}-")
    assert status == 416 and headers["Content-Range"] == f"bytes */{size}"

    status, headers, ogg = await fetch(client, f"{path}?format=ogg")
    assert status == 200 and headers["Content-Type"] == "audio/ogg" and ogg[:4] == b"OggS"
    assert len(ogg) < size / 4
    assert seconds_of(ogg) == pytest.approx(transcript["duration_s"], abs=0.1)

    for who, where in ((stranger, path), (client, f"/api/interviews/{sid}/answers/1/audio"),
                       (client, f"/api/interviews/{sid}/answers/x/audio")):
        status, _, body = await fetch(who, where)
        assert status == 404 and b"not_found" in body

    # Withdrawing consent deletes the kept recording; later answers are not kept.
    status, _ = await rest(client, "PATCH", "/api/me/profile",
                           {"consent": {"recordings": False}})
    assert status == 200
    status, _, _ = await fetch(client, path)
    assert status == 404
    await client.expect("interview:question", session_id=sid, index=1)
    later = await spoken_answer(client, sid, 1)
    assert later["recording"] == "deleted"
    status, _, _ = await fetch(client, f"/api/interviews/{sid}/answers/1/audio")
    assert status == 404
    _, body = await rest(client, "GET", f"/api/interviews/{sid}")
    assert [a["audio"]["recording"] for a in body["interview"]["answers"]] == [
        "deleted", "deleted"]


async def test_without_consent_the_recording_is_deleted_once_transcribed(
    candidates: CandidateFactory,
) -> None:
    client = await candidates.new()
    sid = await start(client)
    transcript = await spoken_answer(client, sid, 0)
    assert transcript["recording"] == "deleted" and "replica" in transcript["text"].lower()
    assert transcript["delivery"]["words_per_minute"] > 0  # measured before it went
    status, _, _ = await fetch(client, f"/api/interviews/{sid}/answers/0/audio")
    assert status == 404
