"""Question bank, templates and role-aware selection, as a candidate would experience them."""

import json
import math
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockmate.domain import (
    DIFFICULTIES,
    INTERVIEW_TYPES,
    QUESTION_CATEGORIES,
    Difficulty,
    InterviewType,
)
from mockmate.questions.bank import load_bank, parse_bank
from mockmate.questions.models import Question
from mockmate.questions.selection import extract_keywords, resolve_roles, select_questions
from mockmate.questions.templates import TEMPLATES, Template, get_template

BANK = load_bank()
KNOWN_ROLES = {"general", "backend", "frontend", "data", "product", "fullstack", "devops"}
KNOWN_ROLES |= {"mobile", "manager"}


def pick(
    *,
    role: str = "Software Engineer",
    interview_type: InterviewType = "technical",
    difficulty: Difficulty = "mid",
    count: int = 5,
    seed: int = 7,
    **kwargs: object,
) -> list[Question]:
    return select_questions(
        BANK,
        role=role,
        interview_type=interview_type,
        difficulty=difficulty,
        count=count,
        rng=random.Random(seed),
        **kwargs,  # type: ignore[arg-type]
    )


def q(qid: str, category: str = "technical", difficulty: str = "mid", **kw: object) -> Question:
    return Question.model_validate(
        {
            "id": f"bank:{qid}",
            "text": f"Question {qid}?",
            "category": category,
            "difficulty": difficulty,
            **kw,
        }
    )


# ---- the bank ----------------------------------------------------------------------------


def test_bank_has_at_least_90_questions_with_unique_ids() -> None:
    assert len(BANK) >= 90
    ids = [question.id for question in BANK]
    assert len(set(ids)) == len(ids)
    assert all(qid.startswith("bank:") and len(qid) > len("bank:") for qid in ids)


@pytest.mark.parametrize("category", QUESTION_CATEGORIES)
def test_every_category_is_well_stocked_at_every_difficulty(category: str) -> None:
    in_category = [question for question in BANK if question.category == category]
    assert len(in_category) >= 20
    per_difficulty = Counter(question.difficulty for question in in_category)
    assert all(per_difficulty[d] >= 5 for d in DIFFICULTIES), per_difficulty


@pytest.mark.parametrize("role", ["backend", "frontend", "data", "product"])
def test_every_core_role_has_enough_technical_questions(role: str) -> None:
    technical = [qq for qq in BANK if qq.category == "technical" and role in qq.roles]
    assert len(technical) >= 8
    assert {qq.difficulty for qq in technical} == set(DIFFICULTIES)


def test_tags_are_lower_case_and_roles_known() -> None:
    for question in BANK:
        assert question.skills, question.id
        assert all(skill == skill.lower() and " " not in skill for skill in question.skills)
        assert question.roles and set(question.roles) <= KNOWN_ROLES, question.id
        assert question.text.strip().endswith(("?", ".")), question.id


def test_load_bank_is_cached() -> None:
    assert load_bank() is load_bank()


def test_parse_bank_rejects_duplicate_ids() -> None:
    entry = {"id": "bank:x", "text": "Why?", "category": "technical", "difficulty": "mid"}
    with pytest.raises(ValueError, match="duplicate"):
        parse_bank(json.dumps([entry, entry]))


# ---- keywords and roles ---------------------------------------------------------------------


def test_extract_keywords_finds_words_phrases_and_aliases() -> None:
    keywords = extract_keywords(
        "Strong Postgres, Redis caching & System Design; React/Redux, A/B tests"
    )
    assert {"postgresql", "sql", "databases", "caching", "redis", "system-design"} <= keywords
    assert {"react", "redux", "state-management", "ab-testing", "experimentation"} <= keywords
    assert all(word == word.lower() for word in keywords)
    assert extract_keywords("") == set()


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Senior Backend Engineer", {"backend"}),
        ("Frontend developer", {"frontend"}),
        ("Data Scientist", {"data"}),
        ("Product Manager", {"product"}),
        ("Engineering Manager", {"manager"}),
        ("Full-stack engineer", {"backend", "frontend", "fullstack"}),
        ("Software Engineer", {"backend", "frontend", "fullstack"}),
    ],
)
def test_job_titles_map_to_bank_roles(title: str, expected: set[str]) -> None:
    assert resolve_roles(title) == frozenset(expected | {"general"})


