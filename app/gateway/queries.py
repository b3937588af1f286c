"""An aggregate query's answer under an agreement's rules: the released groups as the gateway sends them."""

from __future__ import annotations

import json
from typing import Any

from aggregates import AggregateQuery, QueryPolicy, run_query

from .snapshots import FileRef, Snapshot


def answer(snapshot: Snapshot, file: FileRef, query: Any) -> tuple[int, bytes]:
    """Run `query` (JSON) over the file under the offer's columns, functions and minimum group size.

    Returns the number of released groups and the JSON body; QueryError when the rules refuse the query,
    SourceError when the file cannot be read.
    """
    assert file.path is not None
    rules = QueryPolicy(
        columns=snapshot.columns,
        functions=snapshot.functions,
        min_group_size=snapshot.min_group_size,
        max_groups=snapshot.max_groups,
    )
    result = run_query(file.path, file.media_type or "", AggregateQuery.from_json(query), rules)
    body = {
        "groups": result.groups,
        "suppressed_groups": result.suppressed_groups,
        "rows_considered": result.rows_considered,
        "min_group_size": snapshot.min_group_size,
        "explanation": list(result.explanation),
    }
    return len(result.groups), json.dumps(body, ensure_ascii=False, default=str).encode()
