"""Compliance reports: per rule, whether it is active and which of its premises are satisfied.

The shape follows the compliance report vocabulary of the SolidLab ODRL test suite
(https://w3id.org/force/compliance-report#): a policy report holds one report per rule with its
activation state (`Active`/`Inactive`) and premise reports (`PartyReport`, `ActionReport`,
`TargetReport`, `ConstraintReport`) with a satisfaction state; a constraint report also gives the left
operand value that was used, and a logical one the reports of its parts. Condition reports are the
states of the rule's duties. A premise that could not be evaluated is reported as not satisfied.
"""

from __future__ import annotations

from dataclasses import dataclass

from policy.constraints import ConstraintCheck
from policy.evaluate import assess
from policy.model import Policy
from policy.request import Request
from policy.rules import RuleAssessment


@dataclass(frozen=True)
class PremiseReport:
    """One premise of a rule: `kind` is Party, Action, Target or Constraint."""

    kind: str
    satisfied: bool
    constraint: str | None = None
    left_value: object = None
    operator: str | None = None
    right_operand: object = None
    parts: tuple[PremiseReport, ...] = ()


@dataclass(frozen=True)
class ConditionReport:
    """The known state of one of the rule's duties."""

    duty: str | None
    path: str
    state: str


@dataclass(frozen=True)
class RuleReport:
    """One rule: `kind` is Permission or Prohibition, `activation` Active or Inactive."""

    rule: str | None
    path: str
    kind: str
    activation: str
    premises: tuple[PremiseReport, ...]
    conditions: tuple[ConditionReport, ...] = ()


@dataclass(frozen=True)
class PolicyReport:
    """The report of a policy for one request."""

    policy: str | None
    rules: tuple[RuleReport, ...]

    def rule(self, uid: str) -> RuleReport:
        """The report of the rule with this uid; KeyError if the policy has none."""
        for report in self.rules:
            if report.rule == uid:
                return report
        raise KeyError(uid)


def compliance_report(policy: Policy, request: Request) -> PolicyReport:
    """The compliance report of `policy` for `request`."""
    rules, _ = assess(policy, request)
    return PolicyReport(policy.uid, tuple(_rule_report(assessment) for assessment in rules))


def _rule_report(assessment: RuleAssessment) -> RuleReport:
    premises = [
        PremiseReport(kind, check.holds is True)
        for kind, check in (
            ("Party", assessment.party),
            ("Action", assessment.action),
            ("Target", assessment.target),
        )
        if check is not None
    ]
    premises += [_constraint_report(check) for check in assessment.constraints]
    conditions = tuple(ConditionReport(duty.uid, duty.path, duty.state) for duty in assessment.duties)
    return RuleReport(
        rule=assessment.rule.uid,
        path=assessment.path,
        kind=assessment.kind.capitalize(),
        activation="Active" if assessment.active else "Inactive",
        premises=tuple(premises),
        conditions=conditions,
    )


def _constraint_report(check: ConstraintCheck) -> PremiseReport:
    return PremiseReport(
        kind="Constraint",
        satisfied=check.holds is True,
        constraint=check.uid,
        left_value=check.left_value,
        operator=check.operator,
        right_operand=check.right_operand,
        parts=tuple(_constraint_report(part) for part in check.parts),
    )
