"""Deciding a request against a policy, and saying why.

A request is allowed when some permission is active (it covers the request's action, through the ODRL
action hierarchy, its asset and party, and all its constraints hold) and no prohibition is active. When
both a permission and a prohibition are active the policy's `conflict` strategy decides: `perm` lets the
permission prevail, `prohibit` the prohibition, and `invalid` (the ODRL default) voids the policy, so
the request is denied. Duties still to be fulfilled do not block a request; they are returned so that
the caller can see them done (a duty already violated does deactivate its permission).
"""

from dataclasses import dataclass

from policy.constraints import ConstraintCheck, ConstraintContext
from policy.model import Policy, Rule
from policy.request import Request
from policy.rules import DutyCheck, RuleAssessment, assess_duty, assess_rule

__all__ = ["Decision", "Request", "assess", "evaluate"]


@dataclass(frozen=True)
class Decision:
    """The outcome: allowed or not, the deciding rule, every constraint's check, unmet duties, and why."""

    allowed: bool
    rule: str | None
    rule_uid: str | None
    constraints: tuple[ConstraintCheck, ...]
    unmet_duties: tuple[DutyCheck, ...]
    explanation: tuple[str, ...]
    rules: tuple[RuleAssessment, ...]
    obligations: tuple[DutyCheck, ...] = ()


def assess(policy: Policy, request: Request) -> tuple[tuple[RuleAssessment, ...], tuple[DutyCheck, ...]]:
    """Every permission and prohibition weighed against the request, and the policy's obligations."""
    context = ConstraintContext(request)
    rules = tuple(
        assess_rule(policy, rule, kind, f"{kind}[{index}]", context)
        for kind, group in (("permission", policy.permissions), ("prohibition", policy.prohibitions))
        for index, rule in enumerate(group)
    )
    obligations = tuple(
        assess_duty(duty, f"obligation[{index}]", context) for index, duty in enumerate(policy.obligations)
    )
    return rules, obligations


def evaluate(policy: Policy, request: Request) -> Decision:
    """Whether `request` may go ahead under `policy`, with the reasons."""
    rules, obligations = assess(policy, request)
    permitting = sorted(
        (rule for rule in rules if rule.kind == "permission" and rule.active),
        key=lambda rule: len(_unmet(rule.duties)),
    )
    forbidding = [rule for rule in rules if rule.kind == "prohibition" and rule.active]
    strategy = policy.conflict or "invalid"
    checks = tuple(check for rule in rules for check in rule.all_constraint_checks())
    checks += tuple(check for duty in obligations for c in duty.constraints for check in c.flatten())
    unmet_obligations = _unmet(obligations)
    if permitting and (not forbidding or strategy == "perm"):
        chosen = permitting[0]
        lines = [f"allowed: {chosen.path} permits {_summary(chosen.rule, policy)}", *_reasons(chosen)]
        lines += [
            f"{p.path} also applies, but the policy's conflict strategy perm lets the permission prevail"
            for p in forbidding
        ]
        unmet = _unmet(chosen.duties) + unmet_obligations
        lines += [f"{duty.path}: {duty.reason}" for duty in unmet]
        return Decision(True, chosen.path, chosen.rule.uid, checks, unmet, tuple(lines), rules, obligations)
    if forbidding:
        culprit = forbidding[0]
        lines = [f"denied: {culprit.path} prohibits {_summary(culprit.rule, policy)}", *_reasons(culprit)]
        if permitting:
            outcome = "voids the policy" if strategy == "invalid" else "lets the prohibition prevail"
            default = " (the ODRL default)" if policy.conflict is None else ""
            strategy_text = f"the conflict strategy {strategy}{default}"
            lines.append(f"{permitting[0].path} would permit it, but {strategy_text} {outcome}")
        return Decision(
            False, culprit.path, culprit.rule.uid, checks, unmet_obligations, tuple(lines), rules, obligations
        )
    permissions = [rule for rule in rules if rule.kind == "permission"]
    lines = ["denied: no permission applies" if permissions else "denied: the policy grants no permission"]
    lines += [f"{rule.path} does not apply: {'; '.join(_failures(rule))}" for rule in permissions]
    return Decision(False, None, None, checks, unmet_obligations, tuple(lines), rules, obligations)


def _unmet(duties: tuple[DutyCheck, ...]) -> tuple[DutyCheck, ...]:
    return tuple(duty for duty in duties if duty.state in ("pending", "violated"))


def _summary(rule: Rule, policy: Policy) -> str:
    """`read on <asset> by <party>`, with the policy's target and assignee where the rule has none."""
    target, assignee = rule.target or policy.target, rule.assignee or policy.assignee
    text = rule.action or "any action"
    text += f" on {target}" if target else ""
    return text + (f" by {assignee}" if assignee else "")


def _reasons(assessment: RuleAssessment) -> list[str]:
    """The reasons behind an active rule: its premises and top-level constraints."""
    lines = [check.reason for check in assessment.premises()]
    for check in assessment.constraints:
        suffix = " (cannot be ruled out, so the prohibition stands)" if check.holds is None else ""
        lines.append(check.reason + suffix)
    return lines


def _failures(assessment: RuleAssessment) -> list[str]:
    """Why a permission is not active: what failed or could not be evaluated, innermost first."""
    reasons = [check.reason for check in assessment.premises() if check.holds is not True]
    for check in assessment.constraints:
        if check.holds is not True:
            leaves = [leaf for leaf in check.flatten() if not leaf.parts and leaf.holds is not True]
            reasons += (
                [leaf.reason for leaf in leaves] if check.parts and len(leaves) <= 3 else [check.reason]
            )
    reasons += [duty.reason for duty in assessment.duties if duty.state == "violated"]
    return reasons or ["it does not hold"]
