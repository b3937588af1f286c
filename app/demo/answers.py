"""What the gateway's answers to the demo's calls hold: how many records, how many bytes.

Downloads send the stored file; aggregate queries run as the gateway runs them, under the offer's
rules; record pages are serialised as the gateway serialises them, from DuckDB's rows with every value
read as text (the gateway's own reader needs `pytz`, which the node does not install, to turn timestamps
with time zones into Python values). Answers repeat from day to day, so each is worked out once.
"""

from __future__ import annotations

import csv
import io
import json

import duckdb

from aggregates import AggregateQuery, QueryPolicy, run_query

from ..gateway.snapshots import FileRef, Snapshot
from ..gateway.tables import MASK, PARQUET_TYPES
from .specs import Call


class Answers:
    """The records and bytes of each answer, worked out once per file and question."""

    def __init__(self) -> None:
        self._sizes: dict[tuple[str, str, str], tuple[int, int]] = {}
        self._totals: dict[str, int] = {}
        self._duckdb = duckdb.connect(":memory:")

    def size(self, snapshot: Snapshot, file: FileRef, call: Call) -> tuple[int, int]:
        """The records and bytes the gateway sends; QueryError for a query the offer's rules refuse."""
        if call.mode == "download":
            return 0, file.byte_size or 0
        question = (
            json.dumps(call.query, sort_keys=True)
            if call.query
            else f"{call.page} {call.per_page} {call.fmt}"
        )
        key = (snapshot.id, file.id, question)
        if key not in self._sizes:
            self._sizes[key] = (
                self._aggregate(snapshot, file, call)
                if call.query
                else self._page(file, call, snapshot.masked_fields)
            )
        return self._sizes[key]

    def close(self) -> None:
        """Let go of DuckDB."""
        self._duckdb.close()

    def _aggregate(self, snapshot: Snapshot, file: FileRef, call: Call) -> tuple[int, int]:
        assert file.path is not None
        assert call.query is not None
        rules = QueryPolicy(
            columns=snapshot.columns,
            functions=snapshot.functions,
            min_group_size=snapshot.min_group_size,
            max_groups=snapshot.max_groups,
        )
        result = run_query(file.path, file.media_type or "", AggregateQuery.from_json(call.query), rules)
        body = {
            "groups": result.groups,
            "suppressed_groups": result.suppressed_groups,
            "rows_considered": result.rows_considered,
            "min_group_size": snapshot.min_group_size,
            "explanation": list(result.explanation),
        }
        return len(result.groups), len(json.dumps(body, ensure_ascii=False, default=str).encode())

    def _page(self, file: FileRef, call: Call, masked: frozenset[str]) -> tuple[int, int]:
        source = "read_parquet(?)" if file.media_type in PARQUET_TYPES else "read_csv(?, header=true)"
        path = str(file.path)
        # `source` is one of two constant table functions; the path and the numbers are bound
        result = self._duckdb.execute(
            f"SELECT COLUMNS(*)::VARCHAR FROM {source} LIMIT ? OFFSET ?",  # noqa: S608
            [path, call.per_page, (call.page - 1) * call.per_page],
        )
        columns = [d[0] for d in result.description]
        hidden = [i for i, name in enumerate(columns) if name in masked]
        rows = [
            tuple(MASK if i in hidden and v is not None else v for i, v in enumerate(row))
            for row in result.fetchall()
        ]
        if call.fmt == "csv":
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(rows)
            return len(rows), len(out.getvalue().encode())
        if file.id not in self._totals:
            counted = self._duckdb.execute(f"SELECT count(*) FROM {source}", [path]).fetchall()  # noqa: S608
            self._totals[file.id] = int(counted[0][0])
        body = {
            "columns": columns,
            "masked": sorted(masked & set(columns)),
            "page": call.page,
            "per_page": call.per_page,
            "total": self._totals[file.id],
            "records": [dict(zip(columns, row, strict=True)) for row in rows],
        }
        return len(rows), len(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())
