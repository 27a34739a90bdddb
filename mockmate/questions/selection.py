"""Role-aware question selection: picks which bank questions a candidate gets asked.

An interview feels generic unless its questions fit the candidate's role, the job they are
applying for and what they have done. This module scores every question against that
profile (role, job description, resume, template, difficulty), splits the interview
across question categories, and picks the best candidates with a little seeded
randomness so repeat interviews vary. It is pure: no I/O, and all randomness comes from
the caller's `random.Random`, so a seeded rng gives the same interview every time.
"""

import math
import random
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from mockmate.domain import DIFFICULTIES, QUESTION_CATEGORIES, Difficulty, InterviewType
from mockmate.domain import QuestionCategory as Category
from mockmate.questions.models import Question
from mockmate.questions.templates import Template

__all__ = ["extract_keywords", "resolve_roles", "select_questions"]

# "word, multi word phrase, ...: canonical tags; ...". Single words also match their plural.
_SYNONYMS = """
postgres, postgresql, psql: postgresql sql databases
mysql, sqlite, mariadb, rdbms, relational database: sql databases; sql: sql databases
database, datastore: databases
nosql, mongodb, mongo, dynamodb, cassandra, document store: nosql databases; redis: redis caching
memcached, cache, caching, cached, cdn: caching
api, rest, restful, graphql, grpc, endpoint, openapi, api design: api-design; http, https: http
microservice, distributed system, distributed systems: distributed-systems; kafka: kafka messaging
rabbitmq, sqs, pubsub, message queue, message broker: messaging
concurrency, concurrent, multithreading, multithreaded, thread, async, asyncio: concurrency
scalability, scalable, high availability, system design, systems design: system-design
js, javascript, ecmascript: javascript; typescript, ts: typescript javascript
react, reactjs, react.js: react; redux, zustand, mobx, state management: state-management react
next.js, nextjs, ssr, server side rendering: ssr react; css, sass, scss, tailwind: css
html, html5: html; a11y, wcag, aria, accessibility, accessible, screen reader: accessibility
browser, dom: browser; web vitals, core web vitals, lighthouse, lcp: web-vitals performance
performance, latency, optimisation, optimization, profiling: performance
ml, machine learning, deep learning, pytorch, tensorflow, scikit-learn, sklearn: machine-learning
statistics, statistical, stats, hypothesis testing, regression: statistics
a/b, ab test, ab testing, experiment, experimentation, split testing: experimentation ab-testing
etl, elt, airflow, dbt, dagster, data pipeline, data engineering: data-pipelines etl
spark, flink, streaming, kinesis: streaming data-pipelines
data warehouse, data warehousing, snowflake, bigquery, redshift: data-warehousing sql
data modeling, data modelling, dimensional modeling, star schema: data-modeling
mlops, mlflow, model monitoring: mlops; k8s, kubernetes, helm: kubernetes
docker, container: docker containers
ci/cd, cicd, continuous integration, continuous delivery, github actions, jenkins: ci-cd
observability, monitoring, prometheus, grafana, datadog, alerting: observability monitoring
on call, incident, incident response, postmortem: incident-response
ios, android, swift, kotlin, flutter, react native, mobile: mobile
security, owasp, authentication, authorization, oauth, xss, csrf: security
testing, tdd, unit test, pytest, jest, cypress, integration test: testing
algorithm, data structure: algorithms data-structures; python, django, flask, fastapi: python
orm, sqlalchemy, hibernate: orm databases; migration, schema migration: migrations
transaction, acid: transactions databases; index, indexing: indexing databases
metric, kpi, okr, north star: metrics; analytics, analysis: analytics
roadmap, roadmapping: roadmap; product sense, product thinking: product-sense
product strategy, strategy, go to market: product-strategy
user research, customer research, usability, user interview: user-research
pricing, monetisation, monetization: monetisation
prioritisation, prioritization, prioritise, prioritize, priority: prioritisation
stakeholder, stakeholder management, cross-functional: stakeholder-management
leadership, leading, lead: leadership; mentoring, mentor, mentorship, coaching: mentoring
hiring, recruiting, interviewing: hiring; communication, communicate, communicating: communication
teamwork, collaboration, collaborative, collaborate: teamwork collaboration
ownership, accountability: ownership; ambiguity, ambiguous: ambiguity
customer, customer focus, customer obsession, user-centric: customer-focus
conflict, disagreement: conflict; planning, project management: planning
technical debt, tech debt, legacy code, refactoring: technical-debt; code review: code-review
decision making: decision-making; problem solving: problem-solving
debugging, troubleshooting: debugging; design system, component library: design-systems
event loop: event-loop; window function: window-functions
model evaluation, precision, recall: model-evaluation machine-learning
idempotency, idempotent: idempotency; frontend, front end: frontend; backend, back end: backend
fullstack, full stack: fullstack; devops, sre, site reliability: devops
"""


