"""Speech outside interviews through the real server: an uploaded recording comes back as
a transcript with word times and delivery; text comes back spoken; both need a token and
are rate-limited per user across processes (Redis)."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.support.audio import encode, speech_16k
from tests.support.client import register
from tests.support.server import running_app, settings_from

pytestmark = pytest.mark.timeout(240)
SENTENCE = "We moved the reports to a read replica."


@pytest.fixture
async def server(deployment_env: dict[str, str]) -> AsyncIterator[str]:
    settings = settings_from(deployment_env, MOCKMATE_SPEECH_API_PER_MINUTE="2")
    async with running_app(settings) as url:
        yield url


async def post(url: str, token: str | None, path: str, **kwargs: Any
               ) -> tuple[int, str, bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession(headers=headers) as http, http.post(
        f"{url}{path}", **kwargs
    ) as response:
        return response.status, response.content_type, await response.read()


async def test_a_recording_is_transcribed_and_text_is_spoken_within_a_limit(server: str) -> None:
    import json
    import uuid

    token = await register(server, f"{uuid.uuid4().hex[:8]}@ex.com")
    pcm = await asyncio.to_thread(speech_16k, SENTENCE)
    wav = encode(pcm, "wav")
    status, _, _ = await post(server, None, "/api/speech/transcribe", data=wav)
    assert status == 401

    status, kind, body = await post(server, token, "/api/speech/transcribe", data=wav,
                                    headers={"Content-Type": "audio/wav"})
    assert status == 200 and kind == "application/json", body
    result = json.loads(body)
    assert "replica" in result["text"].lower()
    starts = [w["start_s"] for w in result["words"]]
    assert len(starts) >= 6 and starts == sorted(starts)
    assert result["delivery"]["words_per_minute"] > 0 and result["duration_s"] > 1

    form = aiohttp.FormData()
    form.add_field("file", encode(pcm, "ogg"), filename="a.ogg", content_type="audio/ogg")
    status, _, body = await post(server, token, "/api/speech/transcribe", data=form)
    assert status == 200 and "replica" in json.loads(body)["text"].lower()

    # Two calls a minute, each user: a third in a row waits (speech is quick; the limit is
    # one call per 30 s after the first two).
    other = await register(server, f"{uuid.uuid4().hex[:8]}@ex.com")
    status, _, body = await post(server, other, "/api/speech/synthesize", json={"text": "  "})
    assert status == 400 and b"invalid_payload" in body  # refused, not counted
    for text in ("Tell me about a read replica.", "Once more."):
        status, kind, spoken = await post(server, other, "/api/speech/synthesize",
                                          json={"text": text})
        assert status == 200 and kind == "audio/wav" and spoken[:4] == b"RIFF"
        assert len(spoken) > 16000  # most of a second of speech or more
    status, _, body = await post(server, other, "/api/speech/synthesize",
                                 json={"text": "And again."})
    assert status == 429
    error = json.loads(body)["error"]
    assert error["code"] == "rate_limited" and error["retry_after_s"] > 0
