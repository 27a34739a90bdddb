"""The offline job-description analyser: posting text in, `JobAnalysis` out. Pure, no I/O.

Postings share a shape: a title, then sections for what the job involves, what is required
and what is a bonus. The analyser finds those sections by their usual headings, reads the
skills named in each through the skills vocabulary, and reads seniority from the title's
words, or failing that from the years of experience asked for.
"""

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mockmate.resumes.vocabulary import find_skills

Seniority = Literal["intern", "junior", "mid", "senior", "staff", "principal"]
Part = Literal["intro", "responsibilities", "required", "nice"]


class AnalyzeRequest(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    # The length limit is MOCKMATE_MAX_TEXT_FIELD_CHARS (`too_large`), checked by the handler.
    text: str = Field(min_length=1)


class JobAnalysis(BaseModel):
    title: str
    seniority: Seniority
    years_experience: int | None
    required_skills: list[str]
    nice_to_have_skills: list[str]
    responsibilities: list[str]


_HEADINGS: dict[str, Part] = {}
for _part, _names in {
    "responsibilities": ("responsibilities", "key responsibilities", "what you'll do",
                         "what you will do", "the role", "your role", "in this role",
                         "duties", "your responsibilities", "what you'll be doing",
                         "day to day", "the job"),
    "required": ("requirements", "qualifications", "minimum qualifications",
                 "basic qualifications", "required qualifications", "what you'll need",
                 "what you need", "what we're looking for", "what we are looking for",
                 "must have", "must haves", "must-have", "you have", "about you",
                 "required skills", "skills", "who you are", "required"),
    "nice": ("nice to have", "nice-to-have", "nice to haves", "bonus", "bonus points",
             "preferred qualifications", "preferred", "pluses", "good to have",
             "extra credit", "it's a plus if", "even better if", "desirable"),
}.items():
    for _name in _names:
        _HEADINGS[_name] = _part  # type: ignore[assignment]

_BULLET = re.compile(r"^\s*(?:[-*•▪●◦·]|\d+[.)])\s*")
_NICE_MARKERS = re.compile(
    r"\b(?:nice to have|nice-to-have|a plus|is a plus|bonus|preferred|ideally|"
    r"desirable|advantage|familiarity)\b", re.I)
_YEARS = re.compile(r"(\d{1,2})\s*\+?\s*(?:-\s*\d{1,2}\s*)?(?:years|yrs)", re.I)
_TITLE_FIELD = re.compile(r"^(?:job title|title|position|role)\s*:\s*(.+)$", re.I)
_HIRING = re.compile(
    r"\b(?:looking for|hiring|seeking|searching for)\s+(?:an?\s+|our next\s+)?"
    r"((?:[A-Z][\w+#./-]*\s*){1,6})", re.M)
_TITLE_NOUNS = re.compile(
    r"\b(?:engineer|developer|manager|designer|analyst|scientist|architect|lead|"
    r"administrator|consultant|specialist|intern|sre|researcher|director)\b", re.I)
_SENIORITY_WORDS: list[tuple[re.Pattern[str], Seniority]] = [
    (re.compile(r"\bprincipal\b", re.I), "principal"),
    (re.compile(r"\bstaff\b", re.I), "staff"),
    (re.compile(r"\b(?:senior|sr\.?|lead)\b", re.I), "senior"),
    (re.compile(r"\b(?:mid|mid-level|intermediate)\b", re.I), "mid"),
    (re.compile(r"\b(?:junior|jr\.?|entry[- ]level|graduate|new grad)\b", re.I), "junior"),
    (re.compile(r"\b(?:intern|internship)\b", re.I), "intern"),
]


def _heading(line: str) -> Part | None:
    key = re.sub(r"[:!.]+$", "", line.strip().lower()).strip()
    return _HEADINGS.get(key) if len(key.split()) <= 6 else None


def _title(lines: list[str], text: str) -> str:
    for line in lines[:5]:
        field = _TITLE_FIELD.match(line)
        if field:
            return field.group(1).strip()
    first = lines[0] if lines else ""
    if first and len(first.split()) <= 8 and _TITLE_NOUNS.search(first) \
            and _heading(first) is None:
        return first.strip(" :-")
    hiring = _HIRING.search(text)
    if hiring and _TITLE_NOUNS.search(hiring.group(1)):
        words = hiring.group(1).split()
        # Up to and including the last title noun: "Senior Backend Engineer to join" -> ...
        last = max(i for i, w in enumerate(words) if _TITLE_NOUNS.search(w))
        return " ".join(words[: last + 1])
    return ""


def _seniority(title: str, text: str, years: int | None) -> Seniority:
    for source in (title, text[:300]):
        for pattern, level in _SENIORITY_WORDS:
            if pattern.search(source):
                return level
    if years is not None:
        return "senior" if years >= 5 else "mid" if years >= 2 else "junior"
    return "mid"


def analyze_job_description(text: str) -> JobAnalysis:
    lines = [re.sub(r"\s+", " ", raw).strip() for raw in text.splitlines()]
    lines = [line for line in lines if line]
    parts: dict[Part, list[str]] = {"intro": [], "responsibilities": [], "required": [],
                                    "nice": []}
    current: Part = "intro"
    for line in lines:
        heading = _heading(line)
        if heading is not None:
            current = heading
            continue
        parts[current].append(line)

    required: list[str] = []
    nice: list[str] = []
    has_requirements = bool(parts["required"])
    for part, part_lines in parts.items():
        for line in part_lines:
            for sentence in re.split(r"(?<=[.!?;])\s+", line):
                skills = find_skills(sentence)
                if part == "nice" or _NICE_MARKERS.search(sentence):
                    nice += skills
                elif part != "intro" or not has_requirements:
                    # What the job is done with counts as required, as do the requirements.
                    required += skills
    title = _title(lines, text)
    required = list(dict.fromkeys([*find_skills(title), *required]))
    nice = [s for s in dict.fromkeys(nice) if s not in required]
    years = [int(m.group(1)) for m in _YEARS.finditer(text) if int(m.group(1)) <= 30]
    min_years = min(years) if years else None
    responsibilities = [_BULLET.sub("", line, count=1).strip()
                        for line in parts["responsibilities"]]
    if not responsibilities:
        responsibilities = [_BULLET.sub("", line, count=1).strip() for line in lines
                            if re.match(r"^(?:[-*•]\s*)?you(?:'ll| will)\b", line, re.I)]
    return JobAnalysis(
        title=title,
        seniority=_seniority(title, text, min_years),
        years_experience=min_years,
        required_skills=required,
        nice_to_have_skills=nice,
        responsibilities=[r for r in responsibilities if r][:30],
    )
