"""Running a query: check it, count its groups, decide what may be released, compute only that."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from aggregates.errors import QueryError
from aggregates.explain import explain
from aggregates.plan import Plan, plan_query
from aggregates.query import AggregateQuery
from aggregates.query_policy import QueryPolicy
from aggregates.source import open_source
from aggregates.sql import aggregates_sql, counts_sql
from aggregates.suppression import Decision, GroupCount, decide
from aggregates.values import Value, aggregate_value, key_value

# Counting more groups than this would hold too much in memory; such a grouping is refused.
MAX_GROUPS_COUNTED = 100_000


@dataclass(frozen=True)
class QueryResult:
    """The released groups (keys and aggregate values, never rows) and what was withheld, and why.

    `rows_considered` is the number of rows the filters keep, or None when that is fewer than
    `min_group_size` (a small count is withheld like any other).
    """

    groups: list[dict[str, Value]]
    suppressed_groups: int
    rows_considered: int | None
    explanation: tuple[str, ...]


def run_query(path: str | Path, media_type: str, query: AggregateQuery, policy: QueryPolicy) -> QueryResult:
    """Run an aggregate query over a CSV or Parquet file under a policy; QueryError when refused,
    SourceError when the file cannot be read."""
    with open_source(path, media_type) as source:
        plan = plan_query(query, policy, source.columns)
        counts = _counts(source.connection, plan)
        _refuse_small_exclusion(plan, counts)
        decision = decide(counts, plan.min_group_size)
        if len(decision.released) > policy.max_groups:
            raise QueryError(
                "group_by",
                f"too many groups: {len(decision.released)} would be released, the policy allows "
                f"{policy.max_groups}; group by coarser columns or filter",
            )
        rows = _aggregates(source.connection, plan, decision) if decision.released else []
    groups, withheld_values = _groups(plan, rows)
    kept = sum(group.kept for group in counts)
    return QueryResult(
        groups=groups,
        suppressed_groups=1 if decision.whole_result_withheld else len(decision.withheld),
        rows_considered=None if decision.whole_result_withheld else kept,
        explanation=explain(plan, decision, withheld_values),
    )


def _counts(connection: duckdb.DuckDBPyConnection, plan: Plan) -> list[GroupCount]:
    sql, parameters = counts_sql(plan, limit=MAX_GROUPS_COUNTED + 1)
    rows = connection.execute(sql, parameters).fetchall()
    if len(rows) > MAX_GROUPS_COUNTED:
        raise QueryError(
            "group_by", f"the grouping makes more than {MAX_GROUPS_COUNTED} groups; group by coarser columns"
        )
    # Rows come ordered by gid, which counts from 0: a group's index in the list is its gid.
    return [GroupCount(kept=row[1], excluded=row[2], cells=tuple(row[3:])) for row in rows]


def _refuse_small_exclusion(plan: Plan, counts: list[GroupCount]) -> None:
    """Refuse filters that drop a few rows: "everything" minus "everything but them" would describe them."""
    excluded = sum(group.excluded for group in counts)
    if plan.filters and 0 < excluded < plan.min_group_size:
        raise QueryError(
            "filters",
            f"the filters exclude too few rows (between 1 and {plan.min_group_size - 1}) of the table: "
            "comparing this result with one without them would describe those rows",
        )


def _aggregates(
    connection: duckdb.DuckDBPyConnection, plan: Plan, decision: Decision
) -> list[tuple[Any, ...]]:
    sql, parameters = aggregates_sql(plan, sorted(decision.released))
    return connection.execute(sql, parameters).fetchall()


def _groups(plan: Plan, rows: list[tuple[Any, ...]]) -> tuple[list[dict[str, Value]], int]:
    """The result groups from the SQL rows (keys, values, withheld flags), and how many values were
    withheld."""
    keys, width = len(plan.group_by), len(plan.aggregates)
    groups = []
    withheld = 0
    for row in rows:
        group = {
            column.name: key_value(value) for column, value in zip(plan.group_by, row[:keys], strict=True)
        }
        values = row[keys : keys + width]
        for aggregate, value in zip(plan.aggregates, values, strict=True):
            group[aggregate.name] = aggregate_value(aggregate, value)
        withheld += sum(bool(flag) for flag in row[keys + width :])
        groups.append(group)
    return groups, withheld