# ---- selection ------------------------------------------------------------------------------


def test_backend_role_with_postgres_and_caching_jd_gets_matching_backend_questions() -> None:
    jd = "You will scale our PostgreSQL databases and design caching layers with Redis."
    chosen = pick(role="Senior Backend Engineer", difficulty="senior", job_description=jd)
    assert len(chosen) == 5
    assert all(question.category == "technical" for question in chosen)
    assert sum("backend" in question.roles for question in chosen) >= 4
    wanted = {"postgresql", "caching", "databases", "redis", "sql"}
    assert sum(bool(wanted & set(question.skills)) for question in chosen) >= 4
    assert sum(question.difficulty == "senior" for question in chosen) >= 4


def test_frontend_role_gets_frontend_questions() -> None:
    chosen = pick(role="Frontend developer", count=6)
    assert sum("frontend" in question.roles for question in chosen) == 6
    assert sum(question.roles == ("frontend",) for question in chosen) >= 3


@pytest.mark.parametrize(
    ("title", "role"), [("Data Scientist", "data"), ("Product Manager", "product")]
)
def test_data_and_product_roles_get_their_own_technical_questions(title: str, role: str) -> None:
    chosen = pick(role=title, count=6)
    assert sum(role in question.roles for question in chosen) >= 5


def test_requested_difficulty_is_preferred() -> None:
    for difficulty in DIFFICULTIES:
        chosen = pick(difficulty=difficulty, count=6)
        assert sum(question.difficulty == difficulty for question in chosen) >= 5


def test_job_description_skill_outweighs_resume_only_skill() -> None:
    bank = [q("jd", skills=("kafka", "messaging")), q("resume", skills=("react", "css"))]
    for seed in range(20):
        chosen = select_questions(
            bank,
            role="",
            interview_type="technical",
            difficulty="mid",
            count=1,
            job_description="Kafka messaging",
            resume_text="React and CSS",
            rng=random.Random(seed),
        )
        assert [question.id for question in chosen] == ["bank:jd"]


def test_behavioral_interview_is_mostly_behavioral_with_some_situational() -> None:
    chosen = pick(interview_type="behavioral", count=6)
    categories = Counter(question.category for question in chosen)
    assert set(categories) == {"behavioral", "situational"}
    assert categories["behavioral"] > categories["situational"]


def test_technical_interview_is_all_technical() -> None:
    for role in ("Senior Backend Engineer", "Data Scientist", "Product Manager", "Chef"):
        assert {qq.category for qq in pick(role=role, count=10)} == {"technical"}


def test_technical_interview_falls_back_to_situational_then_anything() -> None:
    bank = [q("t1"), q("t2"), q("b1", "behavioral"), q("s1", "situational", "senior")]

    def ids(count: int) -> set[str]:
        chosen = select_questions(
            bank,
            role="backend",
            interview_type="technical",
            difficulty="junior",
            count=count,
            rng=random.Random(1),
        )
        return {qq.id for qq in chosen}

    assert ids(2) == {"bank:t1", "bank:t2"}
    assert ids(3) == {"bank:t1", "bank:t2", "bank:s1"}
    assert ids(4) == {qq.id for qq in bank}


@pytest.mark.parametrize("count", [2, 3, 4, 5, 7, 10])
def test_mixed_interview_varies_categories(count: int) -> None:
    categories = Counter(
        question.category for question in pick(interview_type="mixed", count=count)
    )
    assert max(categories.values()) <= math.ceil(count / 2)
    if count >= 3:
        assert set(categories) == set(QUESTION_CATEGORIES)


