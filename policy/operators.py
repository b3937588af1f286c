"""The twelve ODRL operators over typed values.

Each comparison has three outcomes: it holds (True), it fails (False), or it cannot be decided (None:
values of kinds that do not compare, such as EUR against USD or P1M against P30D). Callers treat None
as "does not hold" for permissions and as "may apply" for prohibitions, so an undecidable constraint
never widens what a party may do.

Set-based operators read the left value as a set (a single value is a set of one):
`isAnyOf` some value is listed; `isNoneOf` no value is listed; `isAllOf` every listed value is among the
left values; `isPartOf` every value is, or belongs to, the right operand; `hasPart` the right operand is,
or belongs to, one of the values; `isA` every value is an instance of the right operand.
"""

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from policy.facts import Relations
from policy.model import RightOperand
from policy.terms import local_name
from policy.values import Duration, Iri, Quantity, format_value

Verdict = tuple[bool | None, str | None]


def apply(
    operator: str, left: object, right: RightOperand, unit: str | None, relations: Relations
) -> Verdict:
    """Whether `left operator right` holds, and why not if it cannot be decided."""
    if operator in ("isA", "hasPart", "isPartOf", "isAllOf", "isAnyOf", "isNoneOf"):
        return _set_based(operator, _as_set(left), right, relations), None
    if _is_collection(left):
        values = list(left)  # type: ignore[call-overload]
        if len(values) != 1:
            return None, f"{operator} compares one value, the request gives {len(values)}"
        left = values[0]
    if isinstance(right, tuple):
        return None, f"{operator} compares one value, the policy gives {len(right)}"
    if isinstance(left, Quantity) or unit is not None:
        return _quantity(operator, left, right, unit, relations)
    if isinstance(left, datetime) and isinstance(right, date) and not isinstance(right, datetime):
        return _within_day(operator, left, right), None
    order = _order(left, right, relations)
    if isinstance(order, str):
        return None, order
    return _holds(operator, order), None


def _holds(operator: str, order: int) -> bool:
    return {
        "eq": order == 0,
        "neq": order != 0,
        "lt": order < 0,
        "lteq": order <= 0,
        "gt": order > 0,
        "gteq": order >= 0,
    }[operator]


def _order(left: object, right: object, relations: Relations) -> int | str:
    """-1, 0 or 1 as `left` is below, equal to or above `right`; a reason when they do not compare."""
    if isinstance(left, bool) or isinstance(right, bool):
        if isinstance(left, bool) and isinstance(right, bool):
            return int(left) - int(right)
    elif isinstance(left, int | Decimal) and isinstance(right, int | Decimal):
        return _sign(Decimal(left) - Decimal(right))
    elif isinstance(left, date) and isinstance(right, date) and type(left) is type(right):
        return _sign(left - right)  # two datetimes, or two dates
    elif isinstance(left, Duration) and isinstance(right, Duration):
        return _duration_order(left, right)
    elif isinstance(left, str | Iri) and isinstance(right, str | Iri):
        if relations.same(left, right):
            return 0
        return 1 if relations.normal(left) > relations.normal(right) else -1
    return f"cannot compare {format_value(left)!r} with {format_value(right)!r}"


def _sign(difference: Decimal | timedelta | int) -> int:
    zero = timedelta(0) if isinstance(difference, timedelta) else 0
    return (difference > zero) - (difference < zero)  # type: ignore[operator]


def _duration_order(left: Duration, right: Duration) -> int | str:
    if left.months == right.months:
        return _sign(left.seconds - right.seconds)
    if left.seconds == right.seconds == 0:
        return _sign(left.months - right.months)
    return f"cannot order {format_value(left)} against {format_value(right)}: a month has no fixed length"


def _within_day(operator: str, moment: datetime, day: date) -> bool:
    """Compare a moment with a whole UTC day: before it, during it, or after it."""
    start = datetime.combine(day, time(), UTC)
    end = start + timedelta(days=1)
    inside = start <= moment < end
    return {
        "eq": inside,
        "neq": not inside,
        "lt": moment < start,
        "lteq": moment < end,
        "gt": moment >= end,
        "gteq": moment >= start,
    }[operator]


def _quantity(operator: str, left: object, right: object, unit: str | None, relations: Relations) -> Verdict:
    if not isinstance(left, Quantity):
        return None, f"the policy counts in {unit}, the request gives a plain {format_value(left)}"
    if unit is None:
        return None, f"the request gives {left}, the policy gives no unit"
    if local_name(left.unit).upper() != local_name(unit).upper():
        return None, f"cannot compare {left} with an amount in {unit}"
    order = _order(left.amount, right, relations)
    return (None, order) if isinstance(order, str) else (_holds(operator, order), None)


def _set_based(operator: str, values: list[object], right: RightOperand, relations: Relations) -> bool:
    listed = list(right) if isinstance(right, tuple) else [right]

    def among(value: object) -> bool:
        return any(relations.same(value, item) for item in listed)

    def within(part: object, whole: object) -> bool:
        return relations.same(part, whole) or relations.normal(whole) in relations.containers(part)

    if operator == "isAnyOf":
        return any(among(value) for value in values)
    if operator == "isNoneOf":
        return not any(among(value) for value in values)
    if operator == "isAllOf":
        return all(any(relations.same(value, item) for value in values) for item in listed)
    if operator == "isPartOf":
        return bool(values) and all(within(value, right) for value in values)
    if operator == "hasPart":
        return any(within(right, value) for value in values)
    return bool(values) and all(relations.normal(right) in relations.classes(value) for value in values)


def _as_set(left: object) -> list[object]:
    return list(left) if _is_collection(left) else [left]  # type: ignore[call-overload]


def _is_collection(value: object) -> bool:
    return isinstance(value, Collection) and not isinstance(value, str)
