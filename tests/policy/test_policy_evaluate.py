"""Decisions: which rule decides, prohibitions, conflicts, failing closed, duties, and the explanations."""

from decimal import Decimal

import pytest
from policy_builders import NOON, at, constraint, decide, offer

from policy import DutyState, Quantity, Request, evaluate, parse_policy


def with_prohibition(document: dict, *constraints: dict, action: str = "distribute", **rule: object) -> dict:
    prohibition: dict = {"action": action, **rule}
    if constraints:
        prohibition["constraint"] = list(constraints)
    return {**document, "prohibition": [prohibition]}


def test_a_permitted_action_covers_the_actions_included_in_it() -> None:
    decision = decide(offer(action="use"), action="read")
    assert decision.allowed
    assert (decision.rule, decision.rule_uid) == ("permission[0]", None)
    assert decision.explanation == (
        "allowed: permission[0] permits use",
        "action read is covered by use (read < use)",
    )


def test_what_is_not_permitted_is_denied() -> None:
    decision = decide(offer(action="read"), action="distribute")
    assert not decision.allowed
    assert decision.rule is None
    assert decision.explanation == (
        "denied: no permission applies",
        "permission[0] does not apply: action distribute is not covered by read"
        " (distribute is included only in use)",
    )


def test_a_prohibition_overrides_a_permission() -> None:
    document = with_prohibition(offer(action="use"), action="distribute")
    assert decide(document, action="read").allowed
    decision = decide(document, action="distribute")
    assert not decision.allowed
    assert decision.rule == "prohibition[0]"
    assert decision.explanation == (
        "denied: prohibition[0] prohibits distribute",
        "action distribute is the rule's action",
        "permission[0] would permit it,"
        " but the conflict strategy invalid (the ODRL default) voids the policy",
    )


@pytest.mark.parametrize(("strategy", "allowed"), [("perm", True), ("prohibit", False), ("invalid", False)])
def test_the_conflict_strategy_decides_between_permission_and_prohibition(strategy, allowed) -> None:
    document = {**with_prohibition(offer(action="use"), action="use"), "conflict": strategy}
    decision = decide(document)
    assert decision.allowed is allowed
    assert decision.rule == ("permission[0]" if allowed else "prohibition[0]")


def test_a_prohibition_applies_only_under_its_constraints() -> None:
    document = with_prohibition(offer(), constraint("spatial", "isNoneOf", ["CN"]), action="use")
    assert decide(document, spatial="CN").allowed
    decision = decide(document, spatial="US")
    assert not decision.allowed
    assert decision.explanation[:3] == (
        "denied: prohibition[0] prohibits use",
        "action read is covered by use (read < use)",
        "spatial: jurisdiction US is none of [CN]",
    )


def test_an_unknown_left_operand_fails_closed_in_a_permission() -> None:
    decision = decide(offer(constraint("https://example.org/partner", "eq", "gold")))
    assert not decision.allowed
    (check,) = decision.constraints
    assert check.holds is None
    assert check.reason == "partner: unknown left operand, which the node cannot evaluate"
    assert decision.explanation[1] == f"permission[0] does not apply: {check.reason}"


def test_an_unknown_left_operand_fails_closed_in_a_prohibition() -> None:
    document = with_prohibition(offer(), constraint("partner", "eq", "competitor"), action="use")
    decision = decide(document)
    assert not decision.allowed
    assert decision.rule == "prohibition[0]"
    assert (
        "partner: unknown left operand, which the node cannot evaluate"
        " (cannot be ruled out, so the prohibition stands)" in decision.explanation
    )


def test_a_value_supplied_for_a_custom_operand_is_used() -> None:
    document = offer(constraint("https://example.org/partner", "eq", "gold"))
    assert decide(document, operands={"partner": "gold"}).allowed
    assert decide(document, operands={"https://example.org/partner": "gold"}).allowed
    assert not decide(document, operands={"partner": "silver"}).allowed


