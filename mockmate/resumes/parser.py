"""The offline resume parser: resume text in, a `ParsedResume` out. Pure, no I/O.

Resumes share a loose shape: a header (name, contact lines), then sections under headings
("Experience", "Skills", ...). Within Experience, an entry is one or two header lines holding
the title, the company and the dates, then its bullet points; Projects and Education follow
the same pattern. The parser finds the headings, then reads each section with these rules.
What it cannot place stays out rather than being guessed: the candidate corrects the rest
with `PATCH /api/resumes/{id}`.
"""

import re
from collections.abc import Callable

from mockmate.resumes.models import Contact, Education, Experience, ParsedResume, Project
from mockmate.resumes.vocabulary import canonical, find_skills

_HEADINGS: dict[str, tuple[str, ...]] = {
    "summary": ("summary", "profile", "about", "about me", "objective", "professional summary",
                "career summary", "overview"),
    "skills": ("skills", "technical skills", "core skills", "technologies", "tech stack",
               "core competencies", "competencies", "tools", "skills & tools",
               "skills and tools", "expertise"),
    "experience": ("experience", "work experience", "professional experience", "employment",
                   "employment history", "work history", "career history", "career"),
    "projects": ("projects", "personal projects", "selected projects", "side projects",
                 "key projects", "open source", "portfolio"),
    "education": ("education", "education and training", "academic background",
                  "qualifications", "certifications", "education & certifications"),
}
_HEADING_OF = {alias: section for section, aliases in _HEADINGS.items() for alias in aliases}

_BULLET = re.compile(r"^\s*(?:[-*•▪●◦‣–·>]|o\s|\d+[.)]\s)\s*")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{7,}\d")
_LINK = re.compile(r"(?:https?://|www\.)\S+|(?:linkedin|github|gitlab)\.com/\S+", re.I)
_MONTH = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?")
_DATE = rf"(?:{_MONTH}\s+\d{{4}}|\d{{1,2}}/\d{{4}}|\d{{4}}-\d{{2}}|\d{{4}})"
_RANGE = re.compile(
    rf"\(?\s*({_DATE})\s*(?:-|–|—|to|until)\s*({_DATE}|present|current|now|today)\s*\)?", re.I
)
_SINGLE_DATE = re.compile(rf"\(?\s*({_DATE})\s*\)?", re.I)
_SEPARATORS = re.compile(r"\s+(?:—|–|-|\||@|at)\s+|\s*[|,]\s*|\s+·\s+")
_TITLE_WORDS = re.compile(
    r"\b(?:engineer|developer|programmer|manager|lead|designer|analyst|scientist|intern|"
    r"architect|consultant|director|head|vp|officer|specialist|administrator|researcher|"
    r"founder|co-founder|cto|ceo|sre|owner|associate|staff|principal|senior|junior|"
    r"technician|coordinator|president|advisor|teacher|assistant)\b", re.I)
_DEGREE_WORDS = re.compile(
    r"\b(?:b\.?sc?|b\.?a|m\.?sc?|m\.?a|mba|ph\.?d|bachelor|master|doctor|diploma|degree|"
    r"associate|certificate|certified|certification|b\.?eng|m\.?eng)\b", re.I)
_SCHOOL_WORDS = re.compile(
    r"\b(?:university|college|institute|school|academy|polytechnic|universit[äa]t|ecole|"
    r"école)\b", re.I)
_TECH_LINE = re.compile(
    r"^(?:tech(?:nologies|nology| stack)?|stack|built with|tools|languages)\s*[:\-–]\s*", re.I
)
_NAME_SPLIT = re.compile(r"(\s+[—–-]\s+|:\s+|\s+\|\s+)")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def _heading(line: str) -> str | None:
    key = re.sub(r"[^a-z& ]", "", line.lower()).strip()
    if len(key.split()) > 4:
        return None
    return _HEADING_OF.get(key)


def _sections(lines: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    header: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] = header
    for line in lines:
        section = _heading(line)
        if section is not None:
            current = sections.setdefault(section, [])
        else:
            current.append(line)
    return header, sections


def _is_bullet(line: str) -> bool:
    return bool(_BULLET.match(line))


def _debullet(line: str) -> str:
    return _BULLET.sub("", line, count=1).strip()


def _parts(text: str) -> list[str]:
    return [p.strip(" ,.;:()") for p in _SEPARATORS.split(text) if p.strip(" ,.;:()")]


def _contact(text: str, header: list[str], name: str) -> Contact:
    email = _EMAIL.search(text)
    phone = next((m.group(0).strip() for m in _PHONE.finditer("\n".join(header or [text]))
                  if sum(c.isdigit() for c in m.group(0)) >= 8 and not _RANGE.search(m.group(0))),
                 "")
    links = list(dict.fromkeys(m.group(0).rstrip(".,;)") for m in _LINK.finditer(text)))
    location = ""
    for line in header:
        for piece in re.split(r"\s*[|•·]\s*", line):
            if piece != name and "," in piece and not re.search(r"[@\d/]", piece) \
                    and len(piece.split()) <= 5:
                location = piece.strip()
                break
        if location:
            break
    return Contact(email=email.group(0) if email else "", phone=phone, location=location,
                   links=links[:20])


def _name(header: list[str]) -> str:
    for line in header[:4]:
        candidate = re.split(r"\s*[|•·,]\s*", line)[0].strip()
        words = candidate.split()
        if 2 <= len(words) <= 5 and not re.search(r"[@\d/:]", candidate) \
                and all(w[0].isupper() for w in words if w[0].isalpha()):
            return candidate
    return ""


