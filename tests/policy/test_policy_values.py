"""Reading and writing XML Schema values exactly."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from policy.values import (
    Duration,
    add_duration,
    duration_of,
    format_datetime,
    format_duration,
    format_value,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_duration,
    parse_integer,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-12T11:20:10.999Z", datetime(2024, 2, 12, 11, 20, 10, 999000, tzinfo=UTC)),
        ("2024-02-12T12:20:10+01:00", datetime(2024, 2, 12, 11, 20, 10, tzinfo=UTC)),
        ("2023-12-31T06:00Z", datetime(2023, 12, 31, 6, 0, tzinfo=UTC)),
    ],
)
def test_datetimes_are_read_into_utc(text, expected) -> None:
    moment = parse_datetime(text)
    assert moment == expected
    assert moment.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-02-12T11:20:10", "has no timezone"),
        ("2024-02-12", "not an xsd:dateTime"),
        ("20240212T112010Z", "not an xsd:dateTime"),
        ("2024-02-12T11:20:10.1234567Z", "not an xsd:dateTime"),
        ("2024-02-12T11:20:10+15:00", "not a timezone offset"),
        ("2024-02-30T00:00:00Z", "day is out of range"),
    ],
)
def test_malformed_datetimes_are_refused(text, message) -> None:
    with pytest.raises(ValueError, match=message):
        parse_datetime(text)


def test_dates_decimals_and_integers() -> None:
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    assert parse_decimal("10.50") == Decimal("10.50")
    assert parse_decimal(".5") == Decimal("0.5")
    assert parse_integer("-7") == -7
    for reader, text in ((parse_date, "2024-2-1"), (parse_decimal, "1e3"), (parse_integer, "1.0")):
        with pytest.raises(ValueError, match="not"):
            reader(text)


@pytest.mark.parametrize(
    ("text", "months", "seconds"),
    [
        ("P30D", 0, 30 * 86400),
        ("PT12H", 0, 12 * 3600),
        ("P1Y2M", 14, 0),
        ("P1DT0.5S", 0, Decimal("86400.5")),
        ("-P1M", -1, 0),
    ],
)
def test_durations_keep_months_apart_from_seconds(text, months, seconds) -> None:
    assert parse_duration(text) == Duration(months, Decimal(seconds))
    assert format_duration(parse_duration(text)) == text


@pytest.mark.parametrize("text", ["P", "PT", "P1DT", "30D", "P1.5D", "PT1H1H"])
def test_malformed_durations_are_refused(text) -> None:
    with pytest.raises(ValueError, match="not an xsd:duration"):
        parse_duration(text)


def test_adding_months_pins_the_day_to_the_end_of_the_month() -> None:
    january_end = datetime(2024, 1, 31, 9, 0, tzinfo=UTC)
    assert add_duration(january_end, parse_duration("P1M")) == datetime(2024, 2, 29, 9, 0, tzinfo=UTC)
    assert add_duration(january_end, parse_duration("P1Y1M")) == datetime(2025, 2, 28, 9, 0, tzinfo=UTC)
    assert add_duration(january_end, parse_duration("-P2M")) == datetime(2023, 11, 30, 9, 0, tzinfo=UTC)
    assert add_duration(january_end, parse_duration("P1DT1.5S")) == january_end + timedelta(
        days=1, seconds=1.5
    )


def test_values_are_written_as_in_a_policy() -> None:
    cet = timezone(timedelta(hours=1))
    assert format_datetime(datetime(2024, 2, 12, 12, 0, 0, 999000, tzinfo=cet)) == "2024-02-12T11:00:00.999Z"
    assert format_value(Decimal("10.00")) == "10.00"
    assert format_value(date(2024, 1, 1)) == "2024-01-01"
    assert format_value(frozenset({"FR", "DE"})) == "[DE, FR]"
    assert format_value(duration_of(timedelta(days=31, hours=2))) == "P31DT2H"
    assert format_duration(Duration(0, Decimal(0))) == "PT0S"
