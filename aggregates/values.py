"""Result values in plain Python types that JSON can carry."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from aggregates.columns import Kind
from aggregates.plan import PlannedAggregate

DECIMALS = 6

Value = str | int | float | bool | None


def key_value(value: object) -> Value:
    """A group key: text, number or boolean as it is, a date or timestamp as ISO 8601, a decimal as float."""
    return _plain(value)


def aggregate_value(aggregate: PlannedAggregate, value: Any) -> Value:
    """Counts and sums of integer columns as int, averages and other sums as floats rounded to 6 decimals,
    min and max as the column's value (dates as ISO 8601 strings); None when withheld or without values."""
    if value is None:
        return None
    if aggregate.fn == "count":
        return int(value)
    integral = aggregate.column is not None and aggregate.column.kind is Kind.INTEGER
    if aggregate.fn == "avg" or (aggregate.fn == "sum" and not integral):
        return round(float(value), DECIMALS)
    return _plain(value)


def _plain(value: object) -> Value:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)
