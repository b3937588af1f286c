"""Opening one CSV or Parquet file as a DuckDB view that can read that file and nothing else.

Each query gets a fresh in-memory DuckDB with one thread and a memory limit, no spilling to disk, and no
extension loading. The file's path is bound as a parameter and put on `allowed_paths` before external
access is switched off: the view `source` reads the file lazily on every query (nothing is loaded into
the process up front), while every other file, `COPY ... TO`, `ATTACH` and extension installs are refused.
Then the configuration is locked, so no later statement can widen any of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from aggregates.errors import QueryError, SourceError

VIEW = "source"
READERS = {
    "text/csv": "read_csv(getvariable('source_path'), header=true, auto_detect=true)",
    "application/vnd.apache.parquet": "read_parquet(getvariable('source_path'))",
}
SETTINGS: dict[str, str | bool | int | float | list[str]] = {
    "threads": 1,
    "memory_limit": "256MB",
    "temp_directory": "",  # no spilling: a query that does not fit in memory fails
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
}
GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True)
class Source:
    """A DuckDB connection with the view `source` over the file, and the file's columns and their types."""

    connection: duckdb.DuckDBPyConnection
    columns: dict[str, str]


@contextmanager
def open_source(path: str | Path, media_type: str) -> Iterator[Source]:
    """The file as a locked-down DuckDB view; DuckDB's errors while open become SourceError."""
    reader = _reader(media_type)
    resolved = str(Path(path).resolve())
    if GLOB_CHARACTERS & set(resolved):
        raise SourceError("the file's path must not contain *, ? or [: DuckDB would read it as a pattern")
    connection = duckdb.connect(":memory:", config=SETTINGS)
    try:
        connection.execute("SET allowed_paths = $paths", {"paths": [resolved]})
        connection.execute("SET enable_external_access = false")
        connection.execute("SET VARIABLE source_path = $path", {"path": resolved})
        connection.execute(f"CREATE VIEW {VIEW} AS SELECT * FROM {reader}")  # noqa: S608 (constants)
        connection.execute("SET lock_configuration = true")
        described = connection.execute(f"DESCRIBE {VIEW}").fetchall()
        yield Source(connection, {str(row[0]): str(row[1]) for row in described})
    except duckdb.Error as error:
        raise SourceError(f"the table could not be read: {error}") from error
    finally:
        connection.close()


def table_columns(path: str | Path, media_type: str) -> list[tuple[str, str]]:
    """The file's columns as (name, DuckDB type) pairs, in file order, for forms and documentation."""
    with open_source(path, media_type) as source:
        return list(source.columns.items())


def _reader(media_type: str) -> str:
    essence = media_type.split(";", 1)[0].strip().lower()
    if essence not in READERS:
        raise QueryError(
            "media_type", f"{media_type!r} cannot be queried; use {' or '.join(sorted(READERS))}"
        )
    return READERS[essence]
