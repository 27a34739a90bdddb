"""`/api/me/learning-path` on a real server: a plan from where the candidate stands, whose
practice step completes itself after good answers in its category."""

from tests.conftest import CandidateFactory
from tests.integration.test_progress import STRONG, rest

QUESTION = ("Tell me about a time you improved the performance of a system under pressure. "
            "What did you do and what was the result?")


async def test_a_step_completes_itself_after_good_answers(candidates: CandidateFactory) -> None:
    client = await candidates.new()
    status, body = await rest(client, "GET", "/api/me/learning-path")
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, body = await rest(client, "POST", "/api/me/learning-path", {"minutes_per_week": -5})
    assert (status, body["error"]["code"]) == (400, "invalid_payload")

    status, body = await rest(client, "POST", "/api/me/learning-path",
                              {"minutes_per_week": 24, "target_role": "Backend Engineer"})
    assert status == 201, body
    path = body["learning_path"]
    assert [s["id"] for s in path["steps"]] == [
        "practice-behavioral", "practice-situational", "mock-interview", "expert-session"]
    assert [s["status"] for s in path["steps"]] == ["current", "upcoming", "upcoming",
                                                    "upcoming"]
    assert path["steps"][0]["answers"] == 2 and not path["completed"]

    # Its own questions, which the strong story answers: both behavioral.
    sid = (await client.call("interview:start", {
        "role": "Backend Engineer", "interview_type": "behavioral", "difficulty": "mid",
        "adaptive": False, "questions": [
            {"text": QUESTION, "category": "behavioral"},
            {"text": "Describe a time you fixed a slow service before a deadline.",
             "category": "behavioral"}]}))["session_id"]
    for index in range(2):
        await client.expect("interview:question", session_id=sid, index=index)
        assert (await client.call("answer:submit", {"session_id": sid, "index": index,
                                                    "text": STRONG}))["ok"]
    await client.expect("interview:complete", session_id=sid)

    status, body = await rest(client, "GET", "/api/me/learning-path")
    assert status == 200, body
    steps = {s["id"]: s for s in body["learning_path"]["steps"]}
    behavioral = steps["practice-behavioral"]
    assert behavioral["status"] == "completed" and behavioral["completed_at"]
    assert behavioral["progress"]["done"] == 2 and behavioral["progress"]["fraction"] == 1.0
    assert behavioral["progress"]["average"] >= behavioral["min_score"]
    assert [s["status"] for s in body["learning_path"]["steps"]].count("current") == 1
