"""Checking a query against the policy and the table, giving a plan whose every name exists and is allowed.

A column the policy does not allow is refused as "not allowed" whether or not the file has it, so a
refusal never tells a consumer which hidden columns exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aggregates.columns import COMPARABLE, NUMERIC, ORDERED, Kind, kind_of
from aggregates.columns import fit_value as fit
from aggregates.errors import QueryError
from aggregates.query import AggregateQuery, Filter, check_shape
from aggregates.query_policy import QueryPolicy


@dataclass(frozen=True)
class Column:
    """A column of the table that the policy allows, with its kind."""

    name: str
    kind: Kind


@dataclass(frozen=True)
class PlannedAggregate:
    """An aggregate with its result key; `column` is None for `count` of rows."""

    fn: str
    column: Column | None
    name: str


@dataclass(frozen=True)
class PlannedFilter:
    """A filter whose values fit the column's kind, ready to be bound as parameters."""

    column: Column
    op: str
    values: tuple[object, ...]


@dataclass(frozen=True)
class Plan:
    """A checked query: only allowed columns that exist, functions the policy allows, values that fit."""

    group_by: tuple[Column, ...]
    aggregates: tuple[PlannedAggregate, ...]
    filters: tuple[PlannedFilter, ...]
    min_group_size: int


def plan_query(query: AggregateQuery, policy: QueryPolicy, table: Mapping[str, str]) -> Plan:
    """The plan for a query over a table of `table` (column name -> DuckDB type); QueryError if refused."""
    check_shape(query)
    group_by = tuple(
        _groupable(_column(name, f"group_by[{i}]", policy, table), f"group_by[{i}]")
        for i, name in enumerate(query.group_by)
    )
    aggregates = []
    for i, aggregate in enumerate(query.aggregates):
        field = f"aggregates[{i}]"
        if aggregate.fn not in policy.functions:
            allowed = ", ".join(sorted(policy.functions)) or "none"
            raise QueryError(
                f"{field}.fn", f"function {aggregate.fn!r} is not allowed by the policy; allowed: {allowed}"
            )
        column = None
        if aggregate.column is not None:
            column = _column(aggregate.column, f"{field}.column", policy, table)
            _check_function(aggregate.fn, column, f"{field}.column")
        aggregates.append(PlannedAggregate(aggregate.fn, column, aggregate.name))
    filters = tuple(
        _filter(condition, f"filters[{i}]", policy, table) for i, condition in enumerate(query.filters)
    )
    return Plan(group_by, tuple(aggregates), filters, policy.min_group_size)


def _column(name: str, field: str, policy: QueryPolicy, table: Mapping[str, str]) -> Column:
    if not policy.allows_column(name):
        raise QueryError(field, f"column {name!r} is not allowed by the policy")
    if name not in table:
        raise QueryError(field, f"column {name!r} is not in the table")
    return Column(name, kind_of(table[name]))


def _groupable(column: Column, field: str) -> Column:
    if column.kind not in COMPARABLE:
        raise QueryError(field, f"column {column.name!r} is of a type that cannot be grouped by")
    return column


def _check_function(fn: str, column: Column, field: str) -> None:
    if fn in {"sum", "avg"} and column.kind not in NUMERIC:
        raise QueryError(field, f"{fn} needs a numeric column; {column.name!r} is not numeric")
    if fn in {"min", "max"} and column.kind not in ORDERED:
        raise QueryError(field, f"{fn} needs a numeric or date column; {column.name!r} is neither")


def _filter(condition: Filter, field: str, policy: QueryPolicy, table: Mapping[str, str]) -> PlannedFilter:
    column = _column(condition.column, f"{field}.column", policy, table)
    if column.kind not in COMPARABLE:
        raise QueryError(f"{field}.column", f"column {column.name!r} is of a type that cannot be filtered on")
    if isinstance(condition.value, tuple):
        values = tuple(_fit(column, item, f"{field}.value[{j}]") for j, item in enumerate(condition.value))
    else:
        values = (_fit(column, condition.value, f"{field}.value"),)
    return PlannedFilter(column, condition.op, values)


def _fit(column: Column, value: str | int | float | bool, field: str) -> object:
    try:
        return fit(column.kind, value)
    except ValueError as error:
        raise QueryError(field, f"{error} ({column.name!r} is {column.kind})") from None
