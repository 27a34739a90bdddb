"""Words that answer a question's words without repeating them: a small workplace thesaurus.

Relevance counts the question's keywords an answer covers. A genuine answer often covers
them in other words: "We were going to miss the launch date, so I told my director" answers
"deliver bad news about a delayed project to leadership" without one shared keyword. Each
group below gathers words that, in an interview answer, name the same thing; a keyword is
covered when the answer uses its own word or any word of a group that holds it. The groups
are generic (what a thesaurus of workplace English would hold), not lifted from the corpus,
and deliberately narrow: a group that holds everything would make every answer relevant.
"""

import re
from typing import Final

from mockmate.evaluators.heuristic.text import stem

_GROUPS_TEXT: Final = """
    delay delayed late slip slipped miss missed behind postpone overdue deadline
    leadership leader director vp executive exec ceo cto cfo boss management head
    decision decide decided chose choose choice pick picked select selected approve
    stop stopped cancel cancelled drop dropped kill killed shelve scrap abandon
    business revenue budget cost profit sales marketing spend
    analysis analyse analyze analysed analyzed model insight segment cohort finding
    change changed switch shift pivot replace redesign reduce reduced increase
    mistake error wrong fault blame broke oversight
    learn learned lesson realise realize taught
    disagree disagreement conflict argue argued debate objection pushback
    designer design mockup wireframe figma ux
    ui interface screen layout button modal form
    underperform underperforming struggling slipping performance
    mentor mentored coach coached teach taught junior mentee
    grow grew growth promoted promotion progress independent confident
    stakeholder sponsor partner requester
    customer client account user
    roadmap backlog
    request asked ask demand
    capacity bandwidth headcount sprint
    prioritise prioritize prioritization priority rank impact effort value
    detect detected notice noticed spot spotted discover discovered caught found
    quality accuracy duplicate duplicates missing null inconsistent corrupt stale
    vulnerability exploit leak bypass injection xss csrf authorization
    research interview usability study survey observe observed
    debt legacy refactor refactoring cleanup rewrite
    incident outage downtime page paged postmortem
    morale motivation burnout engagement trust
    technology framework language library tool stack
    quickly fast week weekend days crash
    alert alerting page paging pager on-call noise noisy
    production live prod serving deployed
    release launch ship shipped deploy rollout
    bug defect regression issue crash
    offline cache cached local sync outbox
    network connectivity connection bandwidth latency timeout
    """


def _groups() -> dict[str, frozenset[str]]:
    siblings: dict[str, set[str]] = {}
    for line in _GROUPS_TEXT.strip().splitlines():
        stems = {stem(w) for w in line.split()}
        for s in stems:
            siblings.setdefault(s, set()).update(stems - {s})
    return {s: frozenset(others) for s, others in siblings.items()}


# Keyword stem -> stems that cover it too.
SIBLINGS: Final[dict[str, frozenset[str]]] = _groups()

# A sibling followed by this particle means something else ("pick up a tool" is not a choice).
_PHRASAL: Final[dict[str, str]] = {stem("pick"): "up", stem("cut"): "corners"}


def uses(stem_line: str, sibling: str) -> bool:
    """Whether the answer (its " s1 s2 ... " stem line) uses `sibling` in the group's sense."""
    particle = _PHRASAL.get(sibling)
    if particle is None:
        return f" {sibling} " in stem_line
    return re.search(rf" {re.escape(sibling)} (?!{particle} )", stem_line) is not None