def _split_dates(line: str) -> tuple[str, str, str]:
    """(line without its dates, start, end)."""
    found = _RANGE.search(line)
    if found:
        end = found.group(2)
        end = "Present" if end.lower() in ("present", "current", "now", "today") else end
        return (line[: found.start()] + " " + line[found.end():]).strip(), found.group(1), end
    single = _SINGLE_DATE.search(line)
    if single and _YEAR.search(single.group(0)):
        return (line[: single.start()] + " " + line[single.end():]).strip(), single.group(1), ""
    return line, "", ""


def _experience(lines: list[str]) -> list[Experience]:
    entries: list[Experience] = []
    current: Experience | None = None
    for raw in lines:
        # A plain sentence under a complete entry header is one of its points.
        if _is_bullet(raw) or (current is not None and current.company and current.title
                               and not _RANGE.search(raw) and not _TITLE_WORDS.search(raw)
                               and len(raw.split()) > 6):
            if current is not None:
                current.bullets.append(_debullet(raw))
            continue
        rest, start, end = _split_dates(raw)
        at = re.split(r"\s+(?:at|@)\s+", rest, maxsplit=1)
        parts = [_clean(p) for p in at] if len(at) == 2 else _parts(rest)
        parts = [p for p in parts if p]
        title = next((p for p in parts if _TITLE_WORDS.search(p)), "")
        if len(at) == 2:
            title, company = parts[0], parts[-1] if len(parts) > 1 else ""
        else:
            company = next((p for p in parts if p != title), "")
        starts_new = current is None or bool(current.bullets) or (
            bool(title and current.title) or bool(company and current.company)
        ) or bool(start and current.start)
        if starts_new:
            current = Experience()
            entries.append(current)
        assert current is not None
        current.title = current.title or title
        current.company = current.company or company
        current.start, current.end = current.start or start, current.end or end
    return [e for e in entries if e.company or e.title][:50]


def _clean(text: str) -> str:
    return text.strip(" ,.;:()|-–—")


def _projects(lines: list[str]) -> list[Project]:
    projects: list[Project] = []
    described: dict[int, list[str]] = {}
    for raw in lines:
        line = _debullet(raw)
        tech = _TECH_LINE.match(line)
        if projects and tech:
            projects[-1].technologies += [canonical(t) for t in _parts(line[tech.end():])]
            continue
        if not _is_bullet(raw) and len(line.split()) <= 12 and not line.endswith("."):
            name, _, rest = [*_NAME_SPLIT.split(line, maxsplit=1), "", ""][:3]
            inline_tech = re.search(r"\(([^)]+)\)", name)
            project = Project(name=_clean(re.sub(r"\([^)]*\)", "", name)))
            if inline_tech:
                project.technologies = [canonical(t) for t in _parts(inline_tech.group(1))]
            if rest:
                described.setdefault(len(projects), []).append(rest.strip())
            projects.append(project)
            continue
        if projects:
            described.setdefault(len(projects) - 1, []).append(line)
    for index, project in enumerate(projects):
        text = " ".join(described.get(index, []))
        project.outcome = text[:5000]
        known = {t.lower() for t in project.technologies}
        project.technologies += [s for s in find_skills(text) if s.lower() not in known]
        project.technologies = list(dict.fromkeys(t for t in project.technologies if t))[:50]
    return [p for p in projects if p.name][:50]


def _education(lines: list[str]) -> list[Education]:
    entries: list[Education] = []
    for raw in lines:
        line = _debullet(raw)
        rest, start, end = _split_dates(line)
        dates = f"{start} – {end}" if start and end else start
        parts = _parts(rest)
        school = next((p for p in parts if _SCHOOL_WORDS.search(p)), "")
        degree = next((p for p in parts if _DEGREE_WORDS.search(p) and p != school), "")
        if not (school or degree):
            continue
        current = entries[-1] if entries else None
        if current is None or (school and current.institution) or (degree and current.degree):
            current = Education()
            entries.append(current)
        current.institution = current.institution or school
        current.degree = current.degree or degree
        current.dates = current.dates or dates
    return entries[:20]


def _skills(lines: list[str], text: str) -> list[str]:
    listed: list[str] = []
    for raw in lines:
        line = _debullet(raw)
        _label, colon, items = line.partition(":")
        listed += [canonical(s) for s in re.split(r"\s*[,;|•·/]\s*", items if colon else line)]
    skills = [s for s in listed if s and len(s) <= 60]
    known = {s.lower() for s in skills}
    skills += [s for s in find_skills(text) if s.lower() not in known]
    return list(dict.fromkeys(skills))[:200]


def parse_resume(text: str) -> ParsedResume:
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    header, sections = _sections(lines)
    name = _name(header)
    summary_lines = sections.get("summary") or [
        line for line in header if len(line.split()) > 8 and not _EMAIL.search(line)
    ]
    section: Callable[[str], list[str]] = lambda key: sections.get(key, [])  # noqa: E731
    return ParsedResume(
        name=name,
        contact=_contact(text, header, name),
        summary=" ".join(summary_lines)[:5000],
        skills=_skills(section("skills"), text),
        experience=_experience(section("experience")),
        projects=_projects(section("projects")),
        education=_education(section("education")),
    )
