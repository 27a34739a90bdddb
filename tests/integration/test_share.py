"""Share links on real services: a read-only link works without a token, shows no e-mail
and no audio, stops working when revoked, and expires (injected clock)."""

import io
from dataclasses import dataclass

import aiohttp
import pytest
from pypdf import PdfReader

from mockmate.config import Settings
from mockmate.errors import MockMateError
from mockmate.sharing.links import ShareLinks, ShareRequest
from mockmate.storage.database import connect
from tests.conftest import CandidateFactory
from tests.support.marketplace import Api

ANSWER = ("At Acme I rebuilt our payment reconciliation service: the situation was a nightly "
          "job that failed weekly; I split it into idempotent steps, added alerts, and we cut "
          "manual checks by eighty percent within two months.")


async def finished_interview(candidates: CandidateFactory, email: str) -> tuple[Api, str, str]:
    client = await candidates.new(email)
    ack = await client.call("interview:start", {
        "role": "Backend Engineer", "interview_type": "behavioral", "difficulty": "mid",
        "question_count": 1, "speak": False,
    })
    sid = ack["session_id"]
    question = await client.expect("interview:question", session_id=sid, index=0)
    assert (await client.call("answer:submit", {"session_id": sid, "index": 0,
                                                "text": ANSWER}))["ok"]
    await client.expect("interview:complete", session_id=sid)
    return Api(client.url, client.token, aiohttp.ClientSession()), sid, question["question"]["text"]


async def test_a_share_link_works_without_an_account_until_revoked(
    candidates: CandidateFactory,
) -> None:
    owner, sid, question = await finished_interview(candidates, "owner@example.com")
    try:
        status, link = await owner.post(f"/api/interviews/{sid}/share", {"expires_in_hours": 24})
        assert status == 201, link
        assert link["url"].endswith(f"/share/{link['token']}") and link["expires_at"]
        anonymous = Api(owner.url, None, owner.http)
        status, shared = await anonymous.get(f"/api/share/{link['token']}")
        assert status == 200
        interview = shared["interview"]
        assert interview["id"] == sid and interview["questions"][0]["text"] == question
        assert interview["answers"][0]["transcript"]["text"].startswith("At Acme")
        assert interview["answers"][0]["evaluation"] is not None
        assert "owner@example.com" not in str(shared)
        status, page = await anonymous.get(f"/share/{link['token']}")
        assert status == 200 and question.split()[0] in page.decode()

        stranger = await candidates.new("stranger@example.com")
        other = Api(owner.url, stranger.token, owner.http)
        for method, path in [("POST", f"/api/interviews/{sid}/share"),
                             ("DELETE", f"/api/interviews/{sid}/share/{link['token']}")]:
            status, body = await other.request(method, path, json={})
            assert (status, body["error"]["code"]) == (404, "not_found")
        # The report: a real PDF whose text holds the question, the answer and the score.
        status, pdf = await owner.get(f"/api/interviews/{sid}/report.pdf")
        assert status == 200 and pdf.startswith(b"%PDF-")
        text = " ".join((PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or "").split())
        assert " ".join(question.split())[:40] in text
        assert "At Acme I rebuilt" in text
        assert f"Overall score: {interview['overall_score']}" in text
        assert f"Score: {interview['answers'][0]['evaluation']['score']}" in text
        status, body = await other.get(f"/api/interviews/{sid}/report.pdf")
        assert (status, body["error"]["code"]) == (404, "not_found")
        status, body = await owner.post(f"/api/interviews/{sid}/share", {"expires_in_hours": 0})
        assert (status, body["error"]["code"]) == (400, "invalid_payload")

        status, _ = await owner.request("DELETE", f"/api/interviews/{sid}/share/{link['token']}")
        assert status == 200
        status, body = await anonymous.get(f"/api/share/{link['token']}")
        assert (status, body["error"]["code"]) == (404, "not_found")
        assert (await anonymous.get(f"/share/{link['token']}"))[0] == 404
        assert (await anonymous.get("/api/share/made-up-token"))[0] == 404
    finally:
        await owner.http.close()


@dataclass
class Clock:
    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_a_share_link_expires(settings: Settings) -> None:
    mongo = connect(settings.mongodb_url)
    try:
        clock = Clock()
        links = ShareLinks(mongo[settings.mongodb_db], public_url="http://x", clock=clock)
        link = await links.create("u1", "i1", ShareRequest(expires_in_hours=2))
        clock.now += 2 * 3600 - 1
        assert (await links.resolve(link["token"]))["interview_id"] == "i1"
        clock.now += 1
        with pytest.raises(MockMateError) as gone:
            await links.resolve(link["token"])
        assert gone.value.code == "not_found"
    finally:
        await mongo.close()
