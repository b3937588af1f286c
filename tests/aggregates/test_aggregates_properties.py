"""Properties of suppression for every table and query hypothesis can think of.

Released groups have at least k rows, and what a result withholds can never be recovered alone by
subtracting the released groups from a total: in every total, the withheld rows number 0 or at least k
in at least two groups (or the total has nothing released at all).
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from aggregate_tables import CSV, write_csv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aggregates import AggregateQuery, QueryError, QueryPolicy, run_query
from aggregates.suppression import GroupCount, decide

KEYS = ("district", "band", "sex")
rows_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "district": st.sampled_from(["a", "b", "c", None]),
            "band": st.sampled_from(["x", "y"]),
            # whole words: a CSV column of only `f` (or `t`) is read as booleans, by DuckDB's detection
            "sex": st.sampled_from(["female", "male"]),
            "amount": st.integers(min_value=0, max_value=50),
            "kept": st.booleans(),
        }
    ),
    min_size=1,
    max_size=80,
)
group_by_strategy = st.lists(st.sampled_from(KEYS), unique=True, max_size=3)


def groups_of(
    rows: list[dict[str, Any]], group_by: list[str]
) -> tuple[list[tuple[Any, ...]], list[GroupCount]]:
    """The keys and counts of each group, with cells numbered per coarser grouping, as run.py gets them."""
    counts: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        counts[tuple(row[key] for key in group_by)][0 if row["kept"] else 1] += 1
    keys = list(counts)
    coarser = [s for size in range(1, len(group_by)) for s in combinations(range(len(group_by)), size)]
    numbers: dict[tuple[Any, ...], int] = {}  # a cell's number, the same for every group in it
    groups = []
    for key in keys:
        cells = tuple(
            numbers.setdefault((subset, *(key[i] for i in subset)), len(numbers)) for subset in coarser
        )
        groups.append(GroupCount(kept=counts[key][0], excluded=counts[key][1], cells=cells))
    return keys, groups


@settings(max_examples=300)
@given(rows=rows_strategy, group_by=group_by_strategy, k=st.integers(min_value=1, max_value=12))
def test_no_total_gives_a_withheld_group_away(
    rows: list[dict[str, Any]], group_by: list[str], k: int
) -> None:
    keys, groups = groups_of(rows, group_by)

    decision = decide(groups, k)

    kept_total = sum(group.kept for group in groups)
    assert decision.whole_result_withheld is (kept_total < k)
    assert all(groups[i].kept >= k for i in decision.released)
    assert not decision.released & decision.withheld
    coarser = [s for size in range(len(group_by)) for s in combinations(range(len(group_by)), size)]
    for subset in coarser:  # the overall total (the empty subset) and every coarser grouping
        cells: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for i, key in enumerate(keys):
            cells[tuple(key[j] for j in subset)].append(i)
        for members in cells.values():
            withheld = [i for i in members if i in decision.withheld]
            if any(i in decision.released for i in members):
                assert not withheld or (len(withheld) >= 2 and sum(groups[i].kept for i in withheld) >= k)
                excluded = sum(groups[i].excluded for i in members)
                assert subset == () or not 0 < excluded < k
    for i in decision.released:
        assert not 0 < groups[i].excluded < k


FILTERS: list[tuple[str, str, Any, Callable[[Any], bool]]] = [
    ("amount", "lt", 25, lambda v: v < 25),
    ("amount", "gte", 10, lambda v: v >= 10),
    ("amount", "ne", 7, lambda v: v != 7),
    ("amount", "between", [5, 40], lambda v: 5 <= v <= 40),
    ("amount", "in", [1, 2, 3, 4, 5], lambda v: v in {1, 2, 3, 4, 5}),
    ("district", "eq", "a", lambda v: v == "a"),
    ("district", "ne", "a", lambda v: v != "a"),
    ("district", "in", ["b", "c"], lambda v: v in {"b", "c"}),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=rows_strategy,
    group_by=group_by_strategy,
    k=st.integers(min_value=2, max_value=8),
    condition=st.none() | st.sampled_from(FILTERS),
)
def test_released_groups_are_large_and_withheld_rows_never_few(
    rows: list[dict[str, Any]],
    group_by: list[str],
    k: int,
    condition: tuple[str, str, Any, Callable[[Any], bool]] | None,
) -> None:
    filters = []
    if condition is not None:
        column, op, value, keep = condition
        filters = [{"column": column, "op": op, "value": value}]
        rows = [{**row, "kept": keep(row[column])} for row in rows]
    else:
        rows = [{**row, "kept": True} for row in rows]
    query = AggregateQuery.from_json(
        {
            "group_by": group_by,
            "aggregates": [{"fn": "count"}, {"fn": "sum", "column": "amount"}],
            "filters": filters,
        }
    )
    kept = [row for row in rows if row["kept"]]
    excluded = len(rows) - len(kept)

    with tempfile.TemporaryDirectory() as directory:
        table = write_csv(Path(directory) / "t.csv", rows, ["district", "band", "sex", "amount"])
        if filters and 0 < excluded < k:
            with pytest.raises(QueryError) as caught:
                run_query(table, CSV, query, QueryPolicy(min_group_size=k))
            assert caught.value.field == "filters"
            return
        result = run_query(table, CSV, query, QueryPolicy(min_group_size=k))

    expected: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for row in kept:
        expected[tuple(row[key] for key in group_by)].append(row["amount"])
    released = 0
    for group in result.groups:
        amounts = expected[tuple(group[key] for key in group_by)]
        assert group["count"] == len(amounts) >= k
        assert group["sum_amount"] == sum(amounts)
        released += len(amounts)
    withheld_rows = len(kept) - released
    if result.groups:
        assert withheld_rows == 0 or (withheld_rows >= k and result.suppressed_groups >= 2)
        assert result.suppressed_groups == len(expected) - len(result.groups)
        assert result.rows_considered == len(kept)
    elif len(kept) < k:
        assert result.suppressed_groups == 1
        assert result.rows_considered is None