def _parse_synonyms(spec: str) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    words: dict[str, tuple[str, ...]] = {}
    phrases: dict[str, tuple[str, ...]] = {}
    for group in filter(None, (raw.strip() for raw in re.split(r"[;\n]", spec))):
        keys, _, tags = group.rpartition(":")
        for key in (k.strip() for k in keys.split(",")):
            (phrases if " " in key else words)[key] = tuple(tags.split())
    return words, phrases


_WORD_TAGS, _PHRASE_TAGS = _parse_synonyms(_SYNONYMS)
_MAX_PHRASE = max(len(p.split()) for p in _PHRASE_TAGS)
_TOKEN_RE = re.compile(r"[a-z0-9][a-z0-9+#./-]*[a-z0-9+#]|[a-z0-9]")
_STOPWORD_TEXT = "a an and are as at be by for from has have i in is it its of on or our that the"
_STOPWORDS = frozenset(f"{_STOPWORD_TEXT} this to was we were will with you your".split())


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def extract_keywords(text: str) -> set[str]:
    """Lower-case words of `text` plus the canonical skill tags they imply.

    "Experience with Postgres and system design" yields the words themselves and tags
    such as "postgresql", "sql", "databases" and "system-design".
    """
    keywords: set[str] = set()
    words: list[str] = []  # hyphen-split stream used to spot multi-word phrases
    for token in _TOKEN_RE.findall(text.lower()):
        parts = [p for p in re.split(r"[-/]", token) if p]
        words.extend(p for p in token.split("-") if p)
        for word in {token, *parts}:
            if word not in _STOPWORDS:
                keywords.add(word)
            for form in (word, _singular(word)):
                keywords.update(_WORD_TAGS.get(form, ()))
    for size in range(2, _MAX_PHRASE + 1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            keywords.update(_PHRASE_TAGS.get(phrase, ()) or _PHRASE_TAGS.get(_singular(phrase), ()))
    return keywords


_ROLE_HINTS: tuple[tuple[str, frozenset[str]], ...] = (
    ("fullstack", frozenset({"fullstack"})),
    ("frontend", frozenset({"frontend", "ui", "web", "react", "angular", "vue", "javascript"})),
    ("backend", frozenset({"backend", "server", "api-design", "platform", "java", "golang"})),
    ("data", frozenset({"data", "scientist", "analyst", "machine-learning", "statistician"})),
    ("devops", frozenset({"devops", "infrastructure", "cloud", "platform", "reliability"})),
    ("mobile", frozenset({"mobile"})),
)
_ENGINEER_WORDS = frozenset({"engineer", "developer", "swe", "sde", "programmer", "software"})
_MANAGER_WORDS = frozenset({"manager", "director", "head", "vp", "cto"})


def resolve_roles(title: str) -> frozenset[str]:
    """Bank roles for a free-text job title; always includes "general".

    "Senior Backend Engineer" -> {backend, general}; "Product Manager" -> {product, general};
    a plain "Software Engineer" -> backend, frontend and fullstack.
    """
    kw = extract_keywords(title)
    roles = {role for role, hints in _ROLE_HINTS if kw & hints}
    product = ("product" in kw and not kw & _ENGINEER_WORDS) or bool(kw & {"pm", "apm", "tpm"})
    if product:
        roles.add("product")
    elif kw & _MANAGER_WORDS:
        roles.add("manager")
    if "fullstack" in roles or (not roles and kw & _ENGINEER_WORDS):
        roles.update({"backend", "frontend", "fullstack"})
    return frozenset(roles | {"general"})


@dataclass(frozen=True)
class _Profile:
    roles: frozenset[str]  # specific target roles, without "general"
    jd: frozenset[str]
    resume: frozenset[str]
    template_skills: frozenset[str]
    difficulty: int
    nice: frozenset[str] = frozenset()  # the job's nice-to-have skills (from its analysis)


_JITTER = 1.5  # random spread: only questions within ~1.5 points of each other swap places
_MAX_SKILL_SCORE = 5.0
_REPEAT_SKILL_PENALTY = 0.6  # per skill already covered by a chosen question
_MAX_PENALTY = 1.8


def _score(question: Question, profile: _Profile) -> float:
    if profile.roles & set(question.roles):
        role = 4.0
    elif "general" in question.roles or not profile.roles:
        role = 2.0
    else:
        role = 0.0
    distance = abs(DIFFICULTIES.index(question.difficulty) - profile.difficulty)
    difficulty = (5.0, 2.0, 0.0)[distance]
    skills = sum(
        2.0 * (s in profile.jd)
        + 1.0 * (s in profile.nice)
        + 1.0 * (s in profile.resume)
        + 0.75 * (s in profile.template_skills)
        for s in question.skills
    )
    return role + difficulty + min(skills, _MAX_SKILL_SCORE)


_ALLOWED: dict[InterviewType, dict[Category, float]] = {
    "behavioral": {"behavioral": 2.0, "situational": 1.0},
    "technical": {"technical": 1.0},
    "mixed": {"behavioral": 1.0, "technical": 1.0, "situational": 1.0},
}
_FALLBACK: dict[InterviewType, tuple[Category, ...]] = {
    "behavioral": ("behavioral", "situational", "technical"),
    "technical": ("technical", "situational", "behavioral"),
    "mixed": QUESTION_CATEGORIES,
}


def _category_weights(
    interview_type: InterviewType, template: Template | None
) -> dict[Category, float]:
    base = _ALLOWED[interview_type]
    weights = {c: w / sum(base.values()) for c, w in base.items()}
    if template is not None:
        extra = {c: template.category_weights.get(c, 0.0) for c in weights}
        total = sum(extra.values())
        if total > 0:
            weights = {c: (w + extra[c] / total) / 2 for c, w in weights.items()}
    return weights


def _allocate(weights: dict[Category, float], count: int, mixed: bool) -> dict[Category, int]:
    """Split `count` across categories by weight (largest remainder), mixed-type rules applied."""
    exact = {c: count * w / sum(weights.values()) for c, w in weights.items()}
    quota = {c: math.floor(exact.get(c, 0.0)) for c in QUESTION_CATEGORIES}
    by_remainder = sorted(weights, key=lambda c: (quota[c] - exact[c], -weights[c]))
    for category in by_remainder[: count - sum(quota.values())]:
        quota[category] += 1
    if mixed:
        cap = math.ceil(count / 2)
        for category in QUESTION_CATEGORIES:
            if count >= 3 and quota[category] == 0:
                quota[max(quota, key=lambda c: quota[c])] -= 1
                quota[category] = 1
        for category in QUESTION_CATEGORIES:
            while quota[category] > cap:
                receiver = max(
                    (c for c in QUESTION_CATEGORIES if quota[c] < cap),
                    key=lambda c: weights.get(c, 0.0),
                )
                quota[category] -= 1
                quota[receiver] += 1
    return quota


def select_questions(
    bank: Sequence[Question],
    *,
    role: str,
    interview_type: InterviewType,
    difficulty: Difficulty,
    count: int,
    job_description: str = "",
    resume_text: str = "",
    template: Template | None = None,
    exclude_ids: Collection[str] = (),
    rng: random.Random,
    required_skills: Collection[str] = (),
    nice_skills: Collection[str] = (),
) -> list[Question]:
    """Pick `count` distinct questions from `bank` for this candidate and interview.

    Returns fewer only when the bank has fewer than `count` non-excluded questions.
    With the job description's analysis (`required_skills`, `nice_skills`), its required
    skills stand for the job (weighing double) and its nice-to-have ones weigh single.
    Categories follow `interview_type` (and `template` weights); when a category runs
    out, other categories and difficulties fill in rather than shortening the interview.
    """
    if count < 0:
        raise ValueError(f"count must be non-negative, got {count}")
    excluded = set(exclude_ids)
    candidates: dict[str, Question] = {}
    for question in bank:
        if question.id not in excluded and question.id not in candidates:
            candidates[question.id] = question
    target_roles = resolve_roles(role) | frozenset(template.roles if template else ())
    profile = _Profile(
        roles=target_roles - {"general"},
        jd=frozenset(extract_keywords(" ".join(required_skills) if required_skills
                                      else job_description)),
        nice=frozenset(extract_keywords(" ".join(nice_skills))),
        resume=frozenset(extract_keywords(resume_text)),
        template_skills=frozenset(template.skills if template else ()),
        difficulty=DIFFICULTIES.index(difficulty),
    )
    pools: dict[Category, list[tuple[float, Question]]] = {c: [] for c in QUESTION_CATEGORIES}
    for question in candidates.values():
        score = _score(question, profile) + rng.random() * _JITTER
        pools[question.category].append((score, question))

    weights = _category_weights(interview_type, template)
    mixed = interview_type == "mixed"
    wanted = _allocate(weights, count, mixed)
    quota = {c: min(wanted[c], len(pools[c])) for c in QUESTION_CATEGORIES}
    cap = math.ceil(count / 2)
    preference = sorted(_FALLBACK[interview_type], key=lambda c: -weights.get(c, 0.0))
    for _ in range(count - sum(quota.values())):
        spare = [c for c in preference if len(pools[c]) > quota[c]]
        if not spare:
            break
        under_cap = [c for c in spare if quota[c] < cap] if mixed else []
        quota[(under_cap or spare)[0]] += 1

    covered: set[str] = set()
    picked: dict[Category, list[Question]] = {c: [] for c in QUESTION_CATEGORIES}
    order = sorted(QUESTION_CATEGORIES, key=lambda c: -quota[c])
    for category in order:
        pool = pools[category]
        for _ in range(quota[category]):
            # Small penalty for skills already covered, so picks spread across topics.
            adjusted = [
                score
                - min(_REPEAT_SKILL_PENALTY * len(covered.intersection(q.skills)), _MAX_PENALTY)
                for score, q in pool
            ]
            best = max(range(len(pool)), key=adjusted.__getitem__)
            question = pool.pop(best)[1]
            covered.update(question.skills)
            picked[category].append(question)

    # Interleave categories so a mixed interview alternates rather than clustering.
    result: list[Question] = []
    for rank in range(max((len(p) for p in picked.values()), default=0)):
        result.extend(picked[c][rank] for c in order if rank < len(picked[c]))
    return result
