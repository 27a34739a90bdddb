"""Scripted candidates take whole interviews over a real Socket.IO connection, one per
quality level: the overall scores must order the levels, and every follow-up must ask for
what the weak answer it follows lacked."""

import asyncio
from typing import Any

from tests.conftest import CandidateFactory
from tests.support.client import Candidate
from tests.support.scripted_candidate import LEVELS, Level, answer

START = {
    "role": "Backend Engineer",
    "interview_type": "mixed",
    "difficulty": "mid",
    "question_count": 4,
}
# What an offline follow-up opens with when it quotes the candidate, and what it asks for
# when there is nothing worth quoting: the missing STAR or plan parts, or the weakest mark.
QUOTES = ('You said "', 'You named "', 'Your answer was about "')
STORY_ASKS = ("What was the situation", "What exactly were you responsible for",
              "What did you do yourself", "What was the outcome",
              "What would you want to find out first", "What would you be aiming for",
              "What exactly would you do", "How would you know it had worked")


async def interview(client: Candidate, level: Level) -> dict[str, Any]:
    """Answer every question at `level`; the interview's record of what was asked."""
    ack = await client.call("interview:start", START)
    assert ack["ok"], ack
    sid, total = ack["session_id"], ack["total_questions"]
    asked: list[tuple[dict[str, Any], str, dict[str, Any]]] = []
    for index in range(total):
        question = (await client.expect("interview:question", session_id=sid,
                                        index=index))["question"]
        text = answer(question, level)
        submitted = await client.call(
            "answer:submit", {"session_id": sid, "index": index, "text": text}
        )
        assert submitted["ok"], submitted
        evaluation = await client.expect("answer:evaluation", answer_id=submitted["answer_id"])
        asked.append((question, text, evaluation))
    complete = await client.expect("interview:complete", session_id=sid)
    return {"asked": asked, "overall": complete["overall_score"]}


async def test_overall_scores_order_the_quality_levels(candidates: CandidateFactory) -> None:
    clients = [await candidates.new() for _ in LEVELS]
    runs = dict(zip(LEVELS, await asyncio.gather(
        *(interview(c, level) for c, level in zip(clients, LEVELS, strict=True))
    ), strict=True))
    overall = {level: run["overall"] for level, run in runs.items()}
    # A fluent story about something else and a vague line on topic both fail the question;
    # the rubric grades them alike (see docs/evaluation.md: other_question vs weak), so
    # neither is ordered against the other. Both are below an average answer, above silence.
    assert overall["strong"] > overall["average"] > max(overall["weak"], overall["off_topic"])
    assert min(overall["weak"], overall["off_topic"]) > overall["empty"], overall
    assert overall["strong"] >= 7 and overall["empty"] <= 2, overall

    # A strong answer needs no follow-up; a weak one gets one aimed at what it lacked.
    def follow_ups(level: Level) -> list[tuple[dict[str, Any], str, dict[str, Any]]]:
        asked = runs[level]["asked"]
        return [entry for entry in asked if entry[0]["id"].startswith("follow-up:")]

    assert follow_ups("strong") == []
    for level in ("weak", "empty", "off_topic"):
        found = follow_ups(level)
        assert found, level
        for question, _, _ in found:
            original = int(question["id"].split(":")[1])
            followed, followed_text, evaluation = runs[level]["asked"][original]
            text = question["text"]
            if text.startswith(QUOTES):
                quoted = text.split('"')[1].rstrip("…")
                assert quoted in followed_text or quoted in " ".join(
                    s for s in evaluation["star"].values() if s
                ), (text, followed_text)
            elif followed["category"] in ("behavioral", "situational"):
                assert any(ask in text for ask in STORY_ASKS), text
            else:
                assert text.startswith("Let's go back to"), text
            if followed["category"] == "situational":
                assert "What was the situation" not in text
            # Low-confidence answers say so to the candidate.
            if evaluation["confidence"] == "low":
                assert evaluation["tips"][0].startswith("Treat this score as a rough guide")
