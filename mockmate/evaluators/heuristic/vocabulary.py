"""The evaluator's knowledge of words, kept as data: stop-words, skill vocabularies, names.

The heuristic evaluator knows a domain only through these lists: which words carry no
content, which terms show expertise in a skill (most central first, as they double as
suggestions in tips), which words put a behavioural story on topic, which technologies and
concrete nouns make an answer specific, and which words of a question or job description are
mere framing. Extending the evaluator to a new skill means editing this module only.
"""

from typing import Final

from mockmate.evaluators.heuristic.text import Term, make_terms, stem

_STOPWORDS_TEXT: Final = """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each even ever every few for from further get gets got had
    hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him
    himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself just let's
    like lot lots may me might more most much must mustn't my myself no nor not now of off on once
    only or other ought our ours ourselves out over own really same shan't she she'd she'll she's
    should shouldn't so some something such than that that's the their theirs them themselves then
    there there's these they they'd they'll they're they've thing things this those through to too
    under until up upon us very was wasn't we we'd we'll we're we've were weren't what what's when
    when's where where's which while who who's whom why why's will with won't would wouldn't yes
    yet you you'd you'll you're you've your yours yourself yourselves also okay ok well quite
    still stuff kind sort etc one ones
    """
STOPWORDS: Final[frozenset[str]] = frozenset(_STOPWORDS_TEXT.split())

