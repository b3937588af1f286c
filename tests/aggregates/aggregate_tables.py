"""Small tables written as real CSV and Parquet files, and the answers computed in plain Python."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

CSV = "text/csv"
PARQUET = "application/vnd.apache.parquet"

Row = dict[str, Any]

# District sizes chosen so that with k = 10 two districts are too small: Yantian (3) and Longgang (1).
DISTRICTS = {"Futian": 40, "Nanshan": 25, "Luohu": 12, "Yantian": 3, "Longgang": 1}
AGE_BANDS = ("20-29", "30-39", "40-49", "50-59")


def claims_rows() -> list[Row]:
    """81 insurance claims: a unique id, a name (never allowed), district, age band, claims, amount, date."""
    rows: list[Row] = []
    for district, size in DISTRICTS.items():
        for _ in range(size):
            i = len(rows)
            rows.append(
                {
                    "id": i,
                    "name": f"person-{i}",
                    "district": district,
                    "age_band": AGE_BANDS[(i * 7) % len(AGE_BANDS)],
                    "claims": (i * 3) % 5,
                    "amount": round(10 + (i * 37.31) % 900, 2),
                    "visited": (date(2024, 1, 1) + timedelta(days=(i * 11) % 300)).isoformat(),
                }
            )
    return rows


def write_csv(path: Path, rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> Path:
    """The rows as a CSV file with a header (None as an empty field)."""
    names = list(columns or rows[0])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for row in rows:
            writer.writerow(["" if row.get(name) is None else row[name] for name in names])
    return path


def write_parquet(
    path: Path, rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None
) -> Path:
    """The rows as a Parquet file, written by DuckDB from a CSV of the same rows (so types are the same)."""
    source = write_csv(path.with_suffix(".source.csv"), rows, columns)
    connection = duckdb.connect(":memory:")
    try:
        connection.read_csv(str(source), header=True).write_parquet(str(path))
    finally:
        connection.close()
    return path


def write_table(directory: Path, media_type: str, rows: Sequence[Mapping[str, Any]]) -> Path:
    """The rows in the format of `media_type`, in `directory`."""
    if media_type == CSV:
        return write_csv(directory / "table.csv", rows)
    return write_parquet(directory / "table.parquet", rows)


def grouped(rows: Iterable[Row], keys: Sequence[str]) -> dict[tuple[Any, ...], list[Row]]:
    """The rows by the values of `keys`."""
    groups: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for row in rows:
        groups[tuple(row[key] for key in keys)].append(row)
    return dict(groups)


def where(rows: Iterable[Row], keep: Callable[[Row], bool]) -> list[Row]:
    """The rows a filter keeps."""
    return [row for row in rows if keep(row)]
