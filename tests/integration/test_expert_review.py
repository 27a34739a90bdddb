"""The expert sees what the AI saw, on real servers: a candidate attaches a completed
interview to a paid booking; its expert (and nobody else) reads the transcripts, plays the
kept recording, sees the key moments and rubric scores, and overrides a score; the
candidate's interview shows both and their statistics take the expert's score, once, with
no XP paid; an erased expert's words go, their marks stay; across two `mockmate serve`
processes too."""

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from mockmate.config import Settings
from tests.conftest import CandidateFactory
from tests.integration.test_bookings import book_and_pay
from tests.integration.test_corrections import start
from tests.support.audio import speech_16k
from tests.support.client import Candidate
from tests.support.marketplace import FAST, HOUR, Api, Market, first_slot, market_on
from tests.support.server import ServerProcess, settings_from
from tests.support.waiting import eventually

pytestmark = pytest.mark.timeout(240)
TYPED = ("At my last job our nightly report took four hours. I was asked to speed it up. I "
         "profiled it, moved the heavy joins to a read replica and added two indexes. As a "
         "result it ran in twenty minutes.")


@pytest.fixture
def settings(deployment_env: dict[str, str]) -> Settings:
    return settings_from(deployment_env, **FAST)


def as_api(market: Market, client: Candidate) -> Api:
    return Api(client.url, client.token, market.http,
               market.tokens().verify(client.token).user_id)


async def completed_interview(client: Candidate, api: Api) -> str:
    """A finished two-answer interview with recordings kept: a spoken answer with a 2.5 s
    pause, then a typed one; once every answer counts in the statistics."""
    status, body = await api.patch("/api/me/profile", {"consent": {"recordings": True}})
    assert status == 200, body
    sid = await start(client)
    pcm = await asyncio.to_thread(speech_16k, "I led the move of our reports to a replica.",
                                  2.5, "It made them much faster.")
    ack = await client.call("answer:submit", {"session_id": sid, "index": 0,
                                              "format": "pcm_16000", "audio": pcm.data})
    assert ack["ok"], ack
    transcript = await client.expect("answer:transcript", session_id=sid, index=0, timeout=120)
    assert transcript["recording"] == "kept"
    await client.expect("interview:question", session_id=sid, index=1, timeout=60)
    ack = await client.call("answer:submit", {"session_id": sid, "index": 1, "text": TYPED})
    assert ack["ok"], ack
    await client.expect("interview:complete", session_id=sid, timeout=120)

    async def counted() -> bool:
        _, body = await api.get("/api/me/statistics")
        return bool(body["statistics"]["questions_answered"] == 2)
    await eventually(counted)
    return sid


async def interview_answers(api: Api, sid: str) -> list[dict[str, Any]]:
    status, body = await api.get(f"/api/interviews/{sid}")
    assert status == 200, body
    return list(body["interview"]["answers"])


