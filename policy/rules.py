"""Assessing one rule against a request: does it concern this party, action and asset, do its
constraints hold, and what became of its duties.

A rule's missing assignee or target is taken from the policy (ODRL 2.2 §2.7.1); a rule still
without one is not restricted by it. A permission is active when all of it is shown to hold and none of
its duties was violated. A prohibition is active unless something about it is shown not to hold: what
cannot be evaluated counts against the requester, so the evaluator fails closed both ways.
"""

from __future__ import annotations

from dataclasses import dataclass

from policy.actions import covers, describe_coverage, implied_actions
from policy.constraints import ConstraintCheck, ConstraintContext, check_all, combine
from policy.model import Policy, Rule
from policy.request import DutyState


@dataclass(frozen=True)
class PremiseCheck:
    """Whether the request concerns a rule's party, action or asset."""

    holds: bool | None
    reason: str


@dataclass(frozen=True)
class DutyCheck:
    """A duty (or a policy's obligation): `fulfilled`, `violated`, `pending`, or `not in force`."""

    path: str
    uid: str | None
    action: str | None
    state: str
    reason: str
    constraints: tuple[ConstraintCheck, ...] = ()


@dataclass(frozen=True)
class RuleAssessment:
    """A rule of the policy, weighed against the request."""

    path: str
    kind: str
    rule: Rule
    party: PremiseCheck | None
    action: PremiseCheck | None
    target: PremiseCheck | None
    refinements: tuple[ConstraintCheck, ...]
    constraints: tuple[ConstraintCheck, ...]
    duties: tuple[DutyCheck, ...]
    active: bool

    def premises(self) -> list[PremiseCheck]:
        """The party, action and target checks the rule has."""
        return [check for check in (self.party, self.action, self.target) if check is not None]

    def all_constraint_checks(self) -> list[ConstraintCheck]:
        """Every refinement, constraint and duty constraint check, nested ones included, in document order."""
        duty_checks = [check for duty in self.duties for check in duty.constraints]
        return [
            flat for check in (*self.refinements, *self.constraints, *duty_checks) for flat in check.flatten()
        ]


def assess_rule(
    policy: Policy, rule: Rule, kind: str, path: str, context: ConstraintContext
) -> RuleAssessment:
    """How `rule` (a permission or prohibition at `path`) stands towards the request in `context`."""
    request = context.request
    refinements = check_all(rule.refinements, context, f"{path}.action.refinement")
    party = _identity("party", "assignee", request.assignee, rule.assignee or policy.assignee, context)
    target = _identity("asset", "target", request.target, rule.target or policy.target, context)
    action = None
    if rule.action is not None:
        action = _action(rule.action, request.action, kind, refinements)
    constraints = check_all(rule.constraints, context, f"{path}.constraint")
    duties = tuple(assess_duty(duty, f"{path}.duty[{i}]", context) for i, duty in enumerate(rule.duties))
    outcomes = [check.holds for check in (party, action, target) if check is not None]
    outcomes += [check.holds for check in constraints]
    if kind == "prohibition":
        active = False not in outcomes
    else:
        active = all(outcome is True for outcome in outcomes) and all(d.state != "violated" for d in duties)
    return RuleAssessment(path, kind, rule, party, action, target, refinements, constraints, duties, active)


def assess_duty(duty: Rule, path: str, context: ConstraintContext) -> DutyCheck:
    """What is known of a duty, from the request's duty states, unless its constraints do not hold."""
    constraints = check_all(duty.constraints, context, f"{path}.constraint")
    what = duty.action or "duty"
    if combine("and", [check.holds for check in constraints]) is False:
        return DutyCheck(
            path, duty.uid, duty.action, "not in force", f"{what}: its constraints do not hold", constraints
        )
    states = context.request.duty_states
    state = states.get(duty.uid) if duty.uid is not None and duty.uid in states else states.get(path)
    if state is DutyState.FULFILLED:
        return DutyCheck(path, duty.uid, duty.action, "fulfilled", f"{what}: fulfilled", constraints)
    if state is DutyState.VIOLATED:
        return DutyCheck(path, duty.uid, duty.action, "violated", f"{what}: violated", constraints)
    details = "; ".join(check.reason for check in constraints)
    reason = f"{what}: still to be fulfilled" + (f" ({details})" if details else "")
    return DutyCheck(path, duty.uid, duty.action, "pending", reason, constraints)


def _identity(
    role: str, field: str, given: str | None, required: str | None, context: ConstraintContext
) -> PremiseCheck | None:
    """Whether the request's party (or asset) is the rule's, or belongs to the rule's collection."""
    if required is None:
        return None
    if given is None:
        return PremiseCheck(None, f"the rule's {field} is {required}; the request names no {role}")
    if given == required:
        return PremiseCheck(True, f"{role} {given} is the rule's {field}")
    if required in context.relations(role).containers(given):
        return PremiseCheck(True, f"{role} {given} is part of {required}")
    return PremiseCheck(False, f"{role} {given} is neither {required} nor part of it")


def _action(
    granted: str, requested: str, kind: str, refinements: tuple[ConstraintCheck, ...]
) -> PremiseCheck:
    if covers(granted, requested):
        covered: bool | None = True
        reason = describe_coverage(granted, requested)
    elif kind == "prohibition" and any(covers(granted, implied) for implied in implied_actions(requested)):
        covered = True
        reason = f"action {requested} implies {granted}, which is prohibited"
    else:
        covered = False
        reason = describe_coverage(granted, requested)
    if covered and refinements:
        refined = combine("and", [check.holds for check in refinements])
        details = "; ".join(check.reason for check in refinements)
        return PremiseCheck(refined, f"{reason}, refined: {details}")
    return PremiseCheck(covered, reason)