def test_a_missing_value_cannot_satisfy_a_constraint() -> None:
    decision = decide(offer(constraint("purpose", "eq", "research")))
    assert not decision.allowed
    assert (
        decision.constraints[0].reason == "purpose: the request gives no purpose, so it cannot be evaluated"
    )
    elapsed = decide(offer(constraint("elapsedTime", "lteq", "P30D")))
    assert (
        elapsed.constraints[0].reason
        == "elapsedTime: the request gives no agreement start, so it cannot be evaluated"
    )


def test_count_explains_uses_permitted_and_used() -> None:
    document = offer(constraint("count", "lteq", 100))
    allowed = decide(document, prior_uses=99)
    denied = decide(document, prior_uses=100)
    assert allowed.allowed
    assert not denied.allowed
    assert allowed.constraints[0].reason == "count: 100 uses permitted, 99 used"
    assert denied.constraints[0].reason == "count: 100 uses permitted, 100 used"
    assert denied.explanation[1] == "permission[0] does not apply: count: 100 uses permitted, 100 used"


def test_constraint_reasons_read_naturally() -> None:
    decision = decide(
        offer(
            constraint("dateTime", "lt", "2024-12-31T23:59:59Z"),
            constraint("payAmount", "gteq", "10.00", unit="EUR"),
            constraint("purpose", "eq", "research"),
            constraint("spatial", "eq", "EU"),
            constraint("elapsedTime", "lteq", "P30D"),
        ),
        pay_amount=Quantity(Decimal("12.50"), "EUR"),
        purpose="research",
        spatial="DE",
        agreement_start=at("2024-02-01T00:00:00"),
    )
    assert [check.reason for check in decision.constraints] == [
        "dateTime: the time 2024-02-12T12:00:00Z is before 2024-12-31T23:59:59Z",
        "payAmount: the offered payment 12.50 EUR is at least 10.00 EUR",
        "purpose: the stated purpose research is research",
        "spatial: jurisdiction DE is not EU; it is part of EU, which isPartOf would accept",
        "elapsedTime: the time elapsed since the agreement started P11DT12H is at most P30D"
        " (the agreement started 2024-02-01T00:00:00Z)",
    ]
    assert [check.holds for check in decision.constraints] == [True, True, True, False, True]


def test_parties_and_assets_come_from_the_policy_when_rules_have_none() -> None:
    agreement = {
        "@type": "Agreement",
        "assigner": "urn:provider",
        "assignee": "urn:consumer",
        "target": "urn:dataset",
        "permission": [{"action": "use"}],
    }
    assert decide(agreement, assignee="urn:consumer", target="urn:dataset").allowed
    denied = decide(agreement, assignee="urn:other", target="urn:dataset")
    assert (
        denied.explanation[1]
        == "permission[0] does not apply: party urn:other is neither urn:consumer nor part of it"
    )
    anonymous = decide(agreement, target="urn:dataset")
    assert not anonymous.allowed
    assert "the request names no party" in anonymous.explanation[1]


def test_collections_admit_their_members() -> None:
    document = offer(assignee="urn:partners", target="urn:catalogue:health")
    facts = {"part_of": {"urn:acme": ["urn:partners"], "urn:dataset:7": ["urn:catalogue:health"]}}
    assert decide(document, assignee="urn:acme", target="urn:dataset:7", **facts).allowed
    assert not decide(document, assignee="urn:acme", target="urn:dataset:8", **facts).allowed


def test_refinements_narrow_the_action() -> None:
    document = offer(
        action={"rdf:value": {"@id": "odrl:print"}, "refinement": [constraint("resolution", "lteq", 1200)]}
    )
    assert decide(document, action="print", operands={"resolution": 600}).allowed
    decision = decide(document, action="print", operands={"resolution": 2400})
    assert not decision.allowed
    assert decision.constraints[0].path == "permission[0].action.refinement[0]"


