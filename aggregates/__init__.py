"""Restricted aggregate queries over a CSV or Parquet file: "usable but not visible".

A pure library: it never imports Flask, the database or `app/`. DuckDB reads the one file in a fresh,
locked-down in-memory database per query, and only groups of at least `min_group_size` rows leave it.

    policy = QueryPolicy(columns=frozenset({"district", "age_band", "amount"}), min_group_size=10)
    query = AggregateQuery.from_json(
        {"group_by": ["district"], "aggregates": [{"fn": "count"}, {"fn": "avg", "column": "amount"}],
         "filters": [{"column": "age_band", "op": "in", "value": ["30-39", "40-49"]}]}
    )
    result = run_query(path, "text/csv", query, policy)
    result.groups  # [{"district": "Futian", "count": 123, "avg_amount": 456.7}, ...]
    result.suppressed_groups, result.rows_considered, result.explanation

Every refusal is a QueryError whose `field` names the part of the query (`aggregates[1].column`,
`filters[0].op`, `group_by[0]`); a file that cannot be read raises SourceError. `table_columns` lists a
file's columns and their DuckDB types. The suppression rules are in `suppression.py` and the README.
"""

from aggregates.errors import QueryError, SourceError
from aggregates.query import Aggregate, AggregateQuery, Filter
from aggregates.query_policy import QueryPolicy
from aggregates.run import QueryResult, run_query
from aggregates.source import table_columns

__all__ = [
    "Aggregate",
    "AggregateQuery",
    "Filter",
    "QueryError",
    "QueryPolicy",
    "QueryResult",
    "SourceError",
    "run_query",
    "table_columns",
]
