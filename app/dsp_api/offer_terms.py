"""What the node reads from the offer in a consumer's ContractRequestMessage: which offer, purpose, term.

The rest of the terms are the provider's offer as the catalog shows it: the consumer states the purpose
it asks for (`purpose eq X` in a permission, or `isAnyOf` with one value) and may ask for a shorter
term (`elapsedTime lteq P30D`); anything else it writes does not change what the provider agrees to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import Problem

URN_UUID = "urn:uuid:"
_DAYS = re.compile(r"P([1-9]\d{0,3})D")
_LOGICAL = ("and", "andSequence")


def local_id(pid: str) -> str | None:
    """The node's own id inside a `urn:uuid:` identifier; None for any other identifier."""
    return pid[len(URN_UUID) :] if pid.startswith(URN_UUID) and len(pid) > len(URN_UUID) else None


def stated_purpose(offer: Mapping[str, Any]) -> str | None:
    """The one purpose the consumer's offer states, or None when it states none."""
    found = {_single(c, "purpose", ("eq", "isAnyOf")) for c in _constraints(offer, "purpose")}
    if len(found) > 1:
        raise refusal("offer.permission", "states several purposes; a request is for one purpose")
    return found.pop() if found else None


def stated_days(offer: Mapping[str, Any]) -> int | None:
    """The term the consumer's offer asks for, in days, or None when it asks for none."""
    days = set()
    for constraint in _constraints(offer, "elapsedTime"):
        match = _DAYS.fullmatch(_single(constraint, "elapsedTime", ("lteq", "eq")))
        if match is None:
            raise refusal("offer.permission", "write the term in days, e.g. elapsedTime lteq P30D")
        days.add(int(match[1]))
    return min(days) if days else None


def refusal(field: str, reason: str) -> Problem:
    """A 400 about one part of the consumer's message."""
    return Problem(
        400, f"{field}: {reason}", slug="invalid-request", errors=[{"field": field, "reason": reason}]
    )


def _constraints(offer: Mapping[str, Any], left: str) -> Iterator[Mapping[str, Any]]:
    """The atomic constraints on `left` in the offer's permissions, also inside `and`."""
    for rule in _list(offer.get("permission")):
        if isinstance(rule, Mapping):
            yield from _matching(_list(rule.get("constraint")), left)


def _matching(constraints: list[Any], left: str) -> Iterator[Mapping[str, Any]]:
    for constraint in constraints:
        if not isinstance(constraint, Mapping):
            continue
        for logical in _LOGICAL:
            yield from _matching(_list(constraint.get(logical)), left)
        if _name(constraint.get("leftOperand")) == left:
            yield constraint


def _single(constraint: Mapping[str, Any], left: str, operators: tuple[str, ...]) -> str:
    """The one value a constraint gives its left operand."""
    values = _list(constraint.get("rightOperand"))
    if _name(constraint.get("operator")) not in operators or len(values) != 1:
        raise refusal("offer.permission", f"state one {left} as `{left} {operators[0]} <value>`")
    value = values[0]
    if isinstance(value, Mapping):
        value = value.get("@value", value.get("@id"))
    if not isinstance(value, str) or not value.strip():
        raise refusal("offer.permission", f"the {left} is a non-empty string")
    return value.strip()


def _name(value: Any) -> str:
    """An ODRL term however it is written: `purpose`, `odrl:purpose` or the full IRI."""
    if isinstance(value, Mapping):
        value = value.get("@id")
    return str(value or "").rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
