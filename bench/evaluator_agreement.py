"""Agreement of the offline (heuristic) evaluator with the graded corpus, per split.

    python bench/evaluator_agreement.py [--file tests/data/graded_answers.jsonl] [--json]

Prints, for the `dev` split (what the heuristics were tuned on), the `holdout` split (never
tuned on), the `fresh` and `final` splits (written and graded before they were first scored;
see SPLIT_ORDER), the three held-out splits together and all answers: Spearman,
within-question pairwise order, MAE, trap answers scored at or above a better genuine
answer, and the table by kind.
Targets (issue 16): Spearman >= 0.9, pairwise >= 0.95, no trap violation. Exit status 1 if
`all` misses them.
"""

import argparse
import asyncio
import json
import sys
from pathlib import Path

from mockmate.evaluators.agreement import (
    CORPUS_PATH,
    load_graded,
    missed_targets,
    render,
    report,
    score_all,
)
from mockmate.evaluators.heuristic import HeuristicEvaluator

# dev: tuned on; holdout: seen in every run while tuning, never tuned on; fresh: written and
# graded before issue 16's second round of tuning and first scored by it (then seen while
# tuning); final: written after that tuning ended, graded before it was first scored.
SPLIT_ORDER = ["dev", "holdout", "fresh", "final"]
HELD_OUT = ("holdout", "fresh", "final")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=CORPUS_PATH)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    scored = await score_all(HeuristicEvaluator(), load_graded(args.file))
    out = {}
    splits = sorted({s.item.split for s in scored}, key=SPLIT_ORDER.index)
    for split in [*splits, "held-out", "all"]:
        part = [s for s in scored if split in ("all", s.item.split) or (
            split == "held-out" and s.item.split in HELD_OUT)]
        if part:
            out[split] = report(part)
    if args.json:
        print(json.dumps({k: v.model_dump() for k, v in out.items()}, indent=2))
    else:
        print("\n\n".join(render(rep, f"== {split} ==") for split, rep in out.items()))
    return 1 if missed_targets(out["all"]) else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
