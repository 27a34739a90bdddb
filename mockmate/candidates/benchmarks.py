"""Where a candidate stands among peers: percentiles and the gap to the top quartile.

Why pure and anonymous: the figures are computed from lists of other candidates' averages
with no ids attached, grouped by target role and experience band, and a group smaller than
`min_group` gives no number at all (with two people, "you are above 50 %" would tell each of
them the other's score). A metric (a category or rubric criterion) that too few people in
the group have scored is withheld the same way.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CRITERIA = ("relevance", "examples", "clarity", "technical_accuracy", "job_alignment")
OVERALL = "overall"
BANDS = ((2, "0-2"), (5, "3-5"), (10, "6-10"))
TOP_BAND = "10+"
UNKNOWN = "unknown"


def experience_band(years: int | None) -> str:
    if years is None:
        return UNKNOWN
    for most, band in BANDS:
        if years <= most:
            return band
    return TOP_BAND


def role_key(target_roles: Sequence[str]) -> str:
    """The first target role, folded so that "Backend engineer " and "backend Engineer" meet."""
    return " ".join(target_roles[0].split()).casefold() if target_roles else ""


def group_key(target_roles: Sequence[str], years: int | None) -> str:
    return f"{role_key(target_roles)}|{experience_band(years)}"


@dataclass(frozen=True)
class Member:
    """One candidate's averages by metric ("overall", "category:<c>", "criterion:<c>")."""

    group: str
    scores: Mapping[str, float]


Groups = dict[str, dict[str, list[float]]]


def build_groups(members: Iterable[Member]) -> tuple[Groups, dict[str, int]]:
    """Per group, every metric's values sorted (no ids), and each group's size."""
    groups: Groups = {}
    sizes: dict[str, int] = {}
    for member in members:
        sizes[member.group] = sizes.get(member.group, 0) + 1
        metrics = groups.setdefault(member.group, {})
        for metric, value in member.scores.items():
            metrics.setdefault(metric, []).append(value)
    for metrics in groups.values():
        for values in metrics.values():
            values.sort()
    return groups, sizes


def percentile(value: float, population: Sequence[float]) -> float:
    """The percent of `population` below `value`, ties counting half (0..100)."""
    if not population:
        raise ValueError("an empty population has no percentiles")
    below = sum(1 for v in population if v < value)
    equal = sum(1 for v in population if v == value)
    return round(100.0 * (below + equal / 2) / len(population), 1)


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """The `q` quantile (0..1) of sorted values, interpolated linearly between neighbours."""
    if not sorted_values:
        raise ValueError("an empty population has no quantiles")
    position = q * (len(sorted_values) - 1)
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def metric_standing(mine: float, values: Sequence[float], min_group: int) -> dict[str, Any]:
    """The candidate's standing on one metric among `values` (their own included)."""
    if len(values) < min_group:
        return {"score": round(mine, 2), "enough_data": False}
    top = quantile(values, 0.75)
    return {"score": round(mine, 2), "enough_data": True,
            "percentile": percentile(mine, values), "top_quartile": round(top, 2),
            "gap_to_top_quartile": round(max(0.0, top - mine), 2)}


def standing(
    mine: Member, groups: Groups, sizes: Mapping[str, int], *, min_group: int
) -> dict[str, Any]:
    """The whole answer for one candidate whose own averages are `mine`."""
    size = sizes.get(mine.group, 0)
    if size < min_group:
        return {"enough_data": False, "min_group": min_group,
                "message": f"Fewer than {min_group} candidates share your target role and "
                           "experience yet, so there is nothing anonymous to compare with."}
    metrics = groups.get(mine.group, {})
    out: dict[str, Any] = {"enough_data": True, "min_group": min_group, "group_size": size,
                           OVERALL: None, "categories": {}, "criteria": {}}
    for metric, value in sorted(mine.scores.items()):
        entry = metric_standing(value, metrics.get(metric, []), min_group)
        if metric == OVERALL:
            out[OVERALL] = entry
        else:
            kind, _, name = metric.partition(":")
            out["categories" if kind == "category" else "criteria"][name] = entry
    return out
