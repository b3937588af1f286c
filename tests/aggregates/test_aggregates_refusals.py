"""Every refusal is a QueryError naming the part of the query and the reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aggregate_tables import CSV, claims_rows, write_csv

from aggregates import AggregateQuery, QueryError, QueryPolicy, run_query

POLICY = QueryPolicy(
    columns=frozenset({"district", "age_band", "claims", "amount", "visited"}),
    functions=frozenset({"count", "sum", "avg"}),
    min_group_size=10,
)
COUNT = [{"fn": "count"}]


@pytest.fixture
def table(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "claims.csv", claims_rows())


def refusal(table: Path, document: dict[str, Any], policy: QueryPolicy = POLICY) -> QueryError:
    with pytest.raises(QueryError) as caught:
        run_query(table, CSV, AggregateQuery.from_json(document), policy)
    return caught.value


@pytest.mark.parametrize(
    ("document", "field", "reason"),
    [
        ({"group_by": ["name"], "aggregates": COUNT}, "group_by[0]", "column 'name' is not allowed"),
        ({"group_by": ["district", "id"], "aggregates": COUNT}, "group_by[1]", "column 'id' is not allowed"),
        ({"aggregates": [{"fn": "count"}, {"fn": "sum", "column": "id"}]}, "aggregates[1].column", "'id'"),
        (
            {"aggregates": COUNT, "filters": [{"column": "name", "op": "eq", "value": "person-3"}]},
            "filters[0].column",
            "column 'name' is not allowed",
        ),
        ({"group_by": ["nowhere"], "aggregates": COUNT}, "group_by[0]", "column 'nowhere' is not allowed"),
        ({"aggregates": [{"fn": "max", "column": "claims"}]}, "aggregates[0].fn", "'max' is not allowed"),
        ({"aggregates": [{"fn": "avg", "column": "district"}]}, "aggregates[0].column", "not numeric"),
        ({"aggregates": [{"fn": "sum", "column": "visited"}]}, "aggregates[0].column", "not numeric"),
        (
            {"aggregates": COUNT, "filters": [{"column": "claims", "op": "eq", "value": "three"}]},
            "filters[0].value",
            "give a number",
        ),
        (
            {"aggregates": COUNT, "filters": [{"column": "district", "op": "in", "value": ["Futian", 3]}]},
            "filters[0].value[1]",
            "give text",
        ),
        (
            {"aggregates": COUNT, "filters": [{"column": "visited", "op": "gt", "value": "yesterday"}]},
            "filters[0].value",
            "ISO 8601 date",
        ),
        (
            {"aggregates": COUNT, "filters": [{"column": "claims", "op": "eq", "value": True}]},
            "filters[0].value",
            "give a number",
        ),
    ],
)
def test_refusals_against_the_table_and_policy(
    table: Path, document: dict[str, Any], field: str, reason: str
) -> None:
    error = refusal(table, document)

    assert error.field == field
    assert reason in error.reason


def test_a_column_in_the_policy_but_not_in_the_file_is_unknown(table: Path) -> None:
    policy = QueryPolicy(columns=frozenset({"district", "income"}))

    error = refusal(table, {"group_by": ["income"], "aggregates": COUNT}, policy)

    assert (error.field, error.reason) == ("group_by[0]", "column 'income' is not in the table")


def test_min_of_text_is_refused_since_it_would_show_one_rows_text(table: Path) -> None:
    error = refusal(table, {"aggregates": [{"fn": "min", "column": "district"}]}, QueryPolicy())

    assert error.field == "aggregates[0].column"


def test_count_of_a_column_is_fine(table: Path) -> None:
    query = AggregateQuery.from_json({"aggregates": [{"fn": "count", "column": "district"}]})

    assert run_query(table, CSV, query, POLICY).groups == [{"count_district": 81}]


@pytest.mark.parametrize(
    ("document", "field", "reason"),
    [
        ({"group_by": ["district"]}, "aggregates", "at least one aggregate"),
        ({"aggregates": []}, "aggregates", "at least one aggregate"),
        ({"aggregates": [{"fn": "median", "column": "amount"}]}, "aggregates[0].fn", "unknown function"),
        ({"aggregates": [{"fn": "sum"}]}, "aggregates[0].column", "sum needs a column"),
        ({"aggregates": [{"fn": "count", "column": ""}]}, "aggregates[0].column", "non-empty"),
        ({"aggregates": [{"fn": 3}]}, "aggregates[0].fn", "give a function name"),
        ({"aggregates": [{"fn": "count", "where": "1=1"}]}, "aggregates[0].where", "unknown field"),
        ({"aggregates": COUNT, "select": "*"}, "select", "unknown field"),
        ({"aggregates": COUNT * 2}, "aggregates[1]", "repeats aggregates[0]"),
        ({"group_by": ["count"], "aggregates": COUNT}, "aggregates[0]", "repeats group_by[0]"),
        ({"group_by": ["a", "b", "c", "d", "e"], "aggregates": COUNT}, "group_by", "at most 4"),
        ({"group_by": ["a", "a"], "aggregates": COUNT}, "group_by[1]", "already grouped by"),
        ({"group_by": "district", "aggregates": COUNT}, "group_by", "give a list"),
        ({"group_by": [["district"]], "aggregates": COUNT}, "group_by[0]", "column name"),
        (
            {"aggregates": COUNT, "filters": [{"column": "a", "op": "like", "value": "x%"}]},
            "filters[0].op",
            "unknown",
        ),
        (
            {"aggregates": COUNT, "filters": [{"column": "a", "op": "eq"}]},
            "filters[0].value",
            "give the value",
        ),
        (
            {"aggregates": COUNT, "filters": [{"column": "a", "op": "eq", "value": None}]},
            "filters[0].value",
            "null",
        ),
        (
            {"aggregates": COUNT, "filters": [{"column": "a", "op": "eq", "value": [1]}]},
            "filters[0].value",
            "list",
        ),
        (
            {"aggregates": COUNT, "filters": [{"column": "a", "op": "eq", "value": {}}]},
            "filters[0].value",
            "dict",
        ),
        (
            {"aggregates": COUNT, "filters": [{"column": "a", "op": "in", "value": 1}]},
            "filters[0].value",
            "list",
        ),
        (
            {"aggregates": COUNT, "filters": [{"column": "a", "op": "in", "value": []}]},
            "filters[0].value",
            "1 to 50",
        ),
        (
            {"aggregates": COUNT, "filters": [{"column": "a", "op": "in", "value": list(range(51))}]},
            "filters[0].value",
            "1 to 50",
        ),
        (
            {"aggregates": COUNT, "filters": [{"column": "a", "op": "between", "value": [1, 2, 3]}]},
            "filters[0].value",
            "two values",
        ),
        (
            {"aggregates": COUNT, "filters": [{"column": "a", "op": "in", "value": [1, None]}]},
            "filters[0].value[1]",
            "null",
        ),
        (
            {"aggregates": COUNT, "filters": [{"column": "a", "op": "gt", "value": 1}] * 11},
            "filters",
            "at most 10",
        ),
        ({"aggregates": COUNT, "filters": [{"op": "gt", "value": 1}]}, "filters[0].column", "column name"),
        ({"aggregates": COUNT, "filters": [["a", "gt", 1]]}, "filters[0]", "give an object"),
    ],
)
def test_refusals_of_the_query_shape(document: dict[str, Any], field: str, reason: str) -> None:
    with pytest.raises(QueryError) as caught:
        AggregateQuery.from_json(document)

    assert caught.value.field == field
    assert reason in caught.value.reason


def test_json_text_is_read_and_infinity_refused() -> None:
    query = AggregateQuery.from_json('{"aggregates": [{"fn": "count"}]}')
    assert query.aggregates[0].fn == "count"
    with pytest.raises(QueryError) as caught:
        AggregateQuery.from_json(
            '{"aggregates": [{"fn": "count"}], "filters": [{"column": "a", "op": "gt", "value": Infinity}]}'
        )
    assert caught.value.field == "filters[0].value"
    with pytest.raises(QueryError) as caught:
        AggregateQuery.from_json("{not json")
    assert caught.value.field == ""


def test_an_unknown_media_type_is_refused(table: Path) -> None:
    query = AggregateQuery.from_json({"aggregates": COUNT})

    with pytest.raises(QueryError) as caught:
        run_query(table, "application/json", query, POLICY)

    assert caught.value.field == "media_type"


def test_too_many_released_groups_are_refused(table: Path) -> None:
    policy = QueryPolicy(min_group_size=1, max_groups=50)

    error = refusal(table, {"group_by": ["id"], "aggregates": COUNT}, policy)

    assert error.field == "group_by"
    assert "too many groups: 81 would be released" in error.reason


def test_a_policy_must_make_sense() -> None:
    with pytest.raises(ValueError, match="unknown functions"):
        QueryPolicy(functions=frozenset({"median"}))
    with pytest.raises(ValueError, match="min_group_size"):
        QueryPolicy(min_group_size=0)
    with pytest.raises(ValueError, match="max_groups"):
        QueryPolicy(max_groups=0)
