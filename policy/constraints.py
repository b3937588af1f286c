"""Evaluating constraints against a request, with a reason for every outcome.

Left operands the node knows how to read from a request: `dateTime` (the request time), `elapsedTime`
(from the agreement start to the request time; `elapsedTime lteq P1M` holds until one calendar month
after the start), `count` (this use is number `prior_uses + 1`), `purpose`, `spatial`, `recipient`,
`payAmount`, and any other operand whose value the request lists in `operands`. A left operand the
request gives no value for, or that the node does not know, cannot be evaluated (`holds` is None): such
a constraint never holds for a permission. Logical constraints combine their parts in three-valued
logic; `andSequence` is `and`, since one request is a single moment.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from policy.facts import Relations, relations_for
from policy.model import AnyConstraint, Constraint, RightOperand
from policy.operators import apply
from policy.request import Request
from policy.terms import local_name
from policy.values import Duration, add_duration, duration_of, format_value
from policy.vocabulary import vocabulary


@dataclass(frozen=True)
class ConstraintCheck:
    """How one constraint fared: `holds` is True, False, or None when it could not be evaluated."""

    path: str
    uid: str | None
    operator: str
    holds: bool | None
    reason: str
    left_operand: str | None = None
    left_value: object = None
    right_operand: RightOperand | None = None
    parts: tuple[ConstraintCheck, ...] = ()

    def flatten(self) -> Iterator[ConstraintCheck]:
        """This check, then the checks of its parts, depth first."""
        yield self
        for part in self.parts:
            yield from part.flatten()


@dataclass
class ConstraintContext:
    """A request and the per-operand relations derived from it, built once per evaluation."""

    request: Request
    _relations: dict[str, Relations] = field(default_factory=dict)

    def relations(self, left_operand: str) -> Relations:
        """How to compare values of `left_operand` in this request's world."""
        if left_operand not in self._relations:
            self._relations[left_operand] = relations_for(
                left_operand, self.request.part_of, self.request.is_a
            )
        return self._relations[left_operand]


def check_all(
    constraints: tuple[AnyConstraint, ...], context: ConstraintContext, path: str
) -> tuple[ConstraintCheck, ...]:
    """Checks of a rule's constraints (or an action's refinements), paths `path[0]`, `path[1]`, ..."""
    return tuple(check(constraint, context, f"{path}[{i}]") for i, constraint in enumerate(constraints))


def check(constraint: AnyConstraint, context: ConstraintContext, path: str) -> ConstraintCheck:
    """The check of one constraint or logical constraint."""
    if not isinstance(constraint, Constraint):
        parts = check_all(constraint.constraints, context, f"{path}.{constraint.operator}")
        holds = combine(constraint.operator, [part.holds for part in parts])
        reason = _logical_reason(constraint.operator, [part.holds for part in parts], holds)
        return ConstraintCheck(path, constraint.uid, constraint.operator, holds, reason, parts=parts)
    name = constraint.left_operand
    label = local_name(name) if ":" in name else name
    base = ConstraintCheck(
        path, constraint.uid, constraint.operator, None, "", name, None, constraint.right_operand
    )
    observed = _observe(name, context.request)
    if isinstance(observed, str):
        return _replace(base, None, f"{label}: {observed}")
    value, subject = observed
    right = constraint.right_operand
    if name == "elapsedTime" and context.request.agreement_start is not None and isinstance(right, Duration):
        deadline = add_duration(context.request.agreement_start, right)
        holds, why = apply(constraint.operator, context.request.time, deadline, None, context.relations(name))
    else:
        holds, why = apply(constraint.operator, value, right, constraint.unit, context.relations(name))
    if holds is None:
        return _replace(base, None, f"{label}: {why}", value)
    return _replace(base, holds, f"{label}: {_describe(constraint, value, subject, holds, context)}", value)


def combine(operator: str, results: list[bool | None]) -> bool | None:
    """Three-valued `and`/`andSequence`, `or` and `xone` of the parts' outcomes."""
    if operator == "or":
        return True if True in results else None if None in results else False
    if operator == "xone":
        held = results.count(True)
        return False if held > 1 else None if None in results else held == 1
    return False if False in results else None if None in results else True


def _replace(base: ConstraintCheck, holds: bool | None, reason: str, value: object = None) -> ConstraintCheck:
    return ConstraintCheck(
        base.path, base.uid, base.operator, holds, reason, base.left_operand, value, base.right_operand
    )


