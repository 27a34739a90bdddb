"""Offline questions about the candidate's own resume: their projects, employers, roles and
technologies, each with the `why` that ties it to the resume. Pure: no I/O.

Every name a question quotes (project, company, title, technology, or a bullet point quoted
verbatim) is taken from the parsed resume; the templates around them are fixed text, so no
fact is invented.
"""

import math
import random
from collections.abc import Sequence
from typing import Any

from mockmate.domain import Difficulty, InterviewType, QuestionCategory
from mockmate.questions.models import Question
from mockmate.resumes.models import ParsedResume

MAX_QUOTE_CHARS = 160


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _quote(bullet: str) -> str:
    bullet = bullet.strip().rstrip(".")
    return bullet if len(bullet) <= MAX_QUOTE_CHARS else bullet[:MAX_QUOTE_CHARS].rsplit(" ", 1)[0]


def _tags(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n.lower().replace(" ", "-") for n in names if n))[:6]


Asked = tuple[str, str, tuple[str, ...]]  # text, why, skill tags


def _shuffled(items: Sequence[Any], rng: random.Random) -> list[Any]:
    out = list(items)
    rng.shuffle(out)
    return out


def _technical(resume: ParsedResume, rng: random.Random) -> list[Asked]:
    """Technical questions, best first: projects, then employers' technologies, then skills
    (each group in a varied order)."""
    found: list[Asked] = []
    for project in _shuffled(resume.projects, rng):
        tech = project.technologies[:2]
        if tech:
            found.append((
                f"Tell me about {project.name}. Why did you build it with "
                f"{' and '.join(tech)}, what was the hardest technical problem, and what "
                "would you change if you built it again today?",
                f"Your resume lists the project {project.name} ({', '.join(tech)}).",
                _tags(project.technologies),
            ))
        else:
            found.append((
                f"Walk me through the design of {project.name}: its main parts, the "
                "trade-offs you made, and how you knew it worked.",
                f"Your resume lists the project {project.name}.", (),
            ))
    for job in _shuffled(resume.experience, rng):
        used = [s for s in resume.skills if any(s.lower() in b.lower() for b in job.bullets)]
        if job.company and used:
            found.append((
                f"At {job.company} you worked with {used[0]}. Describe a hard problem you "
                f"solved with {used[0]} there, the options you considered, and why you chose "
                "the one you did.",
                f"Your experience at {job.company} mentions {used[0]}.",
                _tags(used),
            ))
    for skill in _shuffled(resume.skills[:6], rng):
        found.append((
            f"You list {skill} among your skills. What is something about {skill} that "
            "surprised you in production, and how did you deal with it?",
            f"Your resume lists {skill} as a skill.", _tags([skill]),
        ))
    return found


def _behavioral(resume: ParsedResume, rng: random.Random) -> list[Asked]:
    """Behavioural questions: the candidate's own bullet points and roles, then projects."""
    found: list[Asked] = []
    for job in _shuffled(resume.experience, rng):
        where = f" at {job.company}" if job.company else ""
        for bullet in job.bullets[:2]:
            found.append((
                f'Your resume says that{where} you "{_lower_first(_quote(bullet))}". Tell me '
                "about it: the situation, what you did yourself, and the result.",
                f"A point from your experience{where}.", (),
            ))
        if job.title and job.company:
            found.append((
                f"As {job.title} at {job.company}, what was the hardest decision you had to "
                "make, and how did it turn out?",
                f"Your role as {job.title} at {job.company}.", ("decision-making",),
            ))
    for project in resume.projects:
        found.append((
            f"What was your own part in {project.name}, and what did you learn from it "
            "that you still use?",
            f"Your resume lists the project {project.name}.", ("ownership",),
        ))
    return found


def personal_questions(
    resume: ParsedResume, *, interview_type: InterviewType, difficulty: Difficulty, count: int,
    rng: random.Random,
) -> list[Question]:
    """Up to `count` questions about this resume, technical and behavioural as the interview
    type asks (alternating for a mixed interview), varied by `rng`."""
    pools: list[tuple[QuestionCategory, list[Asked]]] = []
    if interview_type in ("technical", "mixed"):
        pools.append(("technical", _technical(resume, rng)))
    if interview_type in ("behavioral", "mixed"):
        pools.append(("behavioral", _behavioral(resume, rng)))
    questions: list[Question] = []
    seen: set[str] = set()
    while len(questions) < count and any(pool for _, pool in pools):
        for category, pool in pools:
            if not pool or len(questions) >= count:
                continue
            text, why, skills = pool.pop(0)
            if text in seen:
                continue
            seen.add(text)
            questions.append(Question(
                id=f"resume:{len(questions)}", text=text, category=category,
                difficulty=difficulty, skills=skills, why=why,
            ))
    return questions


def personal_share(count: int) -> int:
    """How many of an interview's `count` questions are about the resume: at least a third."""
    return max(1, math.ceil(count / 3))


def interleave(personal: list[Question], general: list[Question]) -> list[Question]:
    """Spread the personal questions through the interview, starting with one."""
    if not personal:
        return general
    out: list[Question] = []
    step = max(1, (len(personal) + len(general)) // len(personal))
    p, g = list(personal), list(general)
    while p or g:
        if p and (len(out) % step == 0 or not g):
            out.append(p.pop(0))
        elif g:
            out.append(g.pop(0))
    return out
