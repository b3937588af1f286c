"""The two SQL statements of a query: the group counts that suppression decides on, and the aggregates.

Names in the SQL are only columns of the plan (which exist in the file and are allowed), quoted as DuckDB
identifiers; every value, the group size threshold included, is a named parameter. Groups are numbered by
their keys over the whole table (`gid`), the same way in both statements, so the second can be told which
groups to release without any key value going back into SQL.
"""

from __future__ import annotations

from itertools import combinations

from aggregates.plan import Column, Plan, PlannedAggregate
from aggregates.source import VIEW

COMPARISONS = {"eq": "=", "ne": "IS DISTINCT FROM", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
# The threshold below which a count is small; $k is bound to the policy's min_group_size.
SMALL = "BETWEEN 1 AND $k - 1"


def quote(name: str) -> str:
    """A DuckDB quoted identifier: the name in double quotes, with double quotes inside doubled."""
    return '"' + name.replace('"', '""') + '"'


class Parameters(dict[str, object]):
    """Named parameters of one statement; `bind` stores a value and gives its placeholder."""

    def bind(self, value: object) -> str:
        """The placeholder (`$value_0`, ...) for a new parameter holding `value`."""
        name = f"value_{len(self)}"  # unique: the dict only grows
        self[name] = value
        return f"${name}"


def condition(plan: Plan, parameters: Parameters) -> str:
    """The filters as one SQL condition (TRUE without filters), values bound as parameters."""
    parts = []
    for planned in plan.filters:
        column = quote(planned.column.name)
        placeholders = [parameters.bind(value) for value in planned.values]
        if planned.op == "in":
            parts.append(f"{column} IN ({', '.join(placeholders)})")
        elif planned.op == "between":
            parts.append(f"{column} BETWEEN {placeholders[0]} AND {placeholders[1]}")
        else:
            parts.append(f"{column} {COMPARISONS[planned.op]} {placeholders[0]}")
    return " AND ".join(parts) or "TRUE"


def counts_sql(plan: Plan, limit: int) -> tuple[str, Parameters]:
    """Per group of the whole table: `gid`, rows kept and excluded by the filters, its coarser cells.

    A cell of a coarser grouping (the group-by columns less some) is numbered with dense_rank, so groups
    that share a cell share its number. At most `limit` groups are returned.
    """
    parameters = Parameters()
    where = condition(plan, parameters)
    counts = (
        f"count(*) FILTER (WHERE {where}) AS kept, count(*) - count(*) FILTER (WHERE {where}) AS excluded"
    )
    if not plan.group_by:
        return f"SELECT 0 AS gid, {counts} FROM {VIEW}", parameters  # noqa: S608 (quoted names, bound values)
    parameters["limit"] = limit
    keys = _keys(plan.group_by)
    cells = [
        f"dense_rank() OVER (ORDER BY {_order(subset)}) AS cell_{i}"
        for i, subset in enumerate(coarser_groupings(plan.group_by))
    ]
    sql = (
        f"SELECT row_number() OVER (ORDER BY {_order(plan.group_by)}) - 1 AS gid, "  # noqa: S608
        f"{', '.join([counts, *cells])} FROM {VIEW} GROUP BY {keys} ORDER BY gid LIMIT $limit"
    )
    return sql, parameters


def aggregates_sql(plan: Plan, released: list[int]) -> tuple[str, Parameters]:
    """Keys, aggregate values and "value withheld" flags of the groups numbered in `released`.

    Groups with fewer than k (`$k`) kept rows are left out by HAVING as well, so their aggregates never
    reach the result, whatever `released` says. A column aggregate computed from 1 to k-1 values (the
    other rows have none) is withheld as NULL and flagged.
    """
    parameters = Parameters(k=plan.min_group_size)
    where = condition(plan, parameters)
    values = [_value(aggregate) for aggregate in plan.aggregates]
    flags = [_withheld(aggregate) for aggregate in plan.aggregates]
    outputs = [f"{value} AS v{i}" for i, value in enumerate(values)] + [
        f"{flag} AS h{i}" for i, flag in enumerate(flags)
    ]
    if not plan.group_by:
        sql = f"SELECT {', '.join(outputs)} FROM {VIEW} WHERE {where} HAVING count(*) >= $k"  # noqa: S608
        return sql, parameters
    parameters["released"] = released
    keys = _keys(plan.group_by)
    aliases = [f"g{i}" for i in range(len(plan.group_by))]
    named_keys = ", ".join(
        f"{quote(c.name)} AS {alias}" for c, alias in zip(plan.group_by, aliases, strict=True)
    )
    join = " AND ".join(f"a.{alias} IS NOT DISTINCT FROM n.{alias}" for alias in aliases)
    selected = [f"a.{alias}" for alias in aliases] + [f"a.v{i}" for i in range(len(values))]
    selected += [f"a.h{i}" for i in range(len(flags))]
    sql = (
        f"WITH numbered AS (SELECT {named_keys}, row_number() OVER (ORDER BY {_order(plan.group_by)}) - 1 "  # noqa: S608
        f"AS gid FROM {VIEW} GROUP BY {keys}), "
        f"aggregated AS (SELECT {named_keys}, {', '.join(outputs)} FROM {VIEW} WHERE {where} "
        f"GROUP BY {keys} HAVING count(*) >= $k) "
        f"SELECT {', '.join(selected)} FROM aggregated AS a JOIN numbered AS n ON {join} "
        "WHERE list_contains($released, n.gid) ORDER BY n.gid"
    )
    return sql, parameters


def coarser_groupings(group_by: tuple[Column, ...]) -> list[tuple[Column, ...]]:
    """Every grouping by some but not all of the columns, none left out (the overall total is implicit)."""
    return [subset for size in range(1, len(group_by)) for subset in combinations(group_by, size)]


def _value(aggregate: PlannedAggregate) -> str:
    if aggregate.column is None:
        return "count(*)"
    column = quote(aggregate.column.name)
    return f"CASE WHEN count({column}) {SMALL} THEN NULL ELSE {aggregate.fn}({column}) END"


def _withheld(aggregate: PlannedAggregate) -> str:
    if aggregate.column is None:
        return "false"
    return f"count({quote(aggregate.column.name)}) {SMALL}"


def _keys(columns: tuple[Column, ...]) -> str:
    return ", ".join(quote(column.name) for column in columns)


def _order(columns: tuple[Column, ...]) -> str:
    return ", ".join(f"{quote(column.name)} ASC NULLS LAST" for column in columns)
