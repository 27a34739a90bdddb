"""The offline resume parts, directly: type sniffing, the parser, the skills vocabulary and
the personal questions."""

import random
import re

import pytest

from mockmate.errors import MockMateError
from mockmate.resumes.extract import extract_text, sniff
from mockmate.resumes.parser import parse_resume
from mockmate.resumes.questions import interleave, personal_questions, personal_share
from mockmate.resumes.vocabulary import find_skills
from tests.support.resumes import RESUME_TEXT, resume_docx, resume_pdf, scanned_pdf


def test_the_parser_finds_who_where_and_what() -> None:
    resume = parse_resume(RESUME_TEXT)
    assert resume.name == "Grace Hopper"
    assert resume.contact.email == "grace.hopper@example.com"
    assert resume.contact.phone == "+1 415 555 0100"
    assert resume.contact.location == "Arlington, Virginia"
    assert resume.contact.links == ["https://github.com/ghopper"]
    assert resume.summary.startswith("Backend engineer")
    assert [(e.company, e.title, e.start, e.end) for e in resume.experience] == [
        ("Acme Payments", "Senior Backend Engineer", "Jan 2020", "Present"),
        ("Globex Corporation", "Software Engineer", "2016", "2019"),
    ]
    assert resume.experience[0].bullets[0].startswith("Built the payment reconciliation")
    assert len(resume.experience[1].bullets) == 2
    assert [(p.name, p.technologies) for p in resume.projects] == [
        ("Ledgerly", ["Go", "PostgreSQL", "Redis"])]
    assert "2,000 GitHub stars" in resume.projects[0].outcome
    assert resume.skills[:6] == ["Python", "Go", "SQL", "Kubernetes", "Docker", "Terraform"]
    assert {"PostgreSQL", "Kafka"} <= set(resume.skills)
    assert [(e.institution, e.degree) for e in resume.education] == [
        ("Yale University", "B.Sc. Computer Science")]


def test_an_unstructured_text_still_gives_its_skills() -> None:
    resume = parse_resume("I write TypeScript and React, deploy to AWS, and go hiking.")
    assert resume.skills == ["TypeScript", "React", "AWS"]
    assert resume.experience == [] and resume.name == ""


def test_the_vocabulary_matches_whole_names_in_their_spellings() -> None:
    assert find_skills("Postgres, k8s, Node.js, C++ and C#") == [
        "PostgreSQL", "Kubernetes", "Node.js", "C++", "C#"]
    # English words are not technologies.
    assert find_skills("We go to R&D to grow; R is fine") == ["R"]


def test_documents_are_typed_by_content() -> None:
    assert sniff(resume_pdf()) == "pdf"
    assert sniff(resume_docx()) == "docx"
    assert sniff(RESUME_TEXT.encode()) == "text"
    for disguised in (b"\x89PNG\r\n\x1a\n" + bytes(200), b"PK\x03\x04not a zip", bytes(100)):
        with pytest.raises(MockMateError) as refused:
            sniff(disguised)
        assert refused.value.code == "unsupported_document"
    with pytest.raises(MockMateError) as refused:
        extract_text(scanned_pdf(), "pdf")
    assert "no text layer" in refused.value.message


@pytest.mark.parametrize("kind", ["technical", "behavioral", "mixed"])
def test_personal_questions_quote_only_the_resume(kind: str) -> None:
    resume = parse_resume(RESUME_TEXT)
    questions = personal_questions(resume, interview_type=kind,  # type: ignore[arg-type]
                                   difficulty="mid", count=6, rng=random.Random(3))
    assert len(questions) == 6
    for question in questions:
        assert question.why
        for quoted in re.findall(r'"([^"]+)"', question.text):
            assert quoted.lower() in RESUME_TEXT.lower()
        assert set(find_skills(question.text)) <= set(resume.skills)
        names = ["Ledgerly", "Acme Payments", "Globex Corporation", *resume.skills]
        assert any(name in question.text for name in names), question.text
    categories = {q.category for q in questions}
    assert categories == ({"technical", "behavioral"} if kind == "mixed" else {kind})


def test_a_third_are_personal_and_spread_through_the_interview() -> None:
    assert [personal_share(n) for n in (1, 3, 4, 6, 10)] == [1, 1, 2, 2, 4]
    resume = parse_resume(RESUME_TEXT)
    personal = personal_questions(resume, interview_type="mixed", difficulty="mid", count=2,
                                  rng=random.Random(1))
    general = [q.model_copy(update={"id": f"bank:{n}"}) for n, q in enumerate(
        personal_questions(resume, interview_type="mixed", difficulty="mid", count=4,
                           rng=random.Random(2)))]
    merged = interleave(personal, general)
    assert [q.id.split(":")[0] for q in merged] == ["resume", "bank", "bank", "resume", "bank",
                                                    "bank"]
