"""Compliance reports per rule, in the shape of the SolidLab suite's expected reports."""

from datetime import UTC, datetime

import pytest
from policy_builders import NOON, constraint

from policy import Request, compliance_report, parse_policy
from policy.report import ConditionReport, PremiseReport, RuleReport

POLICY = parse_policy(
    {
        "@type": "Set",
        "uid": "urn:policy",
        "permission": [
            {
                "uid": "urn:permission",
                "action": "read",
                "target": "urn:x",
                "assignee": "urn:consumer",
                "constraint": [
                    {
                        "uid": "urn:window",
                        "and": [
                            {**constraint("dateTime", "gt", "2024-01-01T00:00:00Z"), "uid": "urn:after"},
                            {**constraint("dateTime", "lt", "2025-01-01T00:00:00Z"), "uid": "urn:before"},
                        ],
                    }
                ],
                "duty": [{"uid": "urn:pay", "action": "compensate"}],
            }
        ],
        "prohibition": [{"uid": "urn:no-sale", "action": "sell", "assignee": "urn:reseller"}],
    }
)


def test_each_rule_is_reported_with_its_premises() -> None:
    report = compliance_report(
        POLICY, Request(action="read", time=NOON, assignee="urn:consumer", target="urn:x")
    )
    assert report.policy == "urn:policy"
    permission = report.rule("urn:permission")
    assert permission == RuleReport(
        rule="urn:permission",
        path="permission[0]",
        kind="Permission",
        activation="Active",
        premises=(
            PremiseReport("Party", True),
            PremiseReport("Action", True),
            PremiseReport("Target", True),
            PremiseReport(
                "Constraint",
                True,
                constraint="urn:window",
                operator="and",
                parts=(
                    PremiseReport(
                        "Constraint", True, "urn:after", NOON, "gt", datetime(2024, 1, 1, tzinfo=UTC)
                    ),
                    PremiseReport(
                        "Constraint", True, "urn:before", NOON, "lt", datetime(2025, 1, 1, tzinfo=UTC)
                    ),
                ),
            ),
        ),
        conditions=(ConditionReport("urn:pay", "permission[0].duty[0]", "pending"),),
    )
    prohibition = report.rule("urn:no-sale")
    assert (prohibition.kind, prohibition.activation) == ("Prohibition", "Inactive")
    assert prohibition.premises == (PremiseReport("Party", False), PremiseReport("Action", False))


def test_a_prohibition_that_cannot_be_ruled_out_is_active() -> None:
    report = compliance_report(POLICY, Request(action="sell", time=NOON))
    prohibition = report.rule("urn:no-sale")
    assert prohibition.activation == "Active"
    assert prohibition.premises == (PremiseReport("Party", False), PremiseReport("Action", True))


def test_an_unknown_rule_is_a_key_error() -> None:
    report = compliance_report(POLICY, Request(action="read", time=NOON))
    with pytest.raises(KeyError):
        report.rule("urn:nothing")
