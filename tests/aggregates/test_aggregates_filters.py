"""Every filter operator keeps exactly the rows a Python comparison keeps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aggregate_tables import CSV, PARQUET, Row, claims_rows, write_csv, write_table

from aggregates import AggregateQuery, QueryPolicy, run_query

# With k = 1 nothing is withheld, so the counts show exactly which rows each filter keeps.
OPEN = QueryPolicy(min_group_size=1)

CASES: list[tuple[str, str, Any, Callable[[Row], bool]]] = [
    ("district", "eq", "Futian", lambda r: r["district"] == "Futian"),
    ("district", "ne", "Futian", lambda r: r["district"] != "Futian"),
    ("claims", "lt", 2, lambda r: r["claims"] < 2),
    ("claims", "lte", 2, lambda r: r["claims"] <= 2),
    ("amount", "gt", 450.5, lambda r: r["amount"] > 450.5),
    ("amount", "gte", 450.5, lambda r: r["amount"] >= 450.5),
    ("age_band", "in", ["30-39", "40-49"], lambda r: r["age_band"] in {"30-39", "40-49"}),
    ("claims", "in", [0, 4], lambda r: r["claims"] in {0, 4}),
    ("amount", "between", [100, 500], lambda r: 100 <= r["amount"] <= 500),
    ("visited", "lt", "2024-03-01", lambda r: r["visited"] < "2024-03-01"),
    (
        "visited",
        "between",
        ["2024-02-01", "2024-06-30"],
        lambda r: "2024-02-01" <= r["visited"] <= "2024-06-30",
    ),
    ("visited", "eq", "2024-01-01", lambda r: r["visited"] == "2024-01-01"),
    ("district", "gte", "N", lambda r: r["district"] >= "N"),
]


@pytest.mark.parametrize("media_type", [CSV, PARQUET], ids=["csv", "parquet"])
@pytest.mark.parametrize(
    ("column", "op", "value", "keep"), CASES, ids=[f"{c}-{op}-{i}" for i, (c, op, *_) in enumerate(CASES)]
)
def test_each_operator_keeps_what_python_keeps(
    tmp_path: Path, media_type: str, column: str, op: str, value: Any, keep: Callable[[Row], bool]
) -> None:
    table = write_table(tmp_path, media_type, claims_rows())
    query = AggregateQuery.from_json(
        {
            "aggregates": [{"fn": "count"}, {"fn": "sum", "column": "claims"}],
            "filters": [{"column": column, "op": op, "value": value}],
        }
    )

    (group,) = run_query(table, media_type, query, OPEN).groups

    kept = [row for row in claims_rows() if keep(row)]
    assert kept
    assert group == {"count": len(kept), "sum_claims": sum(row["claims"] for row in kept)}


def test_filters_combine_with_and(tmp_path: Path) -> None:
    table = write_csv(tmp_path / "t.csv", claims_rows())
    query = AggregateQuery.from_json(
        {
            "aggregates": [{"fn": "count"}],
            "filters": [
                {"column": "district", "op": "in", "value": ["Futian", "Nanshan"]},
                {"column": "claims", "op": "gt", "value": 0},
            ],
        }
    )

    (group,) = run_query(table, CSV, query, OPEN).groups

    expected = [r for r in claims_rows() if r["district"] in {"Futian", "Nanshan"} and r["claims"] > 0]
    assert group == {"count": len(expected)}


def test_ne_keeps_rows_without_a_value_so_eq_and_ne_split_the_table(tmp_path: Path) -> None:
    rows = [{"district": ["Futian", "Nanshan", None][i % 3], "claims": 1} for i in range(30)]
    table = write_csv(tmp_path / "t.csv", rows)

    def count(op: str) -> Any:
        query = AggregateQuery.from_json(
            {
                "aggregates": [{"fn": "count"}],
                "filters": [{"column": "district", "op": op, "value": "Futian"}],
            }
        )
        return run_query(table, CSV, query, OPEN).groups[0]["count"]

    assert (count("eq"), count("ne")) == (10, 20)


def test_timestamps_compare_with_iso_text(tmp_path: Path) -> None:
    rows = [{"at": f"2024-05-0{1 + i % 3} 12:00:00", "claims": i} for i in range(9)]
    table = write_csv(tmp_path / "t.csv", rows)
    query = AggregateQuery.from_json(
        {
            "aggregates": [{"fn": "count"}, {"fn": "max", "column": "at"}],
            "filters": [{"column": "at", "op": "lt", "value": "2024-05-03T00:00:00+00:00"}],
        }
    )

    (group,) = run_query(table, CSV, query, OPEN).groups

    assert group == {"count": 6, "max_at": "2024-05-02T12:00:00"}


def test_booleans_compare_with_true_and_false(tmp_path: Path) -> None:
    rows = [{"insured": i % 3 == 0, "claims": i} for i in range(9)]
    table = write_csv(tmp_path / "t.csv", rows)
    query = AggregateQuery.from_json(
        {
            "group_by": ["insured"],
            "aggregates": [{"fn": "count"}],
            "filters": [{"column": "insured", "op": "in", "value": [True, False]}],
        }
    )

    result = run_query(table, CSV, query, OPEN)

    assert result.groups == [{"insured": False, "count": 6}, {"insured": True, "count": 3}]
