"""The DuckDB a query runs in reads its one file and nothing else, and cannot be reconfigured."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from aggregate_tables import CSV, PARQUET, claims_rows, write_csv, write_parquet

from aggregates import AggregateQuery, QueryPolicy, SourceError, run_query, table_columns
from aggregates.source import open_source


@pytest.fixture
def table(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "claims.csv", claims_rows())


def test_the_view_reads_the_file(table: Path) -> None:
    with open_source(table, CSV) as source:
        assert source.connection.execute("SELECT count(*) FROM source").fetchone() == (81,)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM read_csv('{other}')",
        "SELECT * FROM read_text('{other}')",
        "SELECT * FROM glob('{directory}/*')",
        "COPY source TO '{directory}/copy.csv'",
        "ATTACH '{directory}/other.duckdb'",
        "INSTALL httpfs",
    ],
)
def test_no_other_file_can_be_touched(table: Path, tmp_path: Path, statement: str) -> None:
    other = write_csv(tmp_path / "other.csv", [{"secret": 1}])

    with open_source(table, CSV) as source, pytest.raises(duckdb.Error, match="disabled by configuration"):
        source.connection.execute(statement.format(other=other, directory=tmp_path))

    assert not (tmp_path / "copy.csv").exists()


@pytest.mark.parametrize(
    "statement",
    [
        "SET enable_external_access = true",
        "SET allowed_paths = ['/']",
        "SET memory_limit = '64GB'",
        "SET threads = 8",
        "RESET lock_configuration",
    ],
)
def test_the_configuration_is_locked(table: Path, statement: str) -> None:
    with open_source(table, CSV) as source, pytest.raises(duckdb.Error, match="locked"):
        source.connection.execute(statement)


def test_one_thread_and_a_memory_limit(table: Path) -> None:
    with open_source(table, CSV) as source:
        settings = dict(
            source.connection.execute(
                "SELECT name, value FROM duckdb_settings() "
                "WHERE name IN ('threads', 'memory_limit', 'temp_directory')"
            ).fetchall()
        )

    assert settings["threads"] == "1"
    assert settings["memory_limit"].endswith("MiB")
    assert settings["temp_directory"] == ""


def test_a_missing_file_is_a_source_error(tmp_path: Path) -> None:
    query = AggregateQuery.from_json({"aggregates": [{"fn": "count"}]})

    with pytest.raises(SourceError, match="could not be read"):
        run_query(tmp_path / "missing.csv", CSV, query, QueryPolicy())


def test_a_path_that_reads_as_a_pattern_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="pattern"):
        table_columns(tmp_path / "*.csv", CSV)


def test_a_parquet_file_that_is_not_parquet_is_a_source_error(table: Path) -> None:
    with pytest.raises(SourceError):
        table_columns(table, PARQUET)


def test_parquet_columns_keep_their_types(tmp_path: Path) -> None:
    table = write_parquet(tmp_path / "claims.parquet", claims_rows())

    assert dict(table_columns(table, PARQUET))["visited"] == "DATE"
