"""How closely an evaluator agrees with human grades: the figures `mockmate eval-report` and
`bench/evaluator_agreement.py` publish.

A graded file is JSON Lines, one answer a line: the question (as `Question` fields), the
candidate's role, the answer text, its `kind` (genuine `strong`/`average`/`weak`, or a trap
kind) and its human `grade` (1-10, the rubric's weighted sum). `agreement` scores every answer
with an evaluator and compares: Spearman's rank correlation over all answers, the share of
answer pairs *to the same question* put in the graders' order, the mean absolute error, and
per kind how the scores fall. Pairs whose grades differ by less than `TIE_GRADE` are treated as
ties (a grader could not tell them apart reliably) and not counted. The statistics are plain
functions with no I/O, tested directly.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mockmate.evaluators.base import AnswerEvaluator
from mockmate.evaluators.models import Evaluation, EvaluationContext
from mockmate.questions.models import Question

CORPUS_PATH = Path(__file__).resolve().parents[2] / "tests" / "data" / "graded_answers.jsonl"
TIE_GRADE = 0.5
GENUINE_KINDS = ("strong", "average", "weak")
# Kinds built to look better than they are: they must never outscore a better genuine answer.
TRAP_KINDS = ("long_but_empty", "keyword_stuffed", "other_question", "confidently_wrong")
# Kinds built to look worse than they are (short, rambling, or a noisy transcript).
HIDDEN_KINDS = ("short_but_strong", "rambling_with_substance", "asr_slips")
Band = Literal["low", "mid", "high"]


class GradedAnswer(BaseModel):
    """One line of a graded file."""

    model_config = ConfigDict(frozen=True)

    id: str
    question: Question
    answer: str
    grade: float = Field(ge=1, le=10)
    kind: str = "unknown"
    role: str = ""
    split: str = "dev"
    marks: dict[str, float] = Field(default_factory=dict)


class Scored(BaseModel):
    model_config = ConfigDict(frozen=True)

    item: GradedAnswer
    score: float
    confidence: str = ""
    source: str = ""


class KindRow(BaseModel):
    """One row of the confusion table: how the answers of one kind were scored."""

    kind: str
    count: int
    mean_grade: float
    mean_score: float
    mae: float
    graded: dict[Band, int]
    scored: dict[Band, int]


class Report(BaseModel):
    answers: int
    questions: int
    spearman: float
    pairwise: float
    pairs: int
    mae: float
    trap_violations: list[str]
    trap_pairs: int
    kinds: list[KindRow]


def load_graded(path: Path, split: str | None = None) -> list[GradedAnswer]:
    """The answers of a graded file (only those of `split`, if given); a bad line raises
    ValueError naming its line number."""
    out: list[GradedAnswer] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = GradedAnswer.model_validate(json.loads(line))
        except ValueError as exc:
            raise ValueError(f"{path}:{n}: not a graded answer: {exc}") from None
        if split is None or item.split == split:
            out.append(item)
    return out


def context(item: GradedAnswer) -> EvaluationContext:
    return EvaluationContext(question=item.question, answer_text=item.answer, role=item.role)


async def score_all(evaluator: AnswerEvaluator, items: Iterable[GradedAnswer]) -> list[Scored]:
    out: list[Scored] = []
    for item in items:
        ev: Evaluation = await evaluator.evaluate(context(item))
        out.append(
            Scored(item=item, score=ev.score, confidence=ev.confidence, source=ev.source)
        )
    return out


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rho: Pearson's correlation of the ranks (0 when either side is constant)."""
    if len(xs) != len(ys) or len(xs) < 2:
        return 0.0
    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    return cov / (vx * vy) ** 0.5 if vx and vy else 0.0


def band(value: float) -> Band:
    return "low" if value < 4.5 else ("mid" if value < 7.0 else "high")


