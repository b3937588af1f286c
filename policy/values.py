"""Typed operand values (XML Schema dateTime, date, duration, decimal, integer) read and written exactly."""

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

_DATE_TIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,6}))?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?"
)
_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})")
_DURATION = re.compile(
    r"(?P<sign>-)?P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?"
)
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_INTEGER = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class Iri:
    """A value written as an IRI reference (`{"@id": ...}` or an RDF IRI) rather than as text."""

    value: str

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Duration:
    """An xsd:duration: months and seconds kept apart, since a month has no fixed length."""

    months: int
    seconds: Decimal

    def __str__(self) -> str:
        return format_duration(self)


@dataclass(frozen=True)
class Quantity:
    """An exact amount in a unit, e.g. a payment of Decimal("10.00") in the currency "EUR"."""

    amount: Decimal
    unit: str

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}"


def parse_datetime(text: str) -> datetime:
    """An xsd:dateTime with a timezone, as an aware UTC datetime; ValueError otherwise."""
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        raise ValueError(f"not an xsd:dateTime: {text!r}")
    if match["zone"] is None:
        raise ValueError(f"{text!r} has no timezone; write it in UTC, e.g. {text}Z")
    fraction = (match["fraction"] or "").ljust(6, "0")
    zone = UTC if match["zone"] == "Z" else _offset(match["zone"])
    moment = datetime(
        int(match["year"]),
        int(match["month"]),
        int(match["day"]),
        int(match["hour"]),
        int(match["minute"]),
        int(match["second"] or 0),
        int(fraction),
        tzinfo=zone,
    )
    return moment.astimezone(UTC)


def _offset(zone: str) -> timezone:
    sign = -1 if zone[0] == "-" else 1
    hours, minutes = int(zone[1:3]), int(zone[4:6])
    if hours > 14 or minutes > 59:
        raise ValueError(f"not a timezone offset: {zone!r}")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_date(text: str) -> date:
    """An xsd:date without timezone (taken as a UTC day); ValueError otherwise."""
    match = _DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"not an xsd:date: {text!r}")
    return date(int(match["year"]), int(match["month"]), int(match["day"]))


def parse_duration(text: str) -> Duration:
    """An xsd:duration such as P30D, PT12H or P1Y2M; ValueError otherwise."""
    match = _DURATION.fullmatch(text)
    parts = ("years", "months", "days", "hours", "minutes", "seconds")
    if match is None or text.endswith("T") or not any(match[part] for part in parts):
        raise ValueError(f"not an xsd:duration: {text!r}")
    sign = -1 if match["sign"] else 1
    months = int(match["years"] or 0) * 12 + int(match["months"] or 0)
    seconds = (
        Decimal(match["seconds"] or 0)
        + int(match["minutes"] or 0) * 60
        + int(match["hours"] or 0) * 3600
        + int(match["days"] or 0) * 86400
    )
    return Duration(sign * months, sign * seconds)


def parse_decimal(text: str) -> Decimal:
    """An xsd:decimal, exactly; ValueError otherwise."""
    if _DECIMAL.fullmatch(text) is None:
        raise ValueError(f"not a decimal number: {text!r}")
    try:
        return Decimal(text)
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only valid decimals
        raise ValueError(f"not a decimal number: {text!r}") from error


def parse_integer(text: str) -> int:
    """An xsd:integer; ValueError otherwise."""
    if _INTEGER.fullmatch(text) is None:
        raise ValueError(f"not an integer: {text!r}")
    return int(text)


def duration_of(delta: timedelta) -> Duration:
    """A timedelta as an xsd:duration of days and seconds."""
    micro = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    return Duration(0, Decimal(micro).scaleb(-6).normalize() if micro else Decimal(0))


def add_duration(moment: datetime, duration: Duration) -> datetime:
    """`moment` plus `duration` as XML Schema adds them: months first (day pinned to the month's end)."""
    month_index = moment.year * 12 + moment.month - 1 + duration.months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    shifted = moment.replace(year=year, month=month + 1, day=min(moment.day, last_day))
    micro = int(duration.seconds.scaleb(6).to_integral_value())
    return shifted + timedelta(microseconds=micro)


def format_datetime(moment: datetime) -> str:
    """An aware datetime as an xsd:dateTime in UTC with a Z, milliseconds only when present."""
    moment = moment.astimezone(UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + "Z"


def format_duration(duration: Duration) -> str:
    """A duration in the xsd:duration notation, largest units first (P1Y2M, P30DT12H)."""
    negative = duration.months < 0 or duration.seconds < 0
    months, seconds = abs(duration.months), abs(duration.seconds)
    years, months = divmod(months, 12)
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    text = "-P" if negative else "P"
    text += "".join(f"{int(n)}{unit}" for n, unit in ((years, "Y"), (months, "M"), (days, "D")) if n)
    clock = "".join(f"{int(n)}{unit}" for n, unit in ((hours, "H"), (minutes, "M")) if n)
    if seconds:
        clock += f"{seconds.normalize():f}S"
    if clock:
        text += "T" + clock
    return text if text not in ("P", "-P") else "PT0S"


def format_value(value: object) -> str:
    """Any operand value as it would be written in a policy."""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, frozenset | set):
        return "[" + ", ".join(sorted(format_value(item) for item in value)) + "]"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    return str(value)
