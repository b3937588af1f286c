"""An aggregate query as the consumer writes it: group-by columns, aggregates and filters.

`AggregateQuery.from_json` reads the JSON shape and `check_shape` enforces the limits that do not depend
on the table (how many columns, which operators, what a value may look like). Whether the columns exist,
are allowed, and suit the function or the value is decided against the table in `plan.py`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aggregates.errors import QueryError

FUNCTIONS = frozenset({"count", "sum", "avg", "min", "max"})
OPERATORS = frozenset({"eq", "ne", "lt", "lte", "gt", "gte", "in", "between"})
MAX_GROUP_BY = 4
MAX_FILTERS = 10
MAX_AGGREGATES = 20
MAX_IN_VALUES = 50

Scalar = str | int | float | bool
FilterValue = Scalar | tuple[Scalar, ...]

QUERY_KEYS = frozenset({"group_by", "aggregates", "filters"})
AGGREGATE_KEYS = frozenset({"fn", "column"})
FILTER_KEYS = frozenset({"column", "op", "value"})


@dataclass(frozen=True)
class Aggregate:
    """One aggregate: `count` (of rows, or of a column's values), `sum`, `avg`, `min` or `max` of a column."""

    fn: str
    column: str | None = None

    @property
    def name(self) -> str:
        """The key of this aggregate in each result group: `count`, `avg_amount`, ..."""
        return self.fn if self.column is None else f"{self.fn}_{self.column}"


@dataclass(frozen=True)
class Filter:
    """A condition on one column; `value` is a tuple for `in` (the values) and `between` (low, high)."""

    column: str
    op: str
    value: FilterValue


@dataclass(frozen=True)
class AggregateQuery:
    """Aggregates per group of the rows the filters keep (one overall group when `group_by` is empty)."""

    aggregates: tuple[Aggregate, ...]
    group_by: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = ()

    @classmethod
    def from_json(cls, document: Mapping[str, Any] | str | bytes) -> AggregateQuery:
        """A query from its JSON shape (a mapping or JSON text); QueryError names what is wrong."""
        if isinstance(document, str | bytes):
            try:
                document = json.loads(document)
            except ValueError as error:
                raise QueryError("", f"not JSON: {error}") from None
        mapping = _mapping(document, "", QUERY_KEYS)
        query = cls(
            aggregates=tuple(
                _aggregate(item, f"aggregates[{i}]")
                for i, item in enumerate(_list(mapping.get("aggregates", []), "aggregates"))
            ),
            group_by=tuple(
                _name(item, f"group_by[{i}]")
                for i, item in enumerate(_list(mapping.get("group_by", []), "group_by"))
            ),
            filters=tuple(
                _filter(item, f"filters[{i}]")
                for i, item in enumerate(_list(mapping.get("filters", []), "filters"))
            ),
        )
        check_shape(query)
        return query


def check_shape(query: AggregateQuery) -> None:
    """Refuse a query whose shape no table could make acceptable: limits, repeats, operators, values."""
    if not query.aggregates:
        raise QueryError("aggregates", 'name at least one aggregate, e.g. {"fn": "count"}')
    _at_most(query.aggregates, MAX_AGGREGATES, "aggregates")
    _at_most(query.group_by, MAX_GROUP_BY, "group_by")
    _at_most(query.filters, MAX_FILTERS, "filters")
    for i, column in enumerate(query.group_by):
        _check_name(column, f"group_by[{i}]")
        if column in query.group_by[:i]:
            raise QueryError(f"group_by[{i}]", f"column {column!r} is already grouped by")
    names: dict[str, str] = {column: f"group_by[{i}]" for i, column in enumerate(query.group_by)}
    for i, aggregate in enumerate(query.aggregates):
        _check_aggregate(aggregate, f"aggregates[{i}]")
        if aggregate.name in names:
            raise QueryError(
                f"aggregates[{i}]", f"its result {aggregate.name!r} repeats {names[aggregate.name]}"
            )
        names[aggregate.name] = f"aggregates[{i}]"
    for i, condition in enumerate(query.filters):
        _check_filter(condition, f"filters[{i}]")


def _check_aggregate(aggregate: Aggregate, field: str) -> None:
    if aggregate.fn not in FUNCTIONS:
        raise QueryError(
            f"{field}.fn", f"unknown function {aggregate.fn!r}; use one of {_listing(FUNCTIONS)}"
        )
    if aggregate.column is None:
        if aggregate.fn != "count":
            raise QueryError(f"{field}.column", f"{aggregate.fn} needs a column")
    else:
        _check_name(aggregate.column, f"{field}.column")


def _check_filter(condition: Filter, field: str) -> None:
    _check_name(condition.column, f"{field}.column")
    if condition.op not in OPERATORS:
        raise QueryError(
            f"{field}.op", f"unknown operator {condition.op!r}; use one of {_listing(OPERATORS)}"
        )
    value = condition.value
    if condition.op in {"in", "between"}:
        if not isinstance(value, tuple):
            raise QueryError(f"{field}.value", f"{condition.op} takes a list of values")
        if condition.op == "between" and len(value) != 2:
            raise QueryError(f"{field}.value", "between takes a list of two values: [low, high]")
        if condition.op == "in" and not 1 <= len(value) <= MAX_IN_VALUES:
            raise QueryError(f"{field}.value", f"in takes a list of 1 to {MAX_IN_VALUES} values")
        for j, item in enumerate(value):
            _check_scalar(item, f"{field}.value[{j}]")
    elif isinstance(value, tuple):
        raise QueryError(f"{field}.value", f"{condition.op} takes one value; use in for a list of values")
    else:
        _check_scalar(value, f"{field}.value")


def _check_scalar(value: object, field: str) -> None:
    if value is None:
        raise QueryError(field, "null cannot be compared with; give a text, number or boolean value")
    if not isinstance(value, str | int | float | bool):
        raise QueryError(field, f"a {type(value).__name__} is not a value; give a text, number or boolean")
    if isinstance(value, float) and not math.isfinite(value):
        raise QueryError(field, "give a finite number")


def _check_name(column: object, field: str) -> None:
    if not isinstance(column, str) or not column:
        raise QueryError(field, "give a column name as non-empty text")


def _at_most(items: Sequence[object], limit: int, field: str) -> None:
    if len(items) > limit:
        raise QueryError(field, f"at most {limit} are allowed, {len(items)} were given")


def _aggregate(item: object, field: str) -> Aggregate:
    mapping = _mapping(item, field, AGGREGATE_KEYS)
    fn = mapping.get("fn")
    if not isinstance(fn, str):
        raise QueryError(f"{field}.fn", f"give a function name: one of {_listing(FUNCTIONS)}")
    column = mapping.get("column")
    if column is not None:
        column = _name(column, f"{field}.column")
    return Aggregate(fn=fn, column=column)


def _filter(item: object, field: str) -> Filter:
    mapping = _mapping(item, field, FILTER_KEYS)
    op = mapping.get("op")
    if not isinstance(op, str):
        raise QueryError(f"{field}.op", f"give an operator: one of {_listing(OPERATORS)}")
    if "value" not in mapping:
        raise QueryError(f"{field}.value", "give the value to compare with")
    value = mapping["value"]
    return Filter(
        column=_name(mapping.get("column"), f"{field}.column"),
        op=op,
        value=tuple(value) if isinstance(value, list) else value,
    )


def _name(item: object, field: str) -> str:
    _check_name(item, field)
    assert isinstance(item, str)
    return item


def _mapping(item: object, field: str, keys: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(item, Mapping):
        raise QueryError(field, "give an object")
    for key in item:
        if key not in keys:
            raise QueryError(f"{field}.{key}" if field else str(key), f"unknown field; use {_listing(keys)}")
    return item


def _list(item: object, field: str) -> list[Any]:
    if not isinstance(item, list | tuple):
        raise QueryError(field, "give a list")
    return list(item)


def _listing(names: frozenset[str]) -> str:
    return ", ".join(sorted(names))
