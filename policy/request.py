"""A request to exercise an action, and what the evaluator is told about the world around it."""

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from policy.actions import known_action
from policy.terms import is_iri_like
from policy.values import Quantity

__all__ = ["DutyState", "Quantity", "Request"]


class DutyState(StrEnum):
    """What is known of a duty; a duty missing from `Request.duty_states` is still to be fulfilled."""

    FULFILLED = "fulfilled"
    VIOLATED = "violated"


@dataclass(frozen=True, kw_only=True)
class Request:
    """Who wants to do what to which asset, when, and the facts the policy's constraints may ask about.

    - `action`: an ODRL action (`read`, `odrl:read`, its IRI) or a custom action IRI.
    - `time`: when the action happens (timezone-aware; kept in UTC). There is no implicit clock.
    - `agreement_start`: when the agreement started; `elapsedTime` is measured from it.
    - `prior_uses`: how often the action was exercised under the policy before this request;
      `count lteq 100` allows the request while `prior_uses` is at most 99.
    - `spatial`: the party's jurisdiction, e.g. `CN`, `DE` or an IRI whose last segment is such a code.
    - `pay_amount`: what the party offers to pay, e.g. `Quantity(Decimal("10.00"), "EUR")`.
    - `operands`: values of any other left operand, by ODRL name (`fileFormat`) or IRI.
    - `part_of`: memberships, identifier -> collections it belongs to (party and asset collections,
      regions); followed transitively. EU membership of country codes is built in.
    - `is_a`: classes of values, value -> classes, for the `isA` operator; followed transitively.
    - `duty_states`: what is known of duties, by the duty's uid or its path (`permission[0].duty[0]`).
    """

    action: str
    time: datetime
    assignee: str | None = None
    target: str | None = None
    purpose: str | None = None
    agreement_start: datetime | None = None
    prior_uses: int = 0
    spatial: str | None = None
    recipient: str | None = None
    pay_amount: Quantity | None = None
    operands: Mapping[str, object] = field(default_factory=dict)
    part_of: Mapping[str, Collection[str]] = field(default_factory=dict)
    is_a: Mapping[str, Collection[str]] = field(default_factory=dict)
    duty_states: Mapping[str, DutyState] = field(default_factory=dict)

    def __post_init__(self) -> None:
        action = known_action(self.action)
        if action is None and not is_iri_like(self.action):
            raise ValueError(f"unknown action {self.action!r}; use an ODRL action or an IRI")
        object.__setattr__(self, "action", action or self.action)
        object.__setattr__(self, "time", _utc(self.time, "time"))
        if self.agreement_start is not None:
            object.__setattr__(self, "agreement_start", _utc(self.agreement_start, "agreement_start"))
        if isinstance(self.prior_uses, bool) or not isinstance(self.prior_uses, int) or self.prior_uses < 0:
            raise ValueError(f"prior_uses must be a non-negative integer, not {self.prior_uses!r}")
        if self.pay_amount is not None and not isinstance(self.pay_amount, Quantity):
            raise ValueError("pay_amount must be a Quantity, e.g. Quantity(Decimal('10.00'), 'EUR')")

    @property
    def elapsed_time(self) -> timedelta | None:
        """Time since the agreement started, if its start is known."""
        return None if self.agreement_start is None else self.time - self.agreement_start


def _utc(moment: datetime, name: str) -> datetime:
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return moment.astimezone(UTC)
