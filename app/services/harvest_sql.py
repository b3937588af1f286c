"""Bulk inserts of harvested rows straight to the driver's cursor, one ``executemany`` per table.

A harvest writes thousands of rows a page; SQLAlchemy's ORM bulk insert spends most of its time on
per-row bookkeeping around the driver. Here each table's statement is written once and its values are
prepared as the column types would prepare them (JSON as text, times as timezone-aware UTC, on SQLite
in the text form SQLAlchemy reads back), inside the session's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Date
from sqlmodel import Session

from ..models.base import UTCDateTime


def insert_rows(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (dicts with the same keys, named as the model's columns) in one executemany."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    table = model.__table__
    names = list(rows[0])
    prepare = [_preparer(table.c[name], dialect.name) for name in names]
    quote = dialect.identifier_preparer.quote
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    columns = ", ".join(quote(table.c[n].name) for n in names)  # the table's own columns, quoted
    sql = f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({', '.join([marker] * len(names))})"  # noqa: S608
    values = [tuple(p(row[n]) if p else row[n] for n, p in zip(names, prepare, strict=True)) for row in rows]
    _SQLITE_TIMES.clear()
    connection.exec_driver_sql(sql, values)


def _preparer(column: Column[Any], dialect: str) -> Callable[[Any], Any] | None:
    kind = column.type
    if isinstance(kind, JSON):
        return _json
    if isinstance(kind, UTCDateTime):
        return _sqlite_time if dialect == "sqlite" else _aware
    if isinstance(kind, Date) and dialect == "sqlite":
        return _sqlite_date
    return None


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return ("[]" if value.__class__ is list else "{}") if not value else json.dumps(value)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime: store timezone-aware UTC values only")
    return value.astimezone(UTC)


_SQLITE_TIMES: dict[datetime, str] = {}  # a batch's rows mostly share one time: formatted once


def _sqlite_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = _SQLITE_TIMES.get(value)
    if text is None:
        text = _SQLITE_TIMES[value] = _aware(value).strftime("%Y-%m-%d %H:%M:%S.%f")  # type: ignore[union-attr]
    return text


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
