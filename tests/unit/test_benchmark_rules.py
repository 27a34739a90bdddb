"""Peer benchmarks (`candidates.benchmarks`): groups, percentiles, the top quartile, and
nothing shown for a group too small to be anonymous."""

import pytest

from mockmate.candidates.benchmarks import (
    Member,
    build_groups,
    experience_band,
    group_key,
    percentile,
    quantile,
    standing,
)


@pytest.mark.parametrize(("years", "band"), [
    (None, "unknown"), (0, "0-2"), (2, "0-2"), (3, "3-5"), (5, "3-5"), (6, "6-10"),
    (10, "6-10"), (11, "10+"), (40, "10+"),
])
def test_experience_bands(years: int | None, band: str) -> None:
    assert experience_band(years) == band


def test_groups_fold_the_first_target_role() -> None:
    assert group_key(["  Backend   Engineer ", "SRE"], 4) == group_key(["backend engineer"], 3)
    assert group_key([], None) == "|unknown"


def test_percentile_counts_ties_half() -> None:
    assert percentile(5.0, [1.0, 2.0, 5.0, 9.0]) == 62.5
    assert percentile(9.0, [9.0]) == 50.0
    assert percentile(0.5, [1.0, 2.0]) == 0.0
    with pytest.raises(ValueError):
        percentile(1.0, [])


def test_quantile_interpolates() -> None:
    assert quantile([1.0, 2.0, 3.0, 4.0, 5.0], 0.75) == 4.0
    assert quantile([2.0, 4.0], 0.75) == 3.5
    assert quantile([7.0], 0.75) == 7.0


def members(group: str, overall: list[float], **extra: list[float]) -> list[Member]:
    return [Member(group, {"overall": o, **{k: v[i] for k, v in extra.items()}})
            for i, o in enumerate(overall)]


def test_a_candidate_is_placed_in_their_group_per_metric() -> None:
    peers = members("be|3-5", [4.0, 5.0, 6.0, 7.0, 8.0],
                    **{"category:technical": [3.0, 4.0, 5.0, 6.0, 9.0]})
    peers += [Member("be|3-5", {"overall": 2.0, "criterion:examples": 2.0})]
    peers += members("pm|0-2", [9.0] * 10)
    groups, sizes = build_groups(peers)
    answer = standing(peers[2], groups, sizes, min_group=5)
    assert answer["enough_data"] and answer["group_size"] == 6
    assert answer["overall"] == {"score": 6.0, "enough_data": True, "percentile": 58.3,
                                 "top_quartile": 6.75, "gap_to_top_quartile": 0.75}
    assert answer["categories"]["technical"]["percentile"] == 50.0
    # Only one person in the group has an "examples" mark: withheld, not shown.
    lonely = standing(peers[5], groups, sizes, min_group=5)
    assert lonely["criteria"]["examples"] == {"score": 2.0, "enough_data": False}


def test_a_small_group_gives_no_numbers() -> None:
    peers = members("rare|10+", [3.0, 9.0])
    groups, sizes = build_groups(peers)
    answer = standing(peers[0], groups, sizes, min_group=5)
    assert answer["enough_data"] is False and "Fewer than 5" in answer["message"]
    assert not {"overall", "categories", "criteria", "group_size"} & set(answer)
