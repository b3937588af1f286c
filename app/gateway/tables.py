"""Reading a tabular distribution (CSV or Parquet) as pages of records, with fields masked.

DuckDB reads the file once per process (typed columns), and the rows stay cached while the file's
SHA-256 is the same; the serialised pages are cached too, so the record API's hot path is a lookup.
Files larger than `MAX_CACHED_BYTES` are paged by DuckDB at each call instead.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import duckdb

from ..errors import Problem
from .snapshots import FileRef

MAX_CACHED_BYTES = 64 * 1024 * 1024
MASK = "***"
PARQUET_TYPES = ("application/vnd.apache.parquet", "application/parquet", "application/x-parquet")
CSV_TYPES = ("text/csv", "application/csv")


@dataclass(frozen=True)
class Table:
    """A file's columns and rows."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class Page:
    """One page of records, serialised."""

    body: bytes
    media_type: str
    records: int
    total: int


class Tables:
    """Per-process cache of decoded tables and serialised pages."""

    def __init__(self, max_pages: int = 512) -> None:
        self._tables: dict[str, Table] = {}
        self._pages: OrderedDict[tuple[Any, ...], Page] = OrderedDict()
        self._max_pages = max_pages
        self._lock = threading.Lock()

    def page(self, file: FileRef, number: int, size: int, fmt: str, masked: frozenset[str]) -> Page:
        """Records `(number - 1) * size` onwards, as JSON or CSV, masked fields replaced."""
        key = (file.checksum, file.id, number, size, fmt, tuple(sorted(masked)))
        cached = self._pages.get(key)
        if cached is not None:
            return cached
        columns, rows, total = self._slice(file, (number - 1) * size, size)
        page = _serialise(columns, rows, total, number, size, fmt, masked)
        with self._lock:
            self._pages[key] = page
            while len(self._pages) > self._max_pages:
                self._pages.popitem(last=False)
        return page

    def _slice(
        self, file: FileRef, offset: int, size: int
    ) -> tuple[tuple[str, ...], list[tuple[Any, ...]], int]:
        if (file.byte_size or 0) <= MAX_CACHED_BYTES:
            table = self._table(file)
            return table.columns, table.rows[offset : offset + size], len(table.rows)
        source, path = _source(file)
        with duckdb.connect(":memory:") as connection:
            connection.execute("SET threads=1")
            # `source` is one of two constant table functions; the path and the numbers are bound
            total = connection.execute(f"SELECT count(*) FROM {source}", [path]).fetchone()[0]  # type: ignore[index]  # noqa: S608
            result = connection.execute(f"SELECT * FROM {source} LIMIT ? OFFSET ?", [path, size, offset])  # noqa: S608
            columns = tuple(d[0] for d in result.description)
            return columns, result.fetchall(), int(total)

    def _table(self, file: FileRef) -> Table:
        key = f"{file.id}:{file.checksum}"
        table = self._tables.get(key)
        if table is None:
            source, path = _source(file)
            with duckdb.connect(":memory:") as connection:
                connection.execute("SET threads=1")
                result = connection.execute(f"SELECT * FROM {source}", [path])  # noqa: S608 - a constant
                table = Table(tuple(d[0] for d in result.description), result.fetchall())
            with self._lock:
                self._tables = {k: v for k, v in self._tables.items() if not k.startswith(f"{file.id}:")}
                self._tables[key] = table
        return table


def is_tabular(file: FileRef) -> bool:
    """Whether the record API and aggregate queries can read the file."""
    return file.path is not None and (file.media_type or "").lower() in (*CSV_TYPES, *PARQUET_TYPES)


def _source(file: FileRef) -> tuple[str, str]:
    """The table function reading the file (its path a bound parameter), and the path."""
    if file.path is None or not file.path.exists():
        raise Problem(404, "this distribution has no file stored on the node", slug="no-file")
    if (file.media_type or "").lower() in PARQUET_TYPES:
        return "read_parquet(?)", str(file.path)
    if (file.media_type or "").lower() in CSV_TYPES:
        return "read_csv(?, header=true, auto_detect=true)", str(file.path)
    raise Problem(
        409, f"records are served from CSV or Parquet files, not {file.media_type}", slug="not-tabular"
    )


def _serialise(
    columns: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    total: int,
    number: int,
    size: int,
    fmt: str,
    masked: frozenset[str],
) -> Page:
    hidden = [i for i, name in enumerate(columns) if name in masked]
    if hidden:
        rows = [
            tuple(MASK if i in hidden and v is not None else v for i, v in enumerate(row)) for row in rows
        ]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_plain(v) for v in row] for row in rows])
        return Page(out.getvalue().encode(), "text/csv", len(rows), total)
    body = {
        "columns": list(columns),
        "masked": sorted(masked & set(columns)),
        "page": number,
        "per_page": size,
        "total": total,
        "records": [dict(zip(columns, (_plain(v) for v in row), strict=True)) for row in rows],
    }
    return Page(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
        "application/json",
        len(rows),
        total,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