async def test_the_expert_reviews_what_the_ai_saw_and_the_candidate_sees_both(
    market: Market, candidates: CandidateFactory,
) -> None:
    client = await candidates.new()
    me = as_api(market, client)
    expert, expert_id = await market.expert()
    other_expert, other_expert_id = await market.expert()
    stranger = await market.user()
    sid = await completed_interview(client, me)
    unfinished = await start(client)
    start_at = await first_slot(me, expert_id, 30 * HOUR)
    booking = (await book_and_pay(me, expert_id, start_at))["id"]
    # another expert with a booking of their own, with someone else
    await book_and_pay(stranger, other_expert_id,
                       await first_slot(stranger, other_expert_id, 30 * HOUR))
    attach, review = f"/api/bookings/{booking}/interviews", f"/api/bookings/{booking}/review"

    # Only the candidate attaches, only their own completed interviews, within the limit.
    for who, ids, code in (
        (expert, [sid], (403, "forbidden")), (stranger, [sid], (404, "not_found")),
        (other_expert, [sid], (404, "not_found")), (me, ["nope"], (404, "not_found")),
        (me, [unfinished], (409, "invalid_state")),
        (me, [sid] + [f"x{n}" for n in range(5)], (400, "invalid_payload")),
    ):
        status, body = await who.put(attach, {"interview_ids": ids})
        assert (status, body["error"]["code"]) == code, (who.user_id, ids, body)
    status, body = await me.put("/api/bookings/unknown/interviews", {"interview_ids": [sid]})
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, body = await me.put(attach, {"interview_ids": [sid, sid]})
    assert (status, body) == (200, {"booking_id": booking, "interview_ids": [sid]})
    status, body = await expert.get(attach)
    assert (status, body["interview_ids"]) == (200, [sid])

    # The expert's view; nobody else's.
    for who, code in ((me, (403, "forbidden")), (stranger, (404, "not_found")),
                      (other_expert, (404, "not_found"))):
        status, body = await who.get(review)
        assert (status, body["error"]["code"]) == code
    status, body = await other_expert.get("/api/bookings/unknown/review")
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, body = await expert.get(review)
    assert status == 200, body
    [seen] = body["review"]["interviews"]
    mine = await interview_answers(me, sid)
    assert seen["id"] == sid and [a["answer_id"] for a in seen["answers"]] == [
        a["answer_id"] for a in mine]
    spoken, typed = seen["answers"]
    assert spoken["transcript"] == mine[0]["transcript"]["text"] and typed["transcript"] == TYPED
    assert spoken["evaluation"]["rubric"] == mine[0]["evaluation"]["rubric"]
    assert typed["recording"] is None and typed["expert_review"] is None
    moments = {m["kind"]: m for m in seen["key_moments"]}
    scores = [a["evaluation"]["score"] for a in mine]
    weakest = min(range(2), key=lambda i: (scores[i], i))
    assert (moments["weakest_answer"]["index"], moments["weakest_answer"]["score"]) == (
        weakest, scores[weakest])
    pause = moments["longest_pause"]
    assert pause["index"] == 0 and pause["length_s"] >= 2.0
    assert pause["length_s"] == max(p["length_s"] for p in mine[0]["delivery"]["pauses"])
    assert all(m["offset_s"] is not None and m["offset_s"] >= 0 for m in seen["key_moments"])
    stars = [m for m in seen["key_moments"] if m["kind"] == "missing_star"]
    for moment in stars:  # every STAR part named missing is one the AI did not find
        star = mine[moment["index"]]["evaluation"]["star"]
        assert moment["missing"] and all(not star[part] for part in moment["missing"])

    # The kept recording, for the expert only, under the same rules as the candidate's own.
    status, wav = await expert.get(spoken["recording"]["wav"].removeprefix(expert.url))
    assert status == 200 and wav[:4] == b"RIFF"
    _, own = await me.get(f"/api/interviews/{sid}/answers/0/audio")
    assert wav == own
    status, body = await expert.request("GET", spoken["recording"]["wav"],
                                        headers={"Range": "bytes=0-9"})
    assert (status, body) == (206, own[:10])
    for who in (stranger, other_expert):
        status, body = await who.get(spoken["recording"]["wav"])
        assert (status, body["error"]["code"]) == (404, "not_found")
    status, body = await expert.get(f"{review}/interviews/{unfinished}/answers/0/audio")
    assert (status, body["error"]["code"]) == (404, "not_found")

    # The expert overrides one mark and confirms another; the candidate sees both.
    _, before = await me.get("/api/me/gamification")
    target = typed["index"]
    ai = mine[target]["evaluation"]
    new_examples = 10.0 if ai["rubric"]["examples"] < 10 else 1.0
    put = f"{review}/interviews/{sid}/answers/{target}"
    body_sent = {"criteria": {"examples": {"score": new_examples, "comment": "Specific."},
                              "clarity": {"comment": "Agreed."}},
                 "comment": "Good story."}
    for who in (me, stranger, other_expert):
        status, body = await who.put(put, body_sent)
        assert status in (403, 404) and body["error"]["code"] in ("forbidden", "not_found")
    status, body = await expert.put(put, {"criteria": {"charisma": {"score": 5}}})
    assert (status, body["error"]["code"]) == (400, "invalid_payload")
    status, body = await expert.put(put, body_sent)
    assert status == 200, body
    expected = round(min(10.0, max(1.0, ai["score"] + (new_examples - ai["rubric"]["examples"])
                                   * 0.25)), 1)
    given = body["expert_review"]
    assert (given["version"], given["score"], given["ai_score"]) == (1, expected, ai["score"])
    assert given["criteria"]["examples"]["decision"] == "overridden"
    assert given["criteria"]["clarity"] == {"ai_score": ai["rubric"]["clarity"],
                                            "score": ai["rubric"]["clarity"],
                                            "decision": "confirmed", "comment": "Agreed."}
    status, again = await expert.put(put, body_sent)  # the same review: no new version
    assert (status, again["expert_review"]) == (200, given)
    shown = (await interview_answers(me, sid))[target]
    assert shown["evaluation"] == ai and shown["expert_review"] == given

    # The statistics take the expert's score; no XP is paid.
    want = (scores[1 - target] + expected) / 2  # shown rounded to one decimal

    async def rescored() -> bool:
        _, body = await me.get("/api/me/statistics")
        return bool(abs(body["statistics"]["average_score"] - want) < 0.051)
    await eventually(rescored)
    _, after = await me.get("/api/me/gamification")
    assert after["xp"] == before["xp"]
    status, body = await expert.get(review)
    assert body["review"]["interviews"][0]["answers"][target]["expert_review"] == given

    # The expert's export holds the review; erasing them keeps the candidate's marks only.
    _, export = await expert.get("/api/me/export")
    [written] = export["reviews"]["written"]
    assert (written["answer_id"], written["comment"]) == (shown["answer_id"], "Good story.")
    assert (await expert.request("DELETE", "/api/me"))[0] == 200
    kept = (await interview_answers(me, sid))[target]["expert_review"]
    assert (kept["score"], kept["expert_name"], kept["comment"]) == (expected, "", "")
    assert {c["comment"] for c in kept["criteria"].values()} == {""}
    assert kept["criteria"]["examples"]["score"] == given["criteria"]["examples"]["score"]