# Specialised vocabulary per common skill, most central terms first (they double as suggestions
# in tips): using these is the signal of domain knowledge. Generic words ("fast", "database",
# "query") are deliberately left out.
_SKILL_VOCAB_TEXT: Final[dict[str, str]] = {
    "sql": "index|query plan|EXPLAIN ANALYZE|N+1|join|composite index|covering index"
    "|execution plan|EXPLAIN|sequential scan|full table scan|index scan|cardinality|selectivity"
    "|WHERE clause|GROUP BY|aggregate|subquery|CTE|window function|transaction|isolation level"
    "|deadlock|row lock|normalization|denormalize|foreign key|primary key|partition"
    "|materialized view|pagination|keyset|prepared statement|VACUUM|slow query log|ORM|batch"
    "|B-tree",
    "caching": "TTL|invalidation|hit rate|eviction|stale|LRU|cache-aside|write-through"
    "|read-through|write-back|write-behind|time to live|LFU|invalidate|cache hit|hit ratio"
    "|cache miss|staleness|stampede|thundering herd|warm-up|cold start|CDN|memoize|memoization"
    "|cache key|Redis|Memcached|expiry|expire|ETag|Cache-Control|in-memory|coalescing|hot key",
    "databases": "read replica|connection pool|transaction|index|replication|sharding"
    "|partition|isolation level|ACID|replica|shard|eventual consistency|consistency|schema"
    "|migration|normalization|denormalization|write-ahead log|backup|primary key|foreign key"
    "|NoSQL|key-value|document store|throughput|deadlock|MVCC|B-tree|query plan",
    "concurrency": "race condition|lock|mutex|deadlock|atomic|thread pool|thread|semaphore"
    "|async|await|event loop|coroutine|parallel|contention|idempotent|idempotency"
    "|optimistic locking|pessimistic locking|compare-and-swap|queue|backpressure|livelock"
    "|starvation|critical section|memory model|GIL",
    "system-design": "load balancer|horizontal scaling|replication|sharding|message queue"
    "|cache|availability|consistency|bottleneck|vertical scaling|queue|Kafka|pub/sub|CDN"
    "|eventual consistency|CAP theorem|latency|throughput|single point of failure|failover"
    "|rate limiting|idempotency|microservice|monolith|stateless|autoscaling|SLA|SLO|p99|p95"
    "|QPS|RPS|back-of-the-envelope|circuit breaker|retry|backoff|partition",
    "react": "state|props|useEffect|re-render|memo|component|useState|useMemo|useCallback"
    "|useRef|hook|rerender|virtual DOM|reconciliation|key prop|context|Redux|Suspense"
    "|server component|hydration|JSX|dependency array|controlled component|lifting state"
    "|prop drilling|ref",
    "javascript": "event loop|closure|promise|async|await|callback|prototype|hoisting|scope"
    "|arrow function|microtask|TypeScript|const|let|spread|destructuring|module|bundle"
    "|tree shaking|debounce|throttle|DOM|event delegation|garbage collection",
    "css": "flexbox|grid|specificity|cascade|box model|media query|responsive|rem|viewport"
    "|z-index|stacking context|position sticky|pseudo-class|selector|BEM|custom property"
    "|CSS variable|layout shift|reflow|repaint|transition|container query",
    "accessibility": "WCAG|ARIA|screen reader|semantic HTML|keyboard navigation|contrast"
    "|focus|alt text|keyboard|focus trap|tab order|landmark|label|VoiceOver|NVDA|axe"
    "|Lighthouse|skip link|color contrast|reduced motion|a11y",
    "statistics": "confidence interval|p-value|sample size|variance|distribution|mean|median"
    "|standard deviation|normal distribution|significance|null hypothesis|power|regression"
    "|correlation|causation|bias|outlier|Bayesian|prior|posterior|t-test|chi-square|bootstrap"
    "|percentile|skew",
    "machine-learning": "overfitting|validation set|baseline|precision|recall|training"
    "|test set|underfitting|regularization|cross-validation|feature engineering|F1|AUC|ROC"
    "|loss function|gradient descent|learning rate|hyperparameter|label|leakage|data leakage"
    "|embedding|transformer|drift|class imbalance|ensemble|random forest|XGBoost"
    "|neural network|inference",
    "experimentation": "control|sample size|statistical significance|guardrail metric"
    "|A/B test|treatment|variant|randomization|randomize|power|minimum detectable effect|MDE"
    "|p-value|confidence interval|novelty effect|peeking|sequential testing|holdout"
    "|primary metric|conversion rate|uplift|lift|bucketing|sample ratio mismatch",
    "python": "generator|context manager|decorator|list comprehension|iterator|GIL|asyncio"
    "|type hints|dataclass|pydantic|virtualenv|pip|pytest|exception|dict|tuple|lambda|yield"
    "|duck typing|mypy|profiling|cProfile|NumPy|pandas",
    "apis": "status code|idempotency|pagination|versioning|REST|endpoint|HTTP|idempotent"
    "|rate limiting|authentication|authorization|OAuth|JWT|token|backward compatible|schema"
    "|OpenAPI|GraphQL|gRPC|webhook|timeout|retry|payload|JSON|contract|cursor",
    "metrics": "baseline|retention|conversion|north star|guardrail|KPI|churn|DAU|MAU|funnel"
    "|cohort|dashboard|leading indicator|lagging indicator|activation|engagement|NPS|LTV|CAC"
    "|p95|p99|SLO|SLA|instrumentation",
    "prioritisation": "impact|effort|trade-off|cost of delay|RICE|MoSCoW|roadmap|stakeholder"
    "|urgency|backlog|scope|MVP|dependency|deadline|opportunity cost|must-have|nice-to-have"
    "|quick win|value",
    "testing": "unit test|integration test|end-to-end|mock|stub|fixture|coverage|regression"
    "|TDD|flaky|assertion|continuous integration|property-based",
    "security": "authentication|authorization|encryption|least privilege|input validation"
    "|TLS|HTTPS|hashing|salt|bcrypt|XSS|CSRF|SQL injection|secret|vulnerability|OWASP|sanitize",
    "devops": "rollback|canary|feature flag|monitoring|CI/CD|pipeline|deploy|blue-green"
    "|Kubernetes|Docker|container|Terraform|infrastructure as code|alerting|observability"
    "|tracing|incident|on-call|postmortem",
    "performance": "profiling|bottleneck|p95|latency|throughput|profiler|p99|flame graph"
    "|benchmark|memory leak|complexity|big O|lazy loading|code splitting|bundle size",
    "algorithms": "time complexity|space complexity|big O|hash map|binary search|sort"
    "|recursion|dynamic programming|memoization|graph|BFS|DFS|heap|tree|linked list|log n",
    "data-pipelines": "partition|backfill|idempotent|late-arriving|late data|watermark|upsert"
    "|MERGE|deduplicate|schema registry|schema evolution|backward compatible|CDC"
    "|change data capture|batch|streaming|exactly-once|at-least-once|offset|checkpoint|DAG"
    "|Airflow|dbt|Spark|Kafka|Flink|Parquet|warehouse|staging table|fact table|dimension"
    "|data quality|quarantine|lineage|orchestration|reprocess|transaction|event ID",
    "debugging": "reproduce|root cause|logs|stack trace|breakpoint|debugger|bisect|hypothesis"
    "|minimal repro|tracing",
}

