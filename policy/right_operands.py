"""Reading a constraint's right operand into a typed value that suits its left operand and operator.

Both parsers hand over right operands in JSON-LD shape: a plain JSON value, `{"@value": ..., "@type": ...}`,
`{"@id": ...}`, or a list of those. What a left operand expects comes from the ODRL vocabulary's
definitions: `dateTime` takes an xsd:date or xsd:dateTime, `elapsedTime` an xsd:duration, `payAmount` an
xsd:decimal with a currency as unit, `count` a non-negative integer.
"""

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from policy.errors import PolicyError
from policy.model import RightOperand, Scalar
from policy.terms import LIST_OPERATORS, ORDERING_OPERATORS, XSD, expand_xsd, local_name
from policy.values import (
    Duration,
    Iri,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_duration,
    parse_integer,
)


class Kind(Enum):
    """What a left operand's right operand must be."""

    MOMENT = "an xsd:dateTime with timezone or an xsd:date"
    DURATION = "an xsd:duration such as P30D"
    COUNT = "a non-negative integer"
    MONEY = 'a decimal amount such as "10.00"'
    NUMBER = "a number"
    NAME = "a name or IRI"
    ANY = "a value"


KINDS: Mapping[str, Kind] = {
    "dateTime": Kind.MOMENT,
    "elapsedTime": Kind.DURATION,
    "delayPeriod": Kind.DURATION,
    "meteredTime": Kind.DURATION,
    "timeInterval": Kind.DURATION,
    "count": Kind.COUNT,
    "payAmount": Kind.MONEY,
    "percentage": Kind.NUMBER,
    "absoluteSize": Kind.NUMBER,
    "relativeSize": Kind.NUMBER,
    "resolution": Kind.NUMBER,
    **dict.fromkeys(
        [
            "purpose",
            "spatial",
            "recipient",
            "industry",
            "language",
            "fileFormat",
            "deliveryChannel",
            "media",
            "product",
            "event",
            "device",
            "system",
            "systemDevice",
            "virtualLocation",
            "unitOfCount",
        ],
        Kind.NAME,
    ),
}

_DATATYPES: Mapping[str, Callable[[str], Scalar]] = {
    XSD + "dateTime": parse_datetime,
    XSD + "dateTimeStamp": parse_datetime,
    XSD + "date": parse_date,
    XSD + "duration": parse_duration,
    XSD + "dayTimeDuration": parse_duration,
    XSD + "yearMonthDuration": parse_duration,
    XSD + "decimal": parse_decimal,
    **{
        XSD + name: parse_integer
        for name in [
            "integer",
            "int",
            "long",
            "short",
            "byte",
            "nonNegativeInteger",
            "positiveInteger",
            "nonPositiveInteger",
            "negativeInteger",
            "unsignedLong",
            "unsignedInt",
            "unsignedShort",
            "unsignedByte",
        ]
    },
}
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def kind_of(left_operand: str) -> Kind:
    """What the right operand of a constraint on `left_operand` must be."""
    return KINDS.get(left_operand, Kind.ANY)


def default_datatype(value: Scalar) -> str | None:
    """The XML Schema datatype a typed value is written with; None for text and IRIs."""
    if isinstance(value, bool):
        return XSD + "boolean"
    if isinstance(value, int):
        return XSD + "integer"
    if isinstance(value, Decimal):
        return XSD + "decimal"
    if isinstance(value, datetime):
        return XSD + "dateTime"
    if isinstance(value, date):
        return XSD + "date"
    if isinstance(value, Duration):
        return XSD + "duration"
    return None


def read_right_operand(
    raw: Any, left_operand: str, operator: str, unit: str | None, datatype: str | None, path: str
) -> tuple[RightOperand, str | None]:
    """The typed right operand and its datatype, or a PolicyError naming `path`."""
    kind = kind_of(left_operand)
    items = _unwrap_list(raw)
    if operator in LIST_OPERATORS:
        if items is None:
            items = [raw]
        values = tuple(_read_scalar(item, kind, datatype, f"{path}[{i}]") for i, item in enumerate(items))
        if not values:
            raise PolicyError(path, f"operator {operator} needs at least one value")
        return tuple(value for value, _ in values), None
    if items is not None:
        if len(items) != 1:
            raise PolicyError(path, f"operator {operator} takes one value; use isAnyOf for a list")
        raw = items[0]
    value, value_type = _read_scalar(raw, kind, datatype, path)
    _check_operator(value, operator, path)
    if kind is Kind.MONEY:
        _check_currency(unit, path)
    return value, value_type or default_datatype(value)