def _observe(name: str, request: Request) -> tuple[object, str] | str:
    """The request's value for a left operand and how to name it, or why there is none."""
    fields: dict[str, tuple[object, str]] = {
        "dateTime": (request.time, "the time"),
        "count": (request.prior_uses + 1, ""),
        "purpose": (request.purpose, "the stated purpose"),
        "spatial": (request.spatial, "jurisdiction"),
        "recipient": (request.recipient, "recipient"),
        "payAmount": (request.pay_amount, "the offered payment"),
    }
    if name == "elapsedTime" and request.elapsed_time is not None:
        return duration_of(request.elapsed_time), "the time elapsed since the agreement started"
    if name in fields and fields[name][0] is not None:
        return fields[name]
    for key in (name, local_name(name)):
        if key in request.operands:
            value = request.operands[key]
            return (duration_of(value) if isinstance(value, timedelta) else value), "the value"
    if name in vocabulary().left_operands:
        missing = "agreement start" if name == "elapsedTime" else name
        return f"the request gives no {missing}, so it cannot be evaluated"
    return "unknown left operand, which the node cannot evaluate"


PHRASES = {
    "eq": ("is", "is not"),
    "neq": ("is not", "is"),
    "lt": ("is less than", "is not less than"),
    "lteq": ("is at most", "is more than"),
    "gt": ("is more than", "is not more than"),
    "gteq": ("is at least", "is less than"),
    "isA": ("is a", "is not a"),
    "hasPart": ("contains", "does not contain"),
    "isPartOf": ("is part of", "is not part of"),
    "isAllOf": ("includes all of", "does not include all of"),
    "isAnyOf": ("is one of", "is none of"),
    "isNoneOf": ("is none of", "is one of"),
}
TEMPORAL_PHRASES = {
    "lt": ("is before", "is not before"),
    "lteq": ("is not after", "is after"),
    "gt": ("is after", "is not after"),
    "gteq": ("is not before", "is before"),
}
COUNT_RULES = {
    "lteq": "{n} uses permitted, {used} used",
    "lt": "fewer than {n} uses permitted, {used} used",
    "eq": "only use number {n} permitted, this is use {this}",
    "neq": "every use but number {n} permitted, this is use {this}",
    "gt": "uses after the first {n} permitted, this is use {this}",
    "gteq": "uses from number {n} on permitted, this is use {this}",
}


def _describe(
    constraint: Constraint, value: object, subject: str, holds: bool, context: ConstraintContext
) -> str:
    operator, right = constraint.operator, constraint.right_operand
    if constraint.left_operand == "count" and operator in COUNT_RULES and isinstance(right, int):
        return COUNT_RULES[operator].format(n=right, used=value - 1, this=value)  # type: ignore[operator]
    phrases = TEMPORAL_PHRASES.get(operator) if isinstance(right, date) else None
    phrase = (phrases or PHRASES[operator])[0 if holds else 1]
    unit = f" {constraint.unit}" if constraint.unit and not isinstance(right, tuple) else ""
    text = f"{subject} {format_value(value)} {phrase} {format_value(right)}{unit}".strip()
    if constraint.left_operand == "elapsedTime" and context.request.agreement_start is not None:
        text += f" (the agreement started {format_value(context.request.agreement_start)})"
    relations = context.relations(constraint.left_operand)
    if operator == "eq" and not holds and relations.normal(right) in relations.containers(value):
        text += f"; it is part of {format_value(right)}, which isPartOf would accept"
    return text


def _logical_reason(operator: str, results: list[bool | None], holds: bool | None) -> str:
    total, held, open_ = len(results), results.count(True), results.count(None)
    if holds is None:
        return f"{operator}: {open_} of {total} constraints could not be evaluated"
    if operator == "or":
        return (
            f"or: {held} of {total} constraints hold"
            if holds
            else f"or: none of the {total} constraints holds"
        )
    if operator == "xone":
        return (
            f"xone: exactly one of {total} constraints holds"
            if holds
            else f"xone: {held} of {total} hold, exactly one must"
        )
    failed = results.count(False)
    return (
        f"{operator}: all {total} constraints hold"
        if holds
        else f"{operator}: {failed} of {total} constraints do not hold"
    )
