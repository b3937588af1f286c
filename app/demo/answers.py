"""What the gateway's answers to the demo's calls hold: how many records, how many bytes.

Downloads send the stored file; record pages and aggregate queries are produced by the gateway's own
reader (`gateway.tables`) and query runner (`gateway.queries`), so the demo's usage events carry the
sizes the node would meter. Answers repeat from day to day, so each is worked out once.
"""

from __future__ import annotations

import json

from ..gateway import queries
from ..gateway.snapshots import FileRef, Snapshot
from ..gateway.tables import Tables
from .specs import Call


class Answers:
    """The records and bytes of each answer, worked out once per file and question."""

    def __init__(self) -> None:
        self._sizes: dict[tuple[str, str, str], tuple[int, int]] = {}
        self._tables = Tables()

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
            if call.query:
                groups, body = queries.answer(snapshot, file, call.query)
                self._sizes[key] = (groups, len(body))
            else:
                page = self._tables.page(file, call.page, call.per_page, call.fmt, snapshot.masked_fields)
                self._sizes[key] = (page.records, len(page.body))
        return self._sizes[key]
