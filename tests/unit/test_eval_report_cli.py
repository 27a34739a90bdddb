"""`mockmate eval-report` on a small graded file: the figures a reader would publish."""

import json
import os
import subprocess
import sys
from pathlib import Path

from mockmate.evaluators.agreement import CORPUS_PATH, load_graded

IDS = (
    "slow-sql-endpoint/strong", "slow-sql-endpoint/average", "slow-sql-endpoint/weak",
    "slow-sql-endpoint/keyword_stuffed", "p-value/strong", "p-value/confidently_wrong",
)


def graded_file(tmp_path: Path) -> Path:
    lines = [i.model_dump_json() for i in load_graded(CORPUS_PATH) if i.id in IDS]
    path = tmp_path / "graded.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEMINI_")}
    return subprocess.run(
        [sys.executable, "-m", "mockmate", "eval-report", *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_eval_report_prints_the_agreement_figures(tmp_path: Path) -> None:
    result = run(tmp_path, str(graded_file(tmp_path)))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("evaluator: heuristic (sources: heuristic)")
    assert "answers: 6 to 2 questions" in out
    assert "spearman: " in out and "pairwise order (same question): 1.000 of" in out
    assert "mean absolute error: " in out
    assert "traps scored at or above a better genuine answer: 0 of" in out
    rows = {line.split()[0]: line.split() for line in out.splitlines()[8:]
            if line.strip() and not line.startswith("targets")}
    assert set(rows) == {"strong", "average", "weak", "keyword_stuffed", "confidently_wrong"}
    assert rows["strong"][1] == "2"  # two strong answers in the file


def test_eval_report_as_json(tmp_path: Path) -> None:
    result = run(tmp_path, str(graded_file(tmp_path)), "--json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["evaluator"] == "heuristic" and body["answers"] == 6
    assert body["spearman"] > 0.8 and body["pairwise"] == 1.0 and body["mae"] < 2.5
    assert body["trap_violations"] == []
    assert {row["kind"] for row in body["kinds"]} >= {"keyword_stuffed", "confidently_wrong"}


def test_eval_report_rejects_a_file_that_is_not_graded(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"answer": "hi"}\n', encoding="utf-8")
    result = run(tmp_path, str(bad))
    assert result.returncode == 2
    assert "bad.jsonl:1: not a graded answer" in result.stderr


def test_eval_report_check_gates_on_the_targets(tmp_path: Path) -> None:
    """`--check` is how CI gates on agreement (scripts/test.sh runs it on the corpus): exit 0
    when the targets are met, 1 when not."""
    met = run(tmp_path, "--check")  # the whole corpus
    assert met.returncode == 0, met.stdout
    assert met.stdout.rstrip().endswith("targets (issue 16): met")
    # A file whose grades invert the order of the same answers misses every target.
    items = [i for i in load_graded(CORPUS_PATH) if i.id in IDS]
    flipped = [i.model_copy(update={"grade": 11 - i.grade}) for i in items]
    bad = tmp_path / "flipped.jsonl"
    bad.write_text("\n".join(i.model_dump_json() for i in flipped) + "\n", encoding="utf-8")
    missed = run(tmp_path, str(bad), "--check")
    assert missed.returncode == 1
    verdict = missed.stdout.rstrip().splitlines()[-1]
    assert verdict.startswith("targets (issue 16): missed: spearman -")
    assert "pairwise order 0.000 < 0.95" in verdict
    body = json.loads(run(tmp_path, str(bad), "--json").stdout)
    assert body["targets_missed"] == verdict.split("missed: ")[1].split("; ")
