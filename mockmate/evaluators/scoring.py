"""Turning per-answer scores into an interview's overall and per-category scores."""

from collections import defaultdict
from collections.abc import Iterable


def summarize_scores(
    scored: Iterable[tuple[str, float]],
) -> tuple[float | None, dict[str, float]]:
    """(overall, by category) from (category, score) pairs; overall is None with no answers."""
    by_category: dict[str, list[float]] = defaultdict(list)
    all_scores: list[float] = []
    for category, score in scored:
        by_category[category].append(score)
        all_scores.append(score)
    if not all_scores:
        return None, {}
    overall = round(sum(all_scores) / len(all_scores), 1)
    return overall, {c: round(sum(s) / len(s), 1) for c, s in sorted(by_category.items())}
