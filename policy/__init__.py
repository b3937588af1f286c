"""ODRL 2.2 usage policies for the node: read them, decide requests against them, explain the decision.

A pure library: it never imports Flask, the database or `app/`, and it never touches the network.

    policy = parse_policy({"@type": "Offer", "permission": [{"action": "use", "constraint": [...]}]})
    decision = evaluate(policy, Request(action="read", time=now, assignee=consumer, purpose="research"))
    decision.allowed, decision.rule, decision.explanation
"""

from policy.errors import PolicyError
from policy.evaluate import Decision, evaluate
from policy.model import Constraint, LogicalConstraint, Policy, Rule
from policy.parse import parse_policy, policy_from_graph, policy_from_turtle, to_jsonld
from policy.report import PolicyReport, compliance_report
from policy.request import DutyState, Request
from policy.values import Duration, Iri, Quantity

__all__ = [
    "Constraint",
    "Decision",
    "Duration",
    "DutyState",
    "Iri",
    "LogicalConstraint",
    "Policy",
    "PolicyError",
    "PolicyReport",
    "Quantity",
    "Request",
    "Rule",
    "compliance_report",
    "evaluate",
    "parse_policy",
    "policy_from_graph",
    "policy_from_turtle",
    "to_jsonld",
]