def test_no_repeats_exact_count_and_exclusions_respected() -> None:
    first = pick(count=8)
    assert len(first) == 8 and len({qq.id for qq in first}) == 8
    second = pick(count=8, exclude_ids={qq.id for qq in first})
    assert len(second) == 8
    assert not {qq.id for qq in first} & {qq.id for qq in second}


def test_fills_from_other_categories_and_difficulties_rather_than_returning_fewer() -> None:
    chosen = pick(role="Frontend developer", difficulty="senior", count=60)
    assert len(chosen) == 60 and len({qq.id for qq in chosen}) == 60
    everything = pick(count=len(BANK) + 5)
    assert len(everything) == len(BANK)
    assert pick(count=0) == []


def test_duplicate_bank_entries_are_returned_once() -> None:
    bank = [q("a"), q("a"), q("b")]
    chosen = select_questions(
        bank, role="", interview_type="technical", difficulty="mid", count=3, rng=random.Random()
    )
    assert [qq.id for qq in chosen].count("bank:a") == 1 and len(chosen) == 2


def test_seeded_rng_is_deterministic_and_seeds_vary_the_interview() -> None:
    args = {"role": "Backend Engineer", "interview_type": "mixed", "count": 6}
    assert pick(seed=42, **args) == pick(seed=42, **args)  # type: ignore[arg-type]
    variants = {tuple(qq.id for qq in pick(seed=s, **args)) for s in range(10)}  # type: ignore[arg-type]
    assert len(variants) > 1


def test_negative_count_is_rejected() -> None:
    with pytest.raises(ValueError):
        pick(count=-1)


# ---- templates ------------------------------------------------------------------------------


def test_required_templates_exist_with_titles() -> None:
    expected = {
        "faang_behavioral": "FAANG behavioral",
        "swe_technical": "Software engineer technical",
        "product_manager": "Product manager",
        "data_science": "Data science",
    }
    for slug, title in expected.items():
        template = get_template(slug)
        assert template.slug == slug and template.title == title
    with pytest.raises(KeyError):
        get_template("no_such_template")


@pytest.mark.parametrize("slug", sorted(TEMPLATES))
@pytest.mark.parametrize("interview_type", INTERVIEW_TYPES)
def test_every_template_works_for_every_interview_type(slug: str, interview_type: str) -> None:
    template = TEMPLATES[slug]
    chosen = pick(role="", interview_type=interview_type, template=template, count=6)  # type: ignore[arg-type]
    assert len({qq.id for qq in chosen}) == 6
    if interview_type == "technical":
        assert {qq.category for qq in chosen} == {"technical"}


def test_template_steers_roles_and_skills() -> None:
    data = pick(role="", template=get_template("data_science"), count=6)
    assert sum("data" in qq.roles for qq in data) >= 5
    pm = pick(role="", interview_type="mixed", template=get_template("product_manager"), count=6)
    assert sum("product" in qq.roles for qq in pm) >= 4


def test_template_rejects_unusable_weights() -> None:
    with pytest.raises(ValueError):
        Template(slug="x", title="X", interview_type="mixed", category_weights={"technical": 0.0})


# ---- properties -----------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    count=st.integers(min_value=1, max_value=20),
    interview_type=st.sampled_from(INTERVIEW_TYPES),
    difficulty=st.sampled_from(DIFFICULTIES),
    role=st.text(max_size=40),
    seed=st.integers(),
)
def test_any_request_gets_exactly_count_distinct_questions(
    count: int, interview_type: InterviewType, difficulty: Difficulty, role: str, seed: int
) -> None:
    chosen = pick(
        role=role, interview_type=interview_type, difficulty=difficulty, count=count, seed=seed
    )
    assert len(chosen) == count
    assert len({qq.id for qq in chosen}) == count
    if interview_type == "technical":
        assert all(qq.category == "technical" for qq in chosen)
    if interview_type == "mixed":
        assert max(Counter(qq.category for qq in chosen).values()) <= math.ceil(count / 2)
