"""The typed records of interviews and answers: frozen, lenient to older documents, and
written back exactly as read (no defaults invented), with `_id` mapped to `id`."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from mockmate.domain import InterviewStatus
from mockmate.questions.models import Question
from mockmate.storage.records import (
    AnswerRecord,
    InterviewRecord,
    StoredEvaluation,
    StoredTranscript,
)

QUESTION = Question(id="q0", text="Tell me about a launch.", category="behavioral",
                    difficulty="mid")


def test_a_record_is_frozen() -> None:
    answer = AnswerRecord(id="a", interview_id="i", user_id="u", index=0,
                          category="behavioral")
    with pytest.raises(ValidationError):
        answer.index = 1  # type: ignore[misc]


def test_an_old_interview_document_takes_defaults_and_keeps_what_it_had() -> None:
    stored = {"_id": "i1", "user_id": "u1", "role": "SRE", "status": "abandoned",
              "questions": [QUESTION.model_dump(mode="json")],
              "started_at": "2026-01-05T10:00:00", "ended_at": "2026-01-05T10:30:00",
              "retired_field": 3}
    interview = InterviewRecord.model_validate(stored)
    assert interview.id == "i1" and interview.status is InterviewStatus.ABANDONED
    assert interview.questions == (QUESTION,) and interview.mode == "interview"
    assert interview.follow_up_count == 0 and interview.skipped == ()
    assert interview.ended_at == datetime(2026, 1, 5, 10, 30, tzinfo=UTC)
    assert interview.duration_s == 1800.0
    document = interview.document()
    assert document["_id"] == "i1" and document["retired_field"] == 3
    assert "follow_up_count" not in document and "mode" not in document


def test_an_answer_is_written_with_only_what_was_set() -> None:
    answer = AnswerRecord(id="a1", interview_id="i1", user_id="u1", index=0,
                          category="behavioral", question=QUESTION, kind="text", text="Hi",
                          transcript=StoredTranscript(text="Hi", confidence=1.0,
                                                      duration_s=0.0, delivery=None))
    assert answer.document() == {
        "_id": "a1", "interview_id": "i1", "user_id": "u1", "index": 0,
        "category": "behavioral", "question": QUESTION.model_dump(mode="json"),
        "kind": "text", "text": "Hi",
        "transcript": {"text": "Hi", "confidence": 1.0, "duration_s": 0.0, "delivery": None},
    }
    assert answer.evaluation_revision == 1 and answer.score is None
    assert answer.answer_text == "Hi"


def test_a_corrected_transcript_shows_what_the_machine_heard_only_when_stored() -> None:
    plain = StoredTranscript.model_validate({"text": "hi", "confidence": 0.9,
                                             "duration_s": 1.0, "delivery": None})
    assert plain.wire() == {"text": "hi", "confidence": 0.9, "duration_s": 1.0,
                            "delivery": None}
    corrected = StoredTranscript.model_validate({**plain.wire(), "text": "Hi!",
                                                 "machine_text": "hi"})
    assert corrected.wire()["machine_text"] == "hi"


def test_an_evaluation_reads_its_score_and_keeps_everything_the_evaluator_stored() -> None:
    stored = {"score": 7, "rubric": {"relevance": 8, "examples": 6}, "strengths": ["numbers"],
              "ideal_outline": None, "confidence": "high"}
    evaluation = StoredEvaluation.model_validate(stored)
    assert evaluation.score == 7.0 and evaluation.rubric["examples"] == 6.0
    assert evaluation.wire() == stored
    answer = AnswerRecord.model_validate({"_id": "a", "interview_id": "i", "user_id": "u",
                                          "index": 0, "category": "technical",
                                          "evaluation": stored})
    assert answer.score == 7.0 and answer.document()["evaluation"] == stored
