"""An ODRL 2.2 policy as plain, immutable data.

ODRL terms are kept by their local name (`use`, `dateTime`, `eq`); anything outside the ODRL vocabulary
(a custom action or left operand, parties, assets) by its full IRI. Right operands are typed Python
values (see `policy.values`). Missing action, target or party means the rule is not restricted by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from policy.values import Duration, Iri

Scalar = str | Iri | bool | int | Decimal | datetime | date | Duration
RightOperand = Scalar | tuple[Scalar, ...]


@dataclass(frozen=True)
class Constraint:
    """`leftOperand operator rightOperand`, e.g. `count lteq 100` or `payAmount gteq 10.00 EUR`."""

    left_operand: str
    operator: str
    right_operand: RightOperand
    unit: str | None = None
    data_type: str | None = None
    uid: str | None = None


@dataclass(frozen=True)
class LogicalConstraint:
    """Constraints combined by `or`, `xone`, `and` or `andSequence`."""

    operator: str
    constraints: tuple[Constraint | LogicalConstraint, ...]
    uid: str | None = None


AnyConstraint = Constraint | LogicalConstraint


@dataclass(frozen=True)
class Rule:
    """A permission, prohibition or duty.

    `duties` belong to permissions, `remedies` to prohibitions, `consequences` to duties;
    `refinements` narrow the action (e.g. `print` only at low resolution); `party_functions` keeps the
    other party roles ODRL defines (`compensatedParty`, ...) as (role, party) pairs.
    """

    action: str | None = None
    refinements: tuple[AnyConstraint, ...] = ()
    target: str | None = None
    assigner: str | None = None
    assignee: str | None = None
    constraints: tuple[AnyConstraint, ...] = ()
    duties: tuple[Rule, ...] = ()
    remedies: tuple[Rule, ...] = ()
    consequences: tuple[Rule, ...] = ()
    party_functions: tuple[tuple[str, str], ...] = ()
    uid: str | None = None


@dataclass(frozen=True)
class Policy:
    """A Set, Offer or Agreement; its assigner, assignee and target apply to every rule that has none."""

    type: str
    uid: str | None = None
    assigner: str | None = None
    assignee: str | None = None
    target: str | None = None
    permissions: tuple[Rule, ...] = ()
    prohibitions: tuple[Rule, ...] = ()
    obligations: tuple[Rule, ...] = ()
    profile: str | None = None
    conflict: str | None = None