def test_pending_duties_are_returned_and_violated_ones_deactivate_the_permission() -> None:
    document = offer(
        duty=[
            {
                "uid": "urn:duty:pay",
                "action": "compensate",
                "constraint": [constraint("payAmount", "eq", "5.00", unit="EUR")],
            }
        ]
    )
    pending = decide(document, pay_amount=Quantity(Decimal("5.00"), "EUR"))
    assert pending.allowed
    (duty,) = pending.unmet_duties
    assert (duty.path, duty.uid, duty.state) == ("permission[0].duty[0]", "urn:duty:pay", "pending")
    assert (
        duty.reason
        == "compensate: still to be fulfilled (payAmount: the offered payment 5.00 EUR is 5.00 EUR)"
    )
    assert pending.explanation[-1] == f"permission[0].duty[0]: {duty.reason}"
    assert [check.path for check in pending.constraints] == ["permission[0].duty[0].constraint[0]"]
    assert decide(document, duty_states={"urn:duty:pay": DutyState.FULFILLED}).unmet_duties == ()
    violated = decide(document, duty_states={"permission[0].duty[0]": DutyState.VIOLATED})
    assert not violated.allowed
    assert violated.explanation[1] == "permission[0] does not apply: compensate: violated"


def test_a_duty_whose_constraints_fail_is_not_in_force() -> None:
    document = offer(duty=[{"action": "inform", "constraint": [constraint("purpose", "eq", "marketing")]}])
    decision = decide(document, purpose="research")
    assert decision.allowed
    assert decision.unmet_duties == ()
    assert decision.rules[0].duties[0].state == "not in force"


def test_the_permission_with_fewest_open_duties_is_chosen() -> None:
    document = {
        "@type": "Set",
        "permission": [{"action": "use", "duty": [{"action": "compensate"}]}, {"action": "read"}],
    }
    decision = decide(document)
    assert decision.rule == "permission[1]"
    assert decision.unmet_duties == ()


def test_obligations_are_reported_but_do_not_block() -> None:
    document = {**offer(), "obligation": [{"action": "attribute"}]}
    decision = decide(document)
    assert decision.allowed
    assert [duty.path for duty in decision.unmet_duties] == ["obligation[0]"]


def test_a_policy_without_permissions_denies_everything() -> None:
    decision = decide({"@type": "Set", "prohibition": [{"action": "distribute"}]})
    assert not decision.allowed
    assert decision.explanation == ("denied: the policy grants no permission",)


def test_every_constraint_is_reported_in_document_order() -> None:
    document = with_prohibition(
        offer(
            constraint("purpose", "eq", "research"),
            {"or": [constraint("spatial", "eq", "DE"), constraint("spatial", "eq", "FR")]},
        ),
        constraint("recipient", "eq", "urn:competitor"),
    )
    decision = decide(document, purpose="research", spatial="FR", recipient="urn:partner")
    assert [(check.path, check.holds) for check in decision.constraints] == [
        ("permission[0].constraint[0]", True),
        ("permission[0].constraint[1]", True),
        ("permission[0].constraint[1].or[0]", False),
        ("permission[0].constraint[1].or[1]", True),
        ("prohibition[0].constraint[0]", False),
    ]


def test_requests_must_be_well_formed() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Request(action="read", time=NOON.replace(tzinfo=None))
    with pytest.raises(ValueError, match="unknown action"):
        Request(action="peek", time=NOON)
    with pytest.raises(ValueError, match="prior_uses"):
        Request(action="read", time=NOON, prior_uses=-1)
    with pytest.raises(ValueError, match="pay_amount"):
        Request(action="read", time=NOON, pay_amount=Decimal(10))  # type: ignore[arg-type]
    assert Request(action="odrl:read", time=NOON).action == "read"


def test_evaluation_is_deterministic() -> None:
    policy = parse_policy(with_prohibition(offer(constraint("purpose", "isAnyOf", ["a", "b"])), action="use"))
    request = Request(action="read", time=NOON, purpose="a")
    assert evaluate(policy, request) == evaluate(policy, request)