def _unwrap_list(raw: Any) -> list[Any] | None:
    if isinstance(raw, list):
        return raw
    if isinstance(raw, dict) and ("@list" in raw or "@set" in raw):
        inner = raw.get("@list", raw.get("@set"))
        return inner if isinstance(inner, list) else [inner]
    return None


def _read_scalar(raw: Any, kind: Kind, datatype: str | None, path: str) -> tuple[Scalar, str | None]:
    if isinstance(raw, dict):
        if "@id" in raw and isinstance(raw["@id"], str):
            return _checked(Iri(raw["@id"]), kind, path), None
        if "@value" not in raw:
            raise PolicyError(path, 'expected a value, {"@value": ..., "@type": ...} or {"@id": ...}')
        datatype, raw = raw.get("@type", datatype), raw["@value"]
    if datatype is not None and isinstance(raw, str):
        return _read_typed(raw, expand_xsd(datatype), kind, path)
    return _checked(_read_plain(raw, kind, path), kind, path), None


def _read_typed(lexical: str, datatype: str, kind: Kind, path: str) -> tuple[Scalar, str | None]:
    if datatype in (XSD + "string", XSD + "normalizedString", XSD + "token"):
        return _checked(lexical, kind, path), None
    if datatype == XSD + "anyURI":
        return _checked(Iri(lexical), kind, path), None
    if datatype == XSD + "boolean":
        if lexical not in _BOOLEANS:
            raise PolicyError(path, f"not an xsd:boolean: {lexical!r}")
        return _checked(_BOOLEANS[lexical], kind, path), datatype
    reader = _DATATYPES.get(datatype)
    if reader is None:
        return _checked(lexical, kind, path), datatype
    try:
        value = reader(lexical)
    except ValueError as error:
        raise PolicyError(path, str(error)) from None
    return _checked(value, kind, path), datatype


def _read_plain(raw: Any, kind: Kind, path: str) -> Scalar:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, float):
        if kind is Kind.MONEY:
            raise PolicyError(path, 'write amounts as decimal strings such as "10.50", not binary floats')
        return Decimal(repr(raw))
    if isinstance(raw, int | Decimal):
        return Decimal(raw) if kind is Kind.MONEY and isinstance(raw, int) else raw
    if not isinstance(raw, str):
        raise PolicyError(path, f"expected {kind.value}, got {type(raw).__name__}")
    readers: dict[Kind, Callable[[str], Scalar]] = {
        Kind.MOMENT: lambda text: parse_datetime(text) if "T" in text else parse_date(text),
        Kind.DURATION: parse_duration,
        Kind.COUNT: parse_integer,
        Kind.MONEY: parse_decimal,
        Kind.NUMBER: lambda text: parse_integer(text) if "." not in text else parse_decimal(text),
    }
    reader = readers.get(kind)
    if reader is None:
        return raw
    try:
        return reader(raw)
    except ValueError as error:
        raise PolicyError(path, f"expected {kind.value}: {error}") from None


def _checked(value: Scalar, kind: Kind, path: str) -> Scalar:
    fits = {
        Kind.MOMENT: isinstance(value, date),
        Kind.DURATION: isinstance(value, Duration),
        Kind.COUNT: isinstance(value, int) and not isinstance(value, bool) and value >= 0,
        Kind.MONEY: isinstance(value, Decimal | int) and not isinstance(value, bool),
        Kind.NUMBER: isinstance(value, Decimal | int) and not isinstance(value, bool),
        Kind.NAME: isinstance(value, str | Iri),
        Kind.ANY: True,
    }[kind]
    if not fits:
        raise PolicyError(path, f"expected {kind.value}, got {value!r}")
    return value


def _check_operator(value: Scalar, operator: str, path: str) -> None:
    orderable = isinstance(value, int | Decimal | date | Duration) and not isinstance(value, bool)
    if operator in ORDERING_OPERATORS and not orderable:
        raise PolicyError(
            path, f"operator {operator} compares numbers, dates, times or durations, not {value!r}"
        )
    if operator in ("isA", "hasPart", "isPartOf") and not isinstance(value, str | Iri):
        raise PolicyError(path, f"operator {operator} relates names or IRIs, not {value!r}")


def _check_currency(unit: str | None, path: str) -> None:
    unit_path = path.rsplit(".", 1)[0] + ".unit"
    if unit is None:
        raise PolicyError(unit_path, "payAmount needs a unit naming its ISO 4217 currency, e.g. EUR")
    code = local_name(unit)
    if len(code) != 3 or not code.isascii() or not code.isupper():
        raise PolicyError(
            unit_path, f"payAmount unit must name an ISO 4217 currency such as EUR, not {unit!r}"
        )
