"""Interview templates: named presets that steer question selection.

A template captures what a well-known interview loop focuses on (e.g. a FAANG behavioral
round or a data-science screen) as extra roles, skills and category weights. Selection
blends these with the candidate's own role, job description and resume.
"""

from pydantic import BaseModel, ConfigDict, field_validator

from mockmate.domain import InterviewType, QuestionCategory


class Template(BaseModel):
    """A named interview preset. Weights are relative; only their proportions matter."""

    model_config = ConfigDict(frozen=True)

    slug: str
    title: str
    interview_type: InterviewType
    roles: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    category_weights: dict[QuestionCategory, float]

    @field_validator("category_weights")
    @classmethod
    def _weights_are_usable(
        cls, weights: dict[QuestionCategory, float]
    ) -> dict[QuestionCategory, float]:
        if any(weight < 0 for weight in weights.values()):
            raise ValueError("category weights must be non-negative")
        if sum(weights.values()) <= 0:
            raise ValueError("at least one category weight must be positive")
        return weights


_ALL: tuple[Template, ...] = (
    Template(
        slug="faang_behavioral",
        title="FAANG behavioral",
        interview_type="behavioral",
        roles=("general",),
        skills=(
            "leadership",
            "ownership",
            "customer-focus",
            "conflict",
            "failure",
            "ambiguity",
            "prioritisation",
            "influence",
        ),
        category_weights={"behavioral": 0.8, "situational": 0.2},
    ),
    Template(
        slug="swe_technical",
        title="Software engineer technical",
        interview_type="technical",
        roles=("backend", "frontend", "fullstack"),
        skills=(
            "system-design",
            "algorithms",
            "data-structures",
            "databases",
            "api-design",
            "concurrency",
            "testing",
            "distributed-systems",
        ),
        category_weights={"technical": 0.8, "behavioral": 0.1, "situational": 0.1},
    ),
    Template(
        slug="product_manager",
        title="Product manager",
        interview_type="mixed",
        roles=("product",),
        skills=(
            "product-sense",
            "metrics",
            "prioritisation",
            "roadmap",
            "product-strategy",
            "stakeholder-management",
            "customer-focus",
            "user-research",
        ),
        category_weights={"technical": 0.4, "behavioral": 0.3, "situational": 0.3},
    ),
    Template(
        slug="data_science",
        title="Data science",
        interview_type="technical",
        roles=("data",),
        skills=(
            "sql",
            "statistics",
            "machine-learning",
            "experimentation",
            "ab-testing",
            "model-evaluation",
            "communication",
        ),
        category_weights={"technical": 0.7, "behavioral": 0.15, "situational": 0.15},
    ),
    Template(
        slug="engineering_manager",
        title="Engineering manager",
        interview_type="mixed",
        roles=("manager",),
        skills=(
            "leadership",
            "mentoring",
            "hiring",
            "feedback",
            "planning",
            "stakeholder-management",
            "conflict",
            "prioritisation",
        ),
        category_weights={"behavioral": 0.45, "situational": 0.4, "technical": 0.15},
    ),
)

TEMPLATES: dict[str, Template] = {t.slug: t for t in _ALL}


def get_template(slug: str) -> Template:
    """The template called `slug`; raises KeyError (naming the known slugs) if unknown."""
    try:
        return TEMPLATES[slug]
    except KeyError:
        known = ", ".join(sorted(TEMPLATES))
        raise KeyError(f"unknown template {slug!r}; known templates: {known}") from None
