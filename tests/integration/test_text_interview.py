"""A candidate runs whole interviews in text over a real Socket.IO connection."""

import aiohttp

from tests.conftest import CandidateFactory
from tests.support.client import Candidate
from tests.support.waiting import eventually

STRONG = (
    "At my previous company our checkout service was timing out during peak sales. I was "
    "responsible for fixing it before Black Friday. I profiled the database queries, added a "
    "Redis cache in front of the product catalogue and rewrote the slowest query with a proper "
    "index. As a result p95 latency dropped from 2.1 seconds to 300 ms and we handled 3x the "
    "traffic with no outages; I learned to measure before optimising."
)

START = {
    "role": "Backend Engineer",
    "job_description": "Python, PostgreSQL, Redis caching, REST APIs",
    "interview_type": "mixed",
    "difficulty": "mid",
    "question_count": 3,
}


async def answer_all(client: Candidate, session_id: str, total: int) -> list[str]:
    answer_ids = []
    for index in range(total):
        question = await client.expect("interview:question", session_id=session_id, index=index)
        assert question["total"] == total and question["question"]["text"]
        ack = await client.call(
            "answer:submit", {"session_id": session_id, "index": index, "text": STRONG}
        )
        assert ack["ok"], ack
        transcript = await client.expect("answer:transcript", answer_id=ack["answer_id"])
        assert transcript["text"] == STRONG and transcript["confidence"] == 1
        assert transcript["delivery"] is None
        answer_ids.append(ack["answer_id"])
    return answer_ids