# Topic words for behavioural skills: they only feed relevance (is the story on topic?).
_TOPIC_VOCAB_TEXT: Final[dict[str, str]] = {
    "conflict-resolution": "conflict|disagree|disagreement|tension|argument|compromise"
    "|perspective|concern|consensus|common ground|push back|escalate|one-on-one|listen"
    "|viewpoint|resolve|misunderstanding|frustrated|colleague|teammate",
    "leadership": "lead|led|mentor|delegate|vision|motivate|ownership|decision|align|initiative"
    "|coach|direction|team",
    "communication": "explain|stakeholder|update|present|presentation|listen|clarify|written"
    "|document|meeting|audience|feedback|non-technical",
    "teamwork": "team|teammate|colleague|collaborate|pair|cross-functional|support|help|share"
    "|together",
    "ownership": "own|ownership|responsibility|accountable|initiative|proactive|follow up"
    "|end-to-end",
    "failure": "mistake|fail|failure|wrong|lesson|learn|retrospective|postmortem|recover|fix"
    "|outage|incident|bug|broke|missed|late|regret|went wrong|root cause|shortcut|apologize"
    "|responsibility|rollback",
    "feedback": "feedback|criticism|review|suggestion|improve|receive|accept|one-on-one",
    "time-management": "deadline|schedule|priority|prioritize|plan|estimate|time|calendar"
    "|focus|delay",
    "stakeholder-management": "stakeholder|expectation|align|negotiate|update|trade-off|scope"
    "|deadline|manager|customer",
    "mentoring": "mentor|junior|coach|pair|teach|onboard|guidance|grow|career",
    "problem-solving": "problem|root cause|analyze|hypothesis|solution|debug|investigate"
    "|option|data",
    "adaptability": "change|adapt|pivot|unfamiliar|learn|ambiguity|flexible|new",
    "performance-management": "underperform|underperforming|performance|missed|missing|slipped"
    "|struggling|struggle|expectations|improvement plan|goals|coaching|one-on-one|feedback"
    "|commitments",
    "customer-focus": "customer|user|client|feedback|need|support|satisfaction|complaint",
}

# Other spellings of skill tags (after normalising case and separators).
SKILL_ALIASES: Final[dict[str, str]] = {
    "prioritization": "prioritisation",
    "prioritizing": "prioritisation",
    "priorities": "prioritisation",
    "conflict": "conflict-resolution",
    "collaboration": "teamwork",
    "ab-testing": "experimentation",
    "a/b-testing": "experimentation",
    "experiments": "experimentation",
    "ml": "machine-learning",
    "stats": "statistics",
    "db": "databases",
    "database": "databases",
    "cache": "caching",
    "api": "apis",
    "api-design": "apis",
    "rest": "apis",
    "a11y": "accessibility",
    "js": "javascript",
    "typescript": "javascript",
    "distributed-systems": "system-design",
    "architecture": "system-design",
    "scalability": "system-design",
    "data-structures": "algorithms",
    "ci-cd": "devops",
    "cloud": "devops",
    "stakeholders": "stakeholder-management",
    "kpis": "metrics",
    "analytics": "metrics",
    "failure-and-learning": "failure",
    "learning": "failure",
    "mentorship": "mentoring",
    "frontend-performance": "performance",
    "data-engineering": "data-pipelines",
    "etl": "data-pipelines",
    "streaming": "data-pipelines",
    "data-quality": "data-pipelines",
}

SKILL_VOCAB: Final[dict[str, tuple[Term, ...]]] = {
    k: make_terms(v.split("|")) for k, v in _SKILL_VOCAB_TEXT.items()
}
TOPIC_VOCAB: Final[dict[str, tuple[Term, ...]]] = {
    k: make_terms(v.split("|")) for k, v in _TOPIC_VOCAB_TEXT.items()
}
ALL_TECH_TERMS: Final[tuple[Term, ...]] = tuple(
    {t.key: t for terms in SKILL_VOCAB.values() for t in terms}.values()
)

