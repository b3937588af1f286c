"""Column kinds: what DuckDB's type of a column lets a query do with it, and filter values made to fit."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from enum import StrEnum


class Kind(StrEnum):
    """The families of DuckDB types that queries treat alike."""

    INTEGER = "integer"
    DECIMAL = "decimal"
    FLOAT = "float"
    TEXT = "text"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMP = "timestamp"
    OTHER = "other"


NUMERIC = frozenset({Kind.INTEGER, Kind.DECIMAL, Kind.FLOAT})
# min and max of text would hand out one row's text; of numbers and dates they are the usual statistics.
ORDERED = NUMERIC | {Kind.DATE, Kind.TIMESTAMP}
# Lists, structs, blobs, intervals and zoned timestamps are neither grouped by nor compared.
COMPARABLE = ORDERED | {Kind.TEXT, Kind.BOOLEAN}

_INTEGER = re.compile(r"U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)")
_KINDS = {
    "FLOAT": Kind.FLOAT,
    "DOUBLE": Kind.FLOAT,
    "VARCHAR": Kind.TEXT,
    "BOOLEAN": Kind.BOOLEAN,
    "DATE": Kind.DATE,
    "TIMESTAMP": Kind.TIMESTAMP,
    "TIMESTAMP_S": Kind.TIMESTAMP,
    "TIMESTAMP_MS": Kind.TIMESTAMP,
    "TIMESTAMP_NS": Kind.TIMESTAMP,
}


def kind_of(duckdb_type: str) -> Kind:
    """The kind of a column from the type DuckDB describes it with, e.g. `BIGINT` or `DECIMAL(18,2)`."""
    if _INTEGER.fullmatch(duckdb_type):
        return Kind.INTEGER
    if duckdb_type.startswith("DECIMAL"):
        return Kind.DECIMAL
    return _KINDS.get(duckdb_type, Kind.OTHER)


def fit_value(kind: Kind, value: str | int | float | bool) -> object:
    """The filter value as DuckDB should compare it with a column of this kind; ValueError says why not."""
    if kind in NUMERIC:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("the column holds numbers; give a number")
        return value
    if kind is Kind.TEXT:
        if not isinstance(value, str):
            raise ValueError("the column holds text; give text")
        return value
    if kind is Kind.BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError("the column holds booleans; give true or false")
        return value
    if kind is Kind.DATE:
        return _date(value)
    if kind is Kind.TIMESTAMP:
        return _timestamp(value)
    raise ValueError("a column of this type cannot be compared")


def _date(value: object) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("the column holds dates; give an ISO 8601 date such as 2024-03-31")


def _timestamp(value: object) -> datetime:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            # The column's timestamps carry no zone; an offset given is taken to mean UTC.
            return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    raise ValueError("the column holds timestamps; give an ISO 8601 timestamp such as 2024-03-31T12:00:00")
