"""Technologies and skills the offline parsers recognise, by their display names.

Resumes and job descriptions name the same thing many ways ("Postgres", "PostgreSQL");
each entry is the name we show, then the other spellings. Matching is on whole words,
case-insensitive. Kept as data: recognising a new technology means adding one line here.
"""

import re
from functools import cache
from typing import Final

_VOCABULARY: Final = """
Python | python3; Java; Kotlin; Scala; Go | golang; Rust; C++ | cpp; C#; Ruby; PHP; Swift
JavaScript | js | ecmascript; TypeScript | TS; SQL; Bash | shell scripting; R; Elixir; Haskell
React | reactjs | react.js; React Native; Angular; Vue | vue.js | vuejs; Svelte; Next.js | nextjs
Redux; Node.js | node | nodejs; Express | express.js; Django; Flask; FastAPI; Spring | spring boot
Rails | ruby on rails; .NET | dotnet; HTML | html5; CSS | css3 | sass | scss; Tailwind | tailwindcss
GraphQL; REST | restful | rest api | rest apis; gRPC; WebSockets | websocket; OpenAPI
PostgreSQL | postgres | psql; MySQL; SQLite; MongoDB | mongo; Redis; Cassandra; DynamoDB
Elasticsearch | opensearch; Snowflake; BigQuery; Redshift; Kafka | apache kafka; RabbitMQ; SQS
Spark | apache spark | pyspark; Airflow | apache airflow; dbt; Flink; Hadoop; Pandas; NumPy
PyTorch; TensorFlow; scikit-learn | sklearn; Machine Learning | ML | machine-learning
Deep Learning; NLP | natural language processing; LLMs | llm | large language models
Computer Vision; Statistics; A/B Testing | ab testing | experimentation
AWS | amazon web services; GCP | google cloud; Azure; Docker; Kubernetes | k8s; Helm; Terraform
Ansible; CI/CD | ci-cd | continuous integration | continuous delivery; GitHub Actions; Jenkins; Git
Linux; Prometheus; Grafana; Datadog; Observability | monitoring; Microservices | microservice
Distributed Systems; System Design; Serverless | lambda | aws lambda; Nginx; Celery
Stripe; OAuth | oauth2; Security | application security; Testing | tdd | unit testing
Pytest; Jest; Cypress; Playwright; Selenium; Figma; Agile | scrum | kanban; Jira
Accessibility | a11y | wcag; Performance | performance optimization; Caching; Data Modeling
ETL | elt | data pipelines; Data Warehousing; Analytics; Excel; Tableau; Power BI; Looker
iOS; Android; Flutter; Unity; Blockchain; Solidity
Leadership; Mentoring | mentorship; Communication; Stakeholder Management; Project Management
Product Management; Roadmapping | roadmap; User Research; Recruiting
"""


def _entries() -> list[tuple[str, tuple[str, ...]]]:
    entries = []
    for group in re.split(r"[;\n]", _VOCABULARY):
        names = [n.strip() for n in group.split("|") if n.strip()]
        if names:
            entries.append((names[0], tuple(names)))
    return entries


ENTRIES: Final = _entries()


def _pattern(alias: str) -> str:
    # Whole words; names such as "C++", ".NET" or "Node.js" end or start in punctuation.
    # Short names that are also English ("Go", "R", "ML") must be written in their own case.
    body = re.escape(alias) if len(alias) <= 2 or alias == "Go" else f"(?i:{re.escape(alias)})"
    return rf"(?<![\w.+#&]){body}(?![\w+#&]|\.\w)"


@cache
def _compiled() -> list[tuple[str, re.Pattern[str]]]:
    return [(name, re.compile("|".join(_pattern(a) for a in aliases)))
            for name, aliases in ENTRIES]


def find_skills(text: str) -> list[str]:
    """The display names of the vocabulary's skills that `text` mentions, in order of first
    mention."""
    found = []
    for name, pattern in _compiled():
        match = pattern.search(text)
        if match:
            found.append((match.start(), name))
    return [name for _, name in sorted(found)]


def canonical(name: str) -> str:
    """A skill's display name if the vocabulary knows it, else the name as given."""
    known = find_skills(name)
    return known[0] if len(known) == 1 and len(name) <= len(known[0]) + 12 else name.strip()