def report(scored: Sequence[Scored]) -> Report:
    grades = [s.item.grade for s in scored]
    scores = [s.score for s in scored]
    by_question: dict[str, list[Scored]] = defaultdict(list)
    for s in scored:
        by_question[s.item.question.id].append(s)
    good = pairs = trap_pairs = 0
    violations: list[str] = []
    for group in by_question.values():
        for a, b in combinations(group, 2):
            hi, lo = (a, b) if a.item.grade > b.item.grade else (b, a)
            if hi.item.grade - lo.item.grade < TIE_GRADE:
                continue
            pairs += 1
            good += hi.score > lo.score
            if lo.item.kind in TRAP_KINDS and hi.item.kind in GENUINE_KINDS:
                trap_pairs += 1
                if lo.score >= hi.score:
                    violations.append(
                        f"{lo.item.id} ({lo.score}) >= {hi.item.id} ({hi.score})"
                    )
    kinds: dict[str, list[Scored]] = defaultdict(list)
    for s in scored:
        kinds[s.item.kind].append(s)
    order = [*GENUINE_KINDS, *TRAP_KINDS, *HIDDEN_KINDS]
    rows = [
        kind_row(kind, kinds[kind])
        for kind in sorted(kinds, key=lambda k: (order.index(k) if k in order else 99, k))
    ]
    return Report(
        answers=len(scored),
        questions=len(by_question),
        spearman=round(spearman(grades, scores), 3),
        pairwise=round(good / pairs, 3) if pairs else 1.0,
        pairs=pairs,
        mae=round(sum(abs(g - s) for g, s in zip(grades, scores, strict=True)) / len(scored), 2)
        if scored
        else 0.0,
        trap_violations=violations,
        trap_pairs=trap_pairs,
        kinds=rows,
    )


def kind_row(kind: str, group: Sequence[Scored]) -> KindRow:
    def count(values: Iterable[float]) -> dict[Band, int]:
        out: dict[Band, int] = {"low": 0, "mid": 0, "high": 0}
        for v in values:
            out[band(v)] += 1
        return out

    n = len(group)
    return KindRow(
        kind=kind,
        count=n,
        mean_grade=round(sum(s.item.grade for s in group) / n, 2),
        mean_score=round(sum(s.score for s in group) / n, 2),
        mae=round(sum(abs(s.item.grade - s.score) for s in group) / n, 2),
        graded=count(s.item.grade for s in group),
        scored=count(s.score for s in group),
    )


# Issue 16's targets for an evaluator on a graded file.
TARGET_SPEARMAN = 0.9
TARGET_PAIRWISE = 0.95


def missed_targets(rep: Report) -> list[str]:
    """The targets `rep` misses, worded for a reader ([] when it meets them all)."""
    missed = []
    if rep.spearman < TARGET_SPEARMAN:
        missed.append(f"spearman {rep.spearman:.3f} < {TARGET_SPEARMAN}")
    if rep.pairwise < TARGET_PAIRWISE:
        missed.append(f"pairwise order {rep.pairwise:.3f} < {TARGET_PAIRWISE}")
    if rep.trap_violations:
        missed.append(f"{len(rep.trap_violations)} trap(s) scored at or above a better answer")
    return missed


def render(rep: Report, title: str = "") -> str:
    """The report as the plain text `mockmate eval-report` prints."""
    lines = [title] if title else []
    lines += [
        f"answers: {rep.answers} to {rep.questions} questions",
        f"spearman: {rep.spearman:.3f}",
        f"pairwise order (same question): {rep.pairwise:.3f} of {rep.pairs} pairs",
        f"mean absolute error: {rep.mae:.2f}",
        f"traps scored at or above a better genuine answer: {len(rep.trap_violations)}"
        f" of {rep.trap_pairs} pairs",
        *(f"  {v}" for v in rep.trap_violations),
        "",
        f"{'kind':<24} {'n':>3} {'grade':>6} {'score':>6} {'mae':>5}  graded l/m/h  scored l/m/h",
    ]
    for row in rep.kinds:
        g, s = row.graded, row.scored
        lines.append(
            f"{row.kind:<24} {row.count:>3} {row.mean_grade:>6.2f} {row.mean_score:>6.2f}"
            f" {row.mae:>5.2f}  {g['low']:>4}/{g['mid']}/{g['high']:<5}  "
            f"{s['low']:>4}/{s['mid']}/{s['high']}"
        )
    return "\n".join(lines)