# Skills where a good answer is expected to put numbers on things.
QUANTITATIVE_SKILLS: Final = frozenset(
    (
        "sql",
        "databases",
        "caching",
        "system-design",
        "performance",
        "metrics",
        "statistics",
        "experimentation",
        "machine-learning",
        "concurrency",
        "devops",
        "apis",
    )
)

_TECH_NAMES_TEXT: Final = """
    redis memcached postgres postgresql mysql sqlite mongodb dynamodb cassandra elasticsearch
    kafka rabbitmq sqs sns kinesis kubernetes k8s docker terraform aws gcp azure lambda s3
    cloudfront nginx graphql grpc react vue angular svelte next.js node.js nodejs typescript
    javascript python django flask fastapi java spring golang rust c++ c# .net ruby rails php
    swift kotlin pandas numpy spark airflow dbt snowflake bigquery tableau looker pytorch
    tensorflow scikit-learn sklearn jenkins circleci datadog grafana prometheus sentry jira
    figma amplitude mixpanel optimizely celery webpack vite jest cypress playwright pytest
    selenium linux git github gitlab opentelemetry splunk kibana vercel heroku firebase stripe
    salesforce excel sql
    """
# Technologies and tools: naming one makes an answer specific.
TECH_NAMES: Final[tuple[str, ...]] = tuple(_TECH_NAMES_TEXT.split())

_CONCRETE_NOUNS_TEXT: Final = """
    dashboard pipeline service microservice endpoint api database schema query deployment
    release deadline customer client ticket incident outage sprint migration test pull request
    review design doc rfc prototype flag alert runbook roadmap spreadsheet report budget
    contract launch backlog stakeholder postmortem checkout payment invoice login onboarding
    page app cluster server repository script library framework module feature bug latency
    traffic revenue churn conversion survey interview meeting demo backend frontend mobile
    """
CONCRETE_NOUNS: Final[frozenset[str]] = frozenset(stem(w) for w in _CONCRETE_NOUNS_TEXT.split())

# Words that frame a question rather than say what it is about.
_QUESTION_FRAMING_TEXT: Final = """
    tell describe time times explain give example examples walk talk share situation handle
    handled deal dealt experience think approach way ways please question answer would could
    should can did do does go going happened happen specific specifically recent recently ever
    last want make made use using used know new good best someone run runs become has re
    pre non co team teams engineer engineers
    """
# Job-description boilerplate that says nothing about the job itself.
_JD_BOILERPLATE_TEXT: Final = """
    experience years year strong ability able work working team teams role looking candidate
    responsibilities requirements required preferred plus bonus skills skill including include
    excellent great good knowledge understanding join company opportunity environment
    engineer engineering developer senior junior mid lead staff principal intern position
    based equivalent degree etc must nice across within help build hiring hire we're you'll
    you're run running own owning ideal day days proven track record passion passionate
    """
# Words that are never keywords of a question, or of a job description and role title.
QUESTION_SKIP: Final[frozenset[str]] = STOPWORDS.union(_QUESTION_FRAMING_TEXT.split())
JD_SKIP: Final[frozenset[str]] = STOPWORDS.union(_JD_BOILERPLATE_TEXT.split())

# What a role title (matched by stem, without a job description) leads us to expect.
ROLE_VOCAB: Final[dict[str, str]] = {
    "backend": "api database service scale latency microservice queue cache sql reliability",
    "frontend": "ui react css accessibility browser component javascript typescript design",
    "fullstack": "api database react frontend backend ui service javascript",
    "data": "sql pipeline dashboard model experiment metric analysis statistics python",
    "product": "user customer roadmap prioritise metric stakeholder launch research",
    "devops": "deploy kubernetes monitoring incident reliability infrastructure pipeline",
    "sre": "reliability incident monitoring latency slo on-call postmortem alert",
    "ml": "model training feature evaluation data pipeline inference",
    "mobile": "ios android app release performance offline",
    "design": "user research prototype usability accessibility figma",
    "manager": "team hiring mentor stakeholder roadmap delivery feedback",
}
