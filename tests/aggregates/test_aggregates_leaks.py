"""The ways a consumer might try to see rows through aggregates: each is refused or withheld."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aggregate_tables import CSV, claims_rows, write_csv

from aggregates import AggregateQuery, QueryError, QueryPolicy, QueryResult, run_query

K = 10
POLICY = QueryPolicy(columns=frozenset({"id", "district", "age_band", "claims", "amount"}), min_group_size=K)
COUNT_AND_SUM = [{"fn": "count"}, {"fn": "sum", "column": "amount"}]


@pytest.fixture
def claims(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "claims.csv", claims_rows())


def run(table: Path, document: dict[str, Any], policy: QueryPolicy = POLICY) -> QueryResult:
    return run_query(table, CSV, AggregateQuery.from_json(document), policy)


def people(tmp_path: Path, sizes: dict[str, int], **columns: Any) -> Path:
    """A table of `sizes[district]` rows per district, with extra columns given as functions of the row."""
    rows: list[dict[str, Any]] = []
    for district, size in sizes.items():
        for n in range(size):
            row = {"id": len(rows), "district": district, "amount": 100 + len(rows)}
            row.update({name: make(district, n) for name, make in columns.items()})
            rows.append(row)
    return write_csv(tmp_path / "people.csv", rows)


def test_grouping_by_a_unique_column_releases_nothing(claims: Path) -> None:
    result = run(claims, {"group_by": ["id"], "aggregates": COUNT_AND_SUM})

    assert result.groups == []
    assert result.suppressed_groups == 81
    assert result.explanation == ("81 groups with fewer than 10 rows were withheld.",)


def test_filtering_down_to_a_tiny_group_withholds_the_whole_result(claims: Path) -> None:
    result = run(
        claims,
        {
            "group_by": ["age_band"],
            "aggregates": COUNT_AND_SUM,
            "filters": [{"column": "district", "op": "eq", "value": "Yantian"}],
        },
    )

    assert result.groups == []
    assert result.suppressed_groups == 1
    assert result.rows_considered is None
    assert "fewer than 10 rows, so the whole result is withheld" in result.explanation[0]


def test_one_person_and_nobody_look_the_same(claims: Path) -> None:
    def looking_for(person_id: int) -> QueryResult:
        return run(
            claims,
            {"aggregates": COUNT_AND_SUM, "filters": [{"column": "id", "op": "eq", "value": person_id}]},
        )

    assert looking_for(80) == looking_for(9999)


def test_a_tiny_group_among_large_ones_is_withheld_with_the_next_smallest(claims: Path) -> None:
    result = run(
        claims,
        {
            "group_by": ["district"],
            "aggregates": COUNT_AND_SUM,
            "filters": [{"column": "district", "op": "in", "value": ["Futian", "Nanshan", "Yantian"]}],
        },
    )

    assert [group["district"] for group in result.groups] == ["Futian"]
    assert result.suppressed_groups == 2


def test_everything_minus_everything_but_one_is_refused(claims: Path) -> None:
    everything = run(claims, {"aggregates": COUNT_AND_SUM})
    assert everything.groups[0]["count"] == 81

    for condition in (
        {"column": "id", "op": "ne", "value": 80},
        {"column": "district", "op": "ne", "value": "Longgang"},
        {"column": "id", "op": "lt", "value": 80},
        {"column": "id", "op": "between", "value": [1, 80]},
        {"column": "district", "op": "in", "value": ["Futian", "Nanshan", "Luohu"]},
    ):
        with pytest.raises(QueryError) as caught:
            run(claims, {"aggregates": COUNT_AND_SUM, "filters": [condition]})
        assert caught.value.field == "filters"
        assert "exclude too few rows" in caught.value.reason


def test_excluding_at_least_k_rows_is_fine(claims: Path) -> None:
    result = run(
        claims,
        {"aggregates": [{"fn": "count"}], "filters": [{"column": "district", "op": "ne", "value": "Luohu"}]},
    )

    assert result.groups == [{"count": 69}]


def test_one_withheld_group_takes_another_with_it(tmp_path: Path) -> None:
    table = people(tmp_path, {"A": 30, "B": 20, "C": 15, "D": 1})

    total = run(table, {"aggregates": COUNT_AND_SUM})
    by_district = run(table, {"group_by": ["district"], "aggregates": COUNT_AND_SUM})

    assert [group["district"] for group in by_district.groups] == ["A", "B"]
    assert by_district.suppressed_groups == 2
    released = [group["count"] for group in by_district.groups]
    assert released == [30, 20]
    assert total.groups[0]["count"] == 66  # so the withheld are 16: C and D together, never D alone
    assert "1 more group, the smallest released" in by_district.explanation[1]


def test_a_filter_that_drops_a_few_rows_of_one_group_withholds_that_group(tmp_path: Path) -> None:
    # A has one person aged 60, B fifteen, C none: the filter drops 16 rows in all but one of A.
    table = people(
        tmp_path,
        {"A": 30, "B": 30, "C": 30},
        age=lambda d, n: 60 if (d, n) == ("A", 0) or (d == "B" and n < 15) else 30,
    )
    policy = QueryPolicy(min_group_size=K)
    query = {
        "group_by": ["district"],
        "aggregates": COUNT_AND_SUM,
        "filters": [{"column": "age", "op": "lt", "value": 60}],
    }

    result = run(table, query, policy)

    assert [group["district"] for group in result.groups] == ["C"]
    assert "the filters exclude between 1 and 9 rows of the group" in result.explanation[0]
    assert "the smallest released" in result.explanation[1]


def test_a_coarser_total_cannot_reveal_a_withheld_cell(tmp_path: Path) -> None:
    sizes = {("A", "x"): 20, ("A", "y"): 1, ("A", "z"): 30, ("B", "x"): 15, ("B", "y"): 20, ("B", "z"): 25}
    rows = [{"district": d, "sex": s, "amount": i} for (d, s), size in sizes.items() for i in range(size)]
    table = write_csv(tmp_path / "t.csv", rows)

    result = run(table, {"group_by": ["district", "sex"], "aggregates": [{"fn": "count"}]}, QueryPolicy())

    # A/y is too small. B/x, the smallest of all, goes with it against the overall total; A/x against A's
    # total; B/y against B's (else B's total would give B/x away). Each sex then has 0 or 2 withheld.
    assert result.groups == [
        {"district": "A", "sex": "z", "count": 30},
        {"district": "B", "sex": "z", "count": 25},
    ]
    released = {(group["district"], group["sex"]) for group in result.groups}
    for position in (0, 1):
        for value in {key[position] for key in sizes}:
            withheld = [n for key, n in sizes.items() if key[position] == value and key not in released]
            assert not withheld or (len(withheld) >= 2 and sum(withheld) >= 10)


def test_injection_in_column_names_is_only_ever_a_name(claims: Path) -> None:
    for name in ('district" FROM source; --', "district; DROP TABLE source", "*", "count(*)"):
        with pytest.raises(QueryError) as caught:
            run(claims, {"group_by": [name], "aggregates": [{"fn": "count"}]}, QueryPolicy())
        assert caught.value.reason == f"column {name!r} is not in the table"


def test_a_strange_column_name_in_the_file_is_quoted(tmp_path: Path) -> None:
    name = 'dis"trict; --'
    rows = [{name: "A'B", "amount": i} for i in range(12)]
    table = write_csv(tmp_path / "t.csv", rows)

    result = run(
        table,
        {
            "group_by": [name],
            "aggregates": [{"fn": "sum", "column": "amount"}],
            "filters": [{"column": name, "op": "eq", "value": "A'B"}],
        },
        QueryPolicy(min_group_size=1),
    )

    assert result.groups == [{name: "A'B", "sum_amount": sum(range(12))}]


def test_injection_in_values_is_only_ever_a_value(tmp_path: Path) -> None:
    trick = "Futian' OR '1'='1"
    table = people(tmp_path, {"Futian": 12, trick: 12, "Nanshan": 12})

    result = run(
        table,
        {"aggregates": [{"fn": "count"}], "filters": [{"column": "district", "op": "eq", "value": trick}]},
        QueryPolicy(min_group_size=K),
    )

    assert result.groups == [{"count": 12}]
