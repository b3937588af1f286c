"""Released aggregates are the right numbers, in the right types, from CSV and Parquet alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from aggregate_tables import CSV, PARQUET, claims_rows, grouped, where, write_csv, write_table

from aggregates import AggregateQuery, QueryPolicy, run_query, table_columns

ALLOWED = frozenset({"district", "age_band", "claims", "amount", "visited"})
POLICY = QueryPolicy(columns=ALLOWED, min_group_size=10)


@pytest.fixture(params=[CSV, PARQUET], ids=["csv", "parquet"])
def media_type(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def table(tmp_path: Path, media_type: str) -> Path:
    return write_table(tmp_path, media_type, claims_rows())


def every_aggregate() -> list[dict[str, str]]:
    return [
        {"fn": "count"},
        {"fn": "count", "column": "claims"},
        {"fn": "sum", "column": "claims"},
        {"fn": "sum", "column": "amount"},
        {"fn": "avg", "column": "amount"},
        {"fn": "min", "column": "amount"},
        {"fn": "max", "column": "claims"},
        {"fn": "min", "column": "visited"},
        {"fn": "max", "column": "visited"},
    ]


def test_groups_by_an_allowed_column_match_a_python_computation(table: Path, media_type: str) -> None:
    query = AggregateQuery.from_json({"group_by": ["district"], "aggregates": every_aggregate()})

    result = run_query(table, media_type, query, POLICY)

    expected = []
    for (district,), rows in sorted(grouped(claims_rows(), ["district"]).items()):
        # Yantian (3) and Longgang (1) are too small; Luohu (12), the smallest left, goes with them.
        if district in {"Futian", "Nanshan"}:
            expected.append(
                {
                    "district": district,
                    "count": len(rows),
                    "count_claims": len(rows),
                    "sum_claims": sum(row["claims"] for row in rows),
                    "sum_amount": pytest.approx(sum(row["amount"] for row in rows), abs=1e-6),
                    "avg_amount": round(sum(row["amount"] for row in rows) / len(rows), 6),
                    "min_amount": min(row["amount"] for row in rows),
                    "max_claims": max(row["claims"] for row in rows),
                    "min_visited": min(row["visited"] for row in rows),
                    "max_visited": max(row["visited"] for row in rows),
                }
            )
    assert result.groups == expected
    assert result.suppressed_groups == 3
    assert result.rows_considered == 81


def test_values_come_in_plain_types(table: Path, media_type: str) -> None:
    query = AggregateQuery.from_json({"aggregates": every_aggregate()})

    (group,) = run_query(table, media_type, query, POLICY).groups

    assert type(group["count"]) is int
    assert type(group["sum_claims"]) is int
    assert type(group["sum_amount"]) is float
    assert type(group["avg_amount"]) is float
    assert group["avg_amount"] == round(group["avg_amount"], 6)
    assert type(group["max_claims"]) is int
    assert group["min_visited"] == "2024-01-01"


def test_without_group_by_the_overall_group_is_released(table: Path, media_type: str) -> None:
    query = AggregateQuery.from_json({"aggregates": [{"fn": "count"}, {"fn": "avg", "column": "claims"}]})

    result = run_query(table, media_type, query, POLICY)

    rows = claims_rows()
    assert result.groups == [{"count": 81, "avg_claims": round(sum(r["claims"] for r in rows) / 81, 6)}]
    assert result.suppressed_groups == 0
    assert result.explanation == ("The overall group has at least 10 rows; nothing was withheld.",)


def test_two_group_by_columns_with_a_filter(table: Path, media_type: str) -> None:
    policy = QueryPolicy(columns=ALLOWED, min_group_size=1)
    query = AggregateQuery.from_json(
        {
            "group_by": ["district", "age_band"],
            "aggregates": [{"fn": "count"}, {"fn": "sum", "column": "claims"}],
            "filters": [{"column": "amount", "op": "gte", "value": 300}],
        }
    )

    result = run_query(table, media_type, query, policy)

    kept = where(claims_rows(), lambda row: row["amount"] >= 300)
    expected = [
        {"district": d, "age_band": a, "count": len(rows), "sum_claims": sum(r["claims"] for r in rows)}
        for (d, a), rows in sorted(grouped(kept, ["district", "age_band"]).items())
    ]
    assert result.groups == expected
    assert result.rows_considered == len(kept)


def test_an_empty_policy_column_set_allows_every_column(table: Path, media_type: str) -> None:
    query = AggregateQuery.from_json({"group_by": ["name"], "aggregates": [{"fn": "count"}]})

    result = run_query(table, media_type, query, QueryPolicy(min_group_size=1))

    assert len(result.groups) == 81


def test_table_columns_lists_names_and_types(table: Path, media_type: str) -> None:
    assert table_columns(table, media_type) == [
        ("id", "BIGINT"),
        ("name", "VARCHAR"),
        ("district", "VARCHAR"),
        ("age_band", "VARCHAR"),
        ("claims", "BIGINT"),
        ("amount", "DOUBLE"),
        ("visited", "DATE"),
    ]


def test_null_keys_form_their_own_group(tmp_path: Path) -> None:
    rows = [{"district": "Futian" if i % 2 else None, "claims": i} for i in range(6)]
    table = write_csv(tmp_path / "t.csv", rows)
    query = AggregateQuery.from_json(
        {"group_by": ["district"], "aggregates": [{"fn": "sum", "column": "claims"}]}
    )

    result = run_query(table, CSV, query, QueryPolicy(min_group_size=1))

    assert result.groups == [{"district": "Futian", "sum_claims": 9}, {"district": None, "sum_claims": 6}]


def test_a_value_computed_from_too_few_rows_is_withheld(tmp_path: Path) -> None:
    rows = [{"district": "Futian", "salary": 5000 if i == 0 else None, "claims": i} for i in range(12)]
    table = write_csv(tmp_path / "t.csv", rows)
    query = AggregateQuery.from_json(
        {
            "group_by": ["district"],
            "aggregates": [
                {"fn": "count"},
                {"fn": "avg", "column": "salary"},
                {"fn": "sum", "column": "claims"},
            ],
        }
    )

    result = run_query(table, CSV, query, QueryPolicy(min_group_size=10))

    assert result.groups == [{"district": "Futian", "count": 12, "avg_salary": None, "sum_claims": 66}]
    assert "1 aggregate value was withheld (null)" in result.explanation[0]


def test_media_type_parameters_are_ignored(tmp_path: Path) -> None:
    table = write_csv(tmp_path / "t.csv", claims_rows())
    query = AggregateQuery.from_json({"aggregates": [{"fn": "count"}]})

    result = run_query(table, "Text/CSV; charset=utf-8", query, POLICY)

    assert result.groups == [{"count": 81}]
