"""What the evaluator needs to know about the question: its keywords, skills and vocabulary.

An answer is judged against the question it answers: the words the question itself uses, the
skills it tests (its tags, plus any its wording reveals) and the domain terms a strong answer
would use. Working this out once per question (it is cached) keeps the per-answer rules simple.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from mockmate.evaluators.heuristic.concepts import SIBLINGS, uses
from mockmate.evaluators.heuristic.intent import intents_of
from mockmate.evaluators.heuristic.text import (
    Term,
    fold,
    join_stems,
    keyword_counts,
    make_terms,
    stem,
    term_in,
    words,
)
from mockmate.evaluators.heuristic.vocabulary import (
    ALL_TECH_TERMS,
    QUESTION_SKIP,
    SKILL_ALIASES,
    SKILL_VOCAB,
    STOPWORDS,
    TOPIC_VOCAB,
)
from mockmate.questions.models import Question


@dataclass(frozen=True)
class QuestionProfile:
    """What the rules need to know about the question being answered."""

    category: str
    keywords: dict[str, str]  # keyword stem -> the word as written in the question
    skills: tuple[str, ...]  # known skills (tags plus inferred), technical and behavioural
    tech_terms: tuple[Term, ...]  # domain vocabulary not already used by the question itself
    tech_weight: float  # < 1 when the skill is unknown and every vocabulary is accepted
    topic_terms: tuple[Term, ...]  # skill tags and their vocabularies (technical or topical)
    topic_stems: frozenset[str]  # question keywords and single-word topic terms
    intents: frozenset[str] = frozenset()  # stock prompts its wording asks for (`intent`)
    # Keyword stem -> other stems that cover it (`concepts`), for keywords that have them.
    siblings: dict[str, frozenset[str]] = field(default_factory=dict)

    def covered(self, answer: frozenset[str], stem_line: str) -> tuple[str, ...]:
        """The question's keywords (as written) that the answer covers: its content stems
        hold the keyword, or its stem line uses a sibling of it in the same sense."""
        return tuple(
            word
            for s, word in self.keywords.items()
            if s in answer
            or any(uses(stem_line, o) for o in self.siblings.get(s, frozenset()) & answer)
        )

    @property
    def technical(self) -> bool:
        return self.category == "technical"


def normalise_skill(tag: str) -> str:
    key = re.sub(r"[\s_]+", "-", tag.strip().lower())
    return SKILL_ALIASES.get(key, key)


def skill_display(key: str) -> str:
    special = {"sql": "SQL", "apis": "API", "css": "CSS", "react": "React", "python": "Python"}
    return special.get(key, key.replace("-", " "))


def infer_skills(
    tags: Sequence[str],
    question_stems: frozenset[str],
    question_line: str,
    keyword_stems: frozenset[str],
) -> list[str]:
    """Known skills for a question: its own tags, plus any whose name or vocabulary it uses
    (two technical terms, or one behavioural topic word among its keywords)."""
    found: list[str] = []
    for tag in tags:
        key = normalise_skill(tag)
        if (key in SKILL_VOCAB or key in TOPIC_VOCAB) and key not in found:
            found.append(key)
    for key, terms in SKILL_VOCAB.items():
        name_stems = [stem(w) for w in words(key.replace("-", " "))]
        named = all(s in question_stems for s in name_stems)
        if key not in found and (
            named or sum(term_in(t, question_stems, question_line) for t in terms) >= 2
        ):
            found.append(key)
    for key, terms in TOPIC_VOCAB.items():
        if key not in found and any(term_in(t, keyword_stems, question_line) for t in terms):
            found.append(key)
    return found


@lru_cache(maxsize=512)
def analyse_question(q: Question) -> QuestionProfile:
    keywords = {s: shown for s, (_, _, shown) in keyword_counts(q.text, QUESTION_SKIP).items()}
    all_stems = [stem(w) for w in words(fold(q.text))]
    question_stems = frozenset(all_stems)
    skills = infer_skills(q.skills, question_stems, join_stems(all_stems), frozenset(keywords))
    groups = [SKILL_VOCAB[s] for s in skills if s in SKILL_VOCAB]
    tech_weight = 1.0
    if not groups:
        groups = [ALL_TECH_TERMS]
        tech_weight = 0.6
    # Interleave the skills' vocabularies so suggestions cover every skill, central terms first.
    tech: dict[str, Term] = {}
    for i in range(max(len(g) for g in groups)):
        for group in groups:
            if i < len(group) and not set(group[i].stems) <= question_stems:
                tech.setdefault(group[i].key, group[i])
    tag_terms = make_terms(w for tag in q.skills for w in words(fold(tag)) if w not in STOPWORDS)
    vocab = [t for s in skills for t in (*SKILL_VOCAB.get(s, ()), *TOPIC_VOCAB.get(s, ()))]
    topic = {
        t.key: t
        for t in (*tag_terms, *vocab)
        if len(t.stems) > 1 or t.stems[0] not in keywords  # keywords are counted separately
    }
    single = (t.stems[0] for t in topic.values() if len(t.stems) == 1)
    return QuestionProfile(
        category=q.category,
        keywords=keywords,
        skills=tuple(skills),
        tech_terms=tuple(tech.values()),
        tech_weight=tech_weight,
        topic_terms=tuple(topic.values()),
        topic_stems=frozenset(keywords).union(single),
        intents=intents_of(fold(q.text)),
        siblings={s: SIBLINGS[s] for s in keywords if s in SIBLINGS},
    )