async def test_attached_on_one_process_reviewed_on_another(
    spawn: Callable[..., ServerProcess], deployment_env: dict[str, str],
) -> None:
    a, b = await asyncio.gather(spawn("a", **FAST).ready(), spawn("b", **FAST).ready())
    settings = settings_from(deployment_env, **FAST)
    async with market_on(a.url, settings) as on_a, market_on(b.url, settings) as on_b:
        client = await Candidate(a.url, (await on_a.user()).token or "").connect()
        try:
            me = as_api(on_a, client)
            sid = await start(client)
            for index in (0, 1):
                if index:
                    await client.expect("interview:question", session_id=sid, index=index)
                ack = await client.call("answer:submit", {"session_id": sid, "index": index,
                                                          "text": TYPED})
                assert ack["ok"], ack
            await client.expect("interview:complete", session_id=sid, timeout=60)
            expert, expert_id = await on_a.expert()
            booking = (await book_and_pay(me, expert_id,
                                          await first_slot(me, expert_id, 30 * HOUR)))["id"]
            status, _ = await me.put(f"/api/bookings/{booking}/interviews",
                                     {"interview_ids": [sid]})
            assert status == 200
            on_b_expert = Api(b.url, expert.token, on_b.http, expert.user_id)
            status, body = await on_b_expert.get(f"/api/bookings/{booking}/review")
            assert status == 200 and body["review"]["interviews"][0]["id"] == sid
            ai = body["review"]["interviews"][0]["answers"][0]["evaluation"]
            status, body = await on_b_expert.put(
                f"/api/bookings/{booking}/review/interviews/{sid}/answers/0",
                {"criteria": {name: {"score": 1.0} for name in ai["rubric"]}})
            assert status == 200 and body["expert_review"]["score"] == 1.0, body

            async def seen_on_a() -> bool:
                answers = await interview_answers(me, sid)
                return bool(answers[0]["expert_review"] == body["expert_review"])
            await eventually(seen_on_a)
        finally:
            await client.close()
