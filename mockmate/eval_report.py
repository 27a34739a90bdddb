"""`mockmate eval-report`: how closely the configured evaluator agrees with graded answers.

Scores every answer of a graded file (the corpus by default) with the evaluator the server
would use (Gemini when `GEMINI_API_KEY` is set, else the heuristics) and prints Spearman,
within-question pairwise order, mean absolute error and the table by answer kind, as text or
JSON, with whether issue 16's targets are met (Spearman >= 0.9, pairwise >= 0.95, no trap
at or above a better genuine answer). With `--check` the command exits 1 when a target is
missed, so CI can gate on it. With Gemini, answers the model could not evaluate fall back to
the heuristics; the report says how many did, so a reader knows whose figures these are.
"""

import json
from contextlib import AsyncExitStack
from pathlib import Path

from mockmate.config import Settings
from mockmate.evaluators.agreement import (
    CORPUS_PATH,
    load_graded,
    missed_targets,
    render,
    report,
    score_all,
)
from mockmate.evaluators.base import AnswerEvaluator
from mockmate.evaluators.heuristic import HeuristicEvaluator


async def eval_report(settings: Settings, path: Path | None, as_json: bool) -> tuple[str, bool]:
    """The report for `path` (default: the corpus) as text or JSON, and whether it meets the
    targets; raises ValueError for a file that is not a graded file."""
    path = path or CORPUS_PATH
    items = load_graded(path)
    if not items:
        raise ValueError(f"{path}: no graded answers")
    async with AsyncExitStack() as stack:
        evaluator, name = await _configured(settings, stack)
        scored = await score_all(evaluator, items)
    sources = {s.source for s in scored}
    rep = report(scored)
    missed = missed_targets(rep)
    if as_json:
        body = {"file": str(path), "evaluator": name, "sources": sorted(sources),
                **rep.model_dump(), "targets_missed": missed}
        return json.dumps(body, indent=2), not missed
    title = f"evaluator: {name} (sources: {', '.join(sorted(sources))}); file: {path}"
    verdict = "targets (issue 16): " + ("met" if not missed else "missed: " + "; ".join(missed))
    return render(rep, title) + "\n\n" + verdict, not missed


async def _configured(settings: Settings, stack: AsyncExitStack) -> tuple[AnswerEvaluator, str]:
    offline = HeuristicEvaluator()
    if not settings.gemini_api_key:
        return offline, "heuristic"
    from mockmate.providers.gemini import GEMINI, make_gemini_client
    from mockmate.providers.gemini_evaluator import GeminiEvaluator
    from mockmate.providers.resilience import make_guard

    client = make_gemini_client(settings.gemini_api_key, settings.gemini_base_url)
    stack.push_async_callback(client.aio.aclose)
    evaluator = GeminiEvaluator(
        client, make_guard(GEMINI), fallback=offline, model=settings.gemini_model
    )
    return evaluator, f"gemini ({settings.gemini_model})"