async def test_full_text_interview_is_scored_and_stored(
    candidates: CandidateFactory, server_url: str
) -> None:
    client = await candidates.new()
    ack = await client.call("interview:start", START)
    assert ack["ok"] and ack["total_questions"] == 3 and ack["state"] == "asking"
    session_id = ack["session_id"]

    answer_ids = await answer_all(client, session_id, 3)

    for answer_id in answer_ids:
        evaluation = await client.expect("answer:evaluation", answer_id=answer_id)
        assert 1 <= evaluation["score"] <= 10
        assert evaluation["source"] == "heuristic"
        assert set(evaluation["rubric"]) == {
            "relevance", "examples", "clarity", "technical_accuracy", "job_alignment"
        }
        assert set(evaluation["star"]) == {"situation", "task", "action", "result"}
    complete = await client.expect("interview:complete", session_id=session_id)
    assert complete["answered"] == 3 and complete["skipped"] == 0
    assert 1 <= complete["overall_score"] <= 10
    assert complete["category_scores"]
    await client.expect("interview:state", session_id=session_id, state="completed")

    headers = {"Authorization": f"Bearer {client.token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.get(f"{server_url}/api/interviews/{session_id}") as response:
            assert response.status == 200
            stored = (await response.json())["interview"]
        assert stored["status"] == "completed"
        assert stored["overall_score"] == complete["overall_score"]
        assert [a["answer_id"] for a in stored["answers"]] == answer_ids
        assert all(a["evaluation"]["score"] for a in stored["answers"])
        assert len(stored["questions"]) == 3

        async def jobs_counted() -> bool:
            # A job is counted just after its handler returns, which may be after the event
            # it sent reached the client.
            async with http.get(f"{server_url}/metrics") as response:
                metrics = await response.text()
            return all(f'mockmate_jobs_total{{kind="{kind}",outcome="ok"}} 3.0' in metrics
                       for kind in ("transcribe_answer", "evaluate_answer"))

        assert await eventually(jobs_counted)
        async with http.get(f"{server_url}/api/interviews?status=completed") as response:
            listing = await response.json()
        assert listing["total"] == 1 and listing["interviews"][0]["id"] == session_id
        async with http.delete(f"{server_url}/api/interviews/{session_id}") as response:
            assert response.status == 200
        async with http.get(f"{server_url}/api/interviews/{session_id}") as response:
            assert response.status == 404
            assert (await response.json())["error"]["code"] == "not_found"


async def test_skip_repeat_pause_and_manual_advance(candidates: CandidateFactory) -> None:
    client = await candidates.new()
    ack = await client.call(
        "interview:start", {**START, "question_count": 3, "auto_advance": False}
    )
    sid = ack["session_id"]
    first = await client.expect("interview:question", session_id=sid, index=0)

    repeat = await client.call("interview:repeat", {"session_id": sid})
    assert repeat["ok"]
    again = await client.expect("interview:question", session_id=sid, index=0)
    assert again["question"] == first["question"]

    early = await client.call("interview:next", {"session_id": sid})
    assert early["error"]["code"] == "invalid_state"

    ack = await client.call("answer:submit", {"session_id": sid, "index": 0, "text": STRONG})
    assert ack["ok"]
    await client.expect("interview:state", session_id=sid, state="awaiting_answer")
    twice = await client.call("answer:submit", {"session_id": sid, "index": 0, "text": STRONG})
    assert twice["error"]["code"] in ("conflict", "invalid_state")

    assert (await client.call("interview:pause", {"session_id": sid}))["state"] == "paused"
    blocked = await client.call("interview:next", {"session_id": sid})
    assert blocked["error"]["code"] == "invalid_state"
    resumed = await client.call("interview:resume", {"session_id": sid})
    assert resumed["snapshot"]["state"] == "asking"
    assert [a["index"] for a in resumed["snapshot"]["answers"]] == [0]

    await client.expect("interview:state", session_id=sid, state="awaiting_answer")
    assert (await client.call("interview:next", {"session_id": sid}))["ok"]
    await client.expect("interview:question", session_id=sid, index=1)
    skipped = await client.call("interview:skip", {"session_id": sid})
    assert skipped["ok"]
    await client.expect("interview:question", session_id=sid, index=2)
    ended = await client.call("interview:end", {"session_id": sid})
    assert ended["state"] == "completed"
    complete = await client.expect("interview:complete", session_id=sid)
    assert complete["answered"] == 1 and complete["skipped"] == 1


async def test_own_questions_are_asked_in_order(candidates: CandidateFactory) -> None:
    client = await candidates.new()
    own = [{"text": "Why do you want to work here?"}, {"text": "Explain a B-tree index."}]
    ack = await client.call("interview:start", {
        "role": "Engineer", "interview_type": "mixed", "difficulty": "junior", "questions": own
    })
    assert ack["ok"] and ack["total_questions"] == 2
    first = await client.expect("interview:question", session_id=ack["session_id"], index=0)
    assert first["question"]["text"] == own[0]["text"]


async def test_questions_can_come_as_text_only(candidates: CandidateFactory) -> None:
    client = await candidates.new()
    spoken = (await client.call("interview:start", {**START, "question_count": 1}))
    await client.expect("interview:audio", session_id=spoken["session_id"], final=True)
    await client.call("interview:end", {"session_id": spoken["session_id"]})

    ack = await client.call("interview:start", {**START, "question_count": 2, "speak": False})
    sid = ack["session_id"]
    for index in range(2):
        await client.expect("interview:question", session_id=sid, index=index)
        await client.expect("interview:state", session_id=sid, state="awaiting_answer")
        answer = await client.call("answer:submit", {"session_id": sid, "index": index,
                                                     "text": STRONG})
        assert answer["ok"], answer
    await client.expect("interview:complete", session_id=sid)
    assert [a for a in client.pending("interview:audio") if a["session_id"] == sid] == []


async def test_one_active_interview_per_user(candidates: CandidateFactory) -> None:
    client = await candidates.new()
    first = await client.call("interview:start", START)
    second = await client.call("interview:start", START)
    assert second["ok"] is False
    assert second["error"]["code"] == "limit_reached"
    assert second["error"]["session_id"] == first["session_id"]
    await client.call("interview:end", {"session_id": first["session_id"]})
    third = await client.call("interview:start", START)
    assert third["ok"]


async def test_long_polling_clients_work_too(server_url: str) -> None:
    from tests.support.client import register

    client = Candidate(server_url, await register(server_url, "polling@example.com"))
    await client.connect(transport="polling")
    try:
        ack = await client.call("interview:start", {**START, "question_count": 1})
        sid = ack["session_id"]
        await client.expect("interview:question", session_id=sid, index=0)
        ack = await client.call("answer:submit", {"session_id": sid, "index": 0, "text": STRONG})
        assert ack["ok"]
        complete = await client.expect("interview:complete", session_id=sid)
        assert complete["answered"] == 1
    finally:
        await client.close()


async def test_every_evaluation_carries_the_outline_of_a_strong_answer(
    candidates: CandidateFactory, server_url: str
) -> None:
    """#13 item 7, through the real server: the offline evaluation of a story without a
    result carries the STAR outline, marks the result as missed, and is stored with it."""
    client = await candidates.new()
    question = {"text": "Tell me about a time you made a mistake at work.",
                "category": "behavioral"}
    ack = await client.call("interview:start", {
        "role": "Backend Engineer", "interview_type": "behavioral", "difficulty": "mid",
        "questions": [question], "speak": False,
    })
    assert ack["ok"], ack
    sid = ack["session_id"]
    await client.expect("interview:question", session_id=sid, index=0)
    story = ("Last year I ran a database migration on a Friday that locked our orders table. "
             "I was the engineer on call, so fixing it was my job. I cancelled the migration, "
             "told my lead in the incident channel and rewrote it as three batched steps.")
    answer = await client.call("answer:submit", {"session_id": sid, "index": 0, "text": story})
    assert answer["ok"], answer
    evaluation = await client.expect("answer:evaluation", answer_id=answer["answer_id"])
    outline = evaluation["ideal_outline"]
    assert outline["structure"] == "star"
    assert [p["part"] for p in outline["points"]] == [
        "answer", "situation", "task", "action", "result", "reflection"
    ]
    result = next(p for p in outline["points"] if p["part"] == "result")
    assert result == {"part": "result", "covered": False, "quote": None,
                      "point": "Result: how it ended, with a number (time, money, people, "
                               "a metric)"}
    assert result["point"] in outline["missed"]
    assert evaluation["ideal_answer"].startswith("A strong answer tells one real story")
    assert '"I cancelled the migration' in evaluation["ideal_answer"]

    await client.expect("interview:complete", session_id=sid)
    headers = {"Authorization": f"Bearer {client.token}"}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.get(f"{server_url}/api/interviews/{sid}") as response,
    ):
        stored = (await response.json())["interview"]["answers"][0]["evaluation"]
    assert stored["ideal_outline"] == outline
