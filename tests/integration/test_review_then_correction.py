"""An expert's score survives a later transcript correction, on a real server: the expert
overrides a mark of an answer, the candidate then corrects its transcript and the AI
evaluates it again; the answer shows the new AI score as the AI's, the statistics keep the
expert's score, and a second review made against the new evaluation is what then counts."""

import pytest

from mockmate.config import Settings
from tests.conftest import CandidateFactory
from tests.integration.test_bookings import book_and_pay
from tests.integration.test_corrections import start
from tests.integration.test_expert_review import as_api, interview_answers
from tests.integration.test_progress import STRONG
from tests.support.marketplace import FAST, HOUR, Api, Market, first_slot
from tests.support.server import settings_from
from tests.support.waiting import eventually

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def settings(deployment_env: dict[str, str]) -> Settings:
    return settings_from(deployment_env, **FAST)


async def average(api: Api) -> float:
    status, body = await api.get("/api/me/statistics")
    assert status == 200, body
    assert body["statistics"]["questions_answered"] == 1
    return float(body["statistics"]["average_score"])


async def test_the_experts_score_survives_a_correction(
    market: Market, candidates: CandidateFactory,
) -> None:
    client = await candidates.new()
    me = as_api(market, client)
    sid = await start(client, questions=[{"text": "Tell me about a time you made something "
                                                  "faster."}])
    ack = await client.call("answer:submit", {"session_id": sid, "index": 0,
                                              "text": "I fixed it."})
    assert ack["ok"], ack
    first = await client.expect("answer:evaluation", session_id=sid, index=0)
    await client.expect("interview:complete", session_id=sid)

    async def counted() -> bool:
        _, body = await me.get("/api/me/statistics")
        return bool(body["statistics"]["questions_answered"] == 1)
    await eventually(counted)

    expert, expert_id = await market.expert()
    booking = (await book_and_pay(me, expert_id, await first_slot(me, expert_id, 30 * HOUR)))
    status, _ = await me.put(f"/api/bookings/{booking['id']}/interviews",
                             {"interview_ids": [sid]})
    assert status == 200
    put = f"/api/bookings/{booking['id']}/review/interviews/{sid}/answers/0"
    status, body = await expert.put(put, {"criteria": {"examples": {"score": 9.0}}})
    assert status == 200, body
    expert_score = body["expert_review"]["score"]
    assert expert_score != first["score"]

    async def on(score: float) -> bool:
        return abs(await average(me) - score) < 0.051
    await eventually(lambda: on(expert_score))

    # The candidate corrects the transcript; the AI scores it again, higher.
    ack = await client.call("answer:correct", {"session_id": sid, "index": 0, "text": STRONG})
    assert ack["ok"], ack
    second = await client.expect("answer:evaluation", session_id=sid, index=0, revision=2)
    assert second["score"] > first["score"]
    # Sent after the hooks ran: the statistics have seen it and kept the expert's score.
    assert await on(expert_score)
    [shown] = await interview_answers(me, sid)
    assert shown["evaluation"]["score"] == second["score"]  # the AI's, as the AI's
    assert (shown["expert_review"]["score"], shown["expert_review"]["ai_score"]) == \
        (expert_score, first["score"])

    # The expert looks again and reviews the corrected answer: that score counts.
    status, body = await expert.put(put, {"criteria": {"examples": {"score": 2.0}},
                                          "comment": "After the correction."})
    assert status == 200, body
    again = body["expert_review"]
    assert again["version"] == 2 and again["score"] != expert_score
    await eventually(lambda: on(again["score"]))
