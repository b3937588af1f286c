"""Pricing plans (template version 2): each model in words, each inconsistency refused by its path."""

import json
from typing import Any

import pytest
from contract_terms import html

from contracts_templates import (
    TermProblem,
    check_pricing_plan,
    contract_sha256,
    example_terms,
    get_template,
    placeholders,
    render_contract,
    validate_terms,
)

PRICED = ["standard-data-licence", "api-subscription", "aggregate-query-only"]


def cny(amount_minor: int) -> dict[str, Any]:
    """An amount in fen."""
    return {"amount_minor": amount_minor, "currency": "CNY"}


def terms_with(template_id: str, plan: dict[str, Any]) -> dict[str, Any]:
    """The version 2 example terms of a template with another pricing plan."""
    terms = example_terms(template_id, "2")
    terms["pricing"] = plan
    return terms


def problems(template_id: str, plan: dict[str, Any]) -> list[TermProblem]:
    """What validate_terms says about the version 2 example terms with `plan`."""
    return validate_terms(template_id, "2", terms_with(template_id, plan))


FREE = {"model": "free", "currency": "CNY"}
SUBSCRIPTION = {
    "model": "subscription",
    "currency": "CNY",
    "price": cny(800000),
    "period": "P3M",
    "payment_due_days": 15,
}
PER_CALL = {
    "model": "per_call",
    "currency": "CNY",
    "price": cny(50),
    "free_allowance": 1000,
    "monthly_cap": cny(300000),
    "payment_due_days": 10,
}
PER_RECORD = {"model": "per_record", "currency": "CNY", "price": cny(2), "payment_due_days": 30}
PER_GB = {
    "model": "per_gb",
    "currency": "CNY",
    "price": cny(3000),
    "free_allowance": 5,
    "payment_due_days": 20,
}
TIERED = {
    "model": "tiered",
    "currency": "CNY",
    "unit": "call",
    "tiers": [
        {"up_to": 10000, "unit_price": cny(50)},
        {"up_to": 100000, "unit_price": cny(30)},
        {"unit_price": cny(10)},
    ],
    "payment_due_days": 15,
}


@pytest.mark.parametrize(
    ("template_id", "plan", "phrases"),
    [
        pytest.param(
            "standard-data-licence",
            FREE,
            [
                "for the Purpose, free of charge, on the terms",
                "This Contract is free of charge: neither the Provider nor the Node charges the Consumer",
                "stated in CNY",
            ],
            id="standard-free",
        ),
        pytest.param(
            "aggregate-query-only",
            FREE,
            ["This Contract is free of charge"],
            id="aggregate-free",
        ),
        pytest.param(
            "api-subscription",
            SUBSCRIPTION,
            [
                "**Billing Period** means each consecutive period of 3 months from the start of the Term.",
                "Each Billing Period includes 100,000 Calls, covered by the fee.",
                "The Consumer shall pay a fee of **CNY 8,000.00** for each billing period of 3 months.",
                "the Node invoices each period when it begins",
                "within 15 days of its date",
            ],
            id="api-subscription",
        ),
        pytest.param(
            "aggregate-query-only",
            SUBSCRIPTION,
            ["a fee of **CNY 8,000.00** for each billing period of 3 months"],
            id="aggregate-subscription",
        ),
        pytest.param(
            "api-subscription",
            PER_CALL,
            [
                "**Billing Period** means each calendar month, in Coordinated Universal Time (UTC), within",
                "The Consumer may make up to 100,000 Calls in each Billing Period.",
                "The Consumer shall pay **CNY 0.50** for each Call.",
                "A Call is charged whatever the number of records in its answer.",
                "The Consumer is not charged for the first 1,000 Calls of each calendar month.",
                "shall not exceed **CNY 3,000.00**",
                "The free allowance and the cap apply in full to each calendar month of the Term",
                "The Node invoices the use of each calendar month at the start of the next.",
                "within 10 days of its date",
            ],
            id="api-per-call",
        ),
        pytest.param(
            "aggregate-query-only",
            PER_CALL,
            [
                "The Consumer shall pay **CNY 0.50** for each Query.",
                "Each Query the Node accepts for execution is charged, including Queries whose result",
                "The Consumer is not charged for the first 1,000 Queries of each calendar month.",
            ],
            id="aggregate-per-query",
        ),
        pytest.param(
            "standard-data-licence",
            PER_CALL,
            [
                "The Consumer shall pay **CNY 0.50** for each delivery.",
                "Each download of a distribution and each call to the Node's data API is one delivery",
            ],
            id="standard-per-delivery",
        ),
        pytest.param(
            "api-subscription",
            PER_RECORD,
            [
                "The Consumer shall pay **CNY 0.02** for each record delivered to it.",
                "A record is one row of the Data Resource delivered to the Consumer",
                "a row delivered again counts again",
                "within 30 days of its date",
            ],
            id="api-per-record",
        ),
        pytest.param(
            "standard-data-licence",
            PER_GB,
            [
                "The Consumer shall pay **CNY 30.00** per GB of the Data Resource delivered to it.",
                "A GB is 1,000,000,000 bytes of the Data Resource delivered to the Consumer",
                "charged in proportion to the bytes delivered, not by whole GB",
                "rounded up to a whole minor unit of CNY",
                "The Consumer is not charged for the first 5 GB of each calendar month.",
                "The free allowance applies in full to each calendar month",
            ],
            id="standard-per-gb",
        ),
        pytest.param(
            "api-subscription",
            TIERED,
            [
                "The Consumer shall pay for its use at graduated prices.",
                "each Call is charged at the unit price of the tier it falls into",
                "| Tier · 档位 | Monthly volume · 当月用量 | Price per Call · 单价 |",
                "| 1 | up to 10,000 Calls | CNY 0.50 |",
                "| 2 | more than 10,000 and up to 100,000 Calls | CNY 0.30 |",
                "| 3 | more than 100,000 Calls | CNY 0.10 |",
            ],
            id="api-tiered",
        ),
        pytest.param(
            "standard-data-licence",
            {
                "model": "tiered",
                "currency": "JPY",
                "unit": "gb",
                "tiers": [{"unit_price": {"amount_minor": 1500, "currency": "JPY"}}],
                "free_allowance": 1,
                "monthly_cap": {"amount_minor": 200000, "currency": "JPY"},
                "payment_due_days": 0,
            },
            [
                "| 1 | all GB | JPY 1,500 |",
                "not charged for the first GB of each calendar month; it counts towards the tiers",
                "shall not exceed **JPY 200,000**",
                "rounded up to a whole minor unit of JPY",
                "within 0 days of its date",
                "Amounts are stated in JPY, are invoiced in whole minor units of that currency",
            ],
            id="standard-tiered-gb-in-yen",
        ),
    ],
)
def test_every_pricing_model_states_its_amounts(
    template_id: str, plan: dict[str, Any], phrases: list[str]
) -> None:
    terms = terms_with(template_id, plan)
    assert validate_terms(template_id, "2", terms) == []
    contract = render_contract(template_id, "2", terms)
    for phrase in phrases:
        assert phrase in contract.text, phrase
    fees = contract.text[contract.text.index("## 8. Fees") : contract.text.index("## 9. ")]
    assert ("The Consumer shall pay each invoice" in fees) is (plan["model"] != "free")
    assert ("<table>" in html(fees)) is (plan["model"] == "tiered")
    assert contract_sha256(template_id, "2", json.loads(contract.terms_canonical)) == contract.sha256


@pytest.mark.parametrize("template_id", PRICED)
def test_the_example_plans_are_stated_in_full(template_id: str) -> None:
    terms = example_terms(template_id, "2")
    text = render_contract(template_id, "2", terms).text
    plan = terms["pricing"]
    amounts = [
        plan.get("price"),
        plan.get("monthly_cap"),
        *(tier["unit_price"] for tier in plan.get("tiers", [])),
    ]
    for amount in filter(None, amounts):
        assert f"CNY {amount['amount_minor'] // 100:,}.{amount['amount_minor'] % 100:02d}" in text
    assert f"within {plan['payment_due_days']} days" in text


@pytest.mark.parametrize(
    ("template_id", "plan", "where", "reason"),
    [
        (
            "api-subscription",
            {**PER_CALL, "price": None},
            "pricing.price",
            "a per_call plan needs the fee per period or the price per unit",
        ),
        (
            "api-subscription",
            {**SUBSCRIPTION, "period": None},
            "pricing.period",
            "needs a billing period such as P1M",
        ),
        (
            "standard-data-licence",
            {**PER_GB, "period": "P1M"},
            "pricing.period",
            "a per_gb plan has no billing period",
        ),
        ("api-subscription", {**PER_CALL, "unit": "call"}, "pricing.unit", "a per_call plan has no unit"),
        ("api-subscription", {**TIERED, "unit": None}, "pricing.unit", "needs what its tiers count"),
        ("api-subscription", {**TIERED, "tiers": None}, "pricing.tiers", "a tiered plan needs its tiers"),
        ("api-subscription", {**TIERED, "price": cny(50)}, "pricing.price", "a tiered plan has no price"),
        (
            "api-subscription",
            {**PER_CALL, "tiers": TIERED["tiers"]},
            "pricing.tiers",
            "a per_call plan has no tiers",
        ),
        (
            "api-subscription",
            {**PER_RECORD, "payment_due_days": None},
            "pricing.payment_due_days",
            "needs the days",
        ),
        (
            "aggregate-query-only",
            {**FREE, "payment_due_days": 15},
            "pricing.payment_due_days",
            "no payment terms",
        ),
        ("aggregate-query-only", {**FREE, "price": cny(50)}, "pricing.price", "a free plan has no price"),
        (
            "aggregate-query-only",
            {**FREE, "tiers": TIERED["tiers"]},
            "pricing.tiers",
            "a free plan has no tiers",
        ),
        (
            "aggregate-query-only",
            {**FREE, "free_allowance": 10},
            "pricing.free_allowance",
            "a free plan has none",
        ),
        (
            "aggregate-query-only",
            {**FREE, "monthly_cap": cny(100)},
            "pricing.monthly_cap",
            "a free plan has none",
        ),
        (
            "api-subscription",
            {**SUBSCRIPTION, "free_allowance": 10},
            "pricing.free_allowance",
            "per_call, per_record",
        ),
        (
            "api-subscription",
            {**SUBSCRIPTION, "monthly_cap": cny(100)},
            "pricing.monthly_cap",
            "subscription plan",
        ),
        (
            "api-subscription",
            {**SUBSCRIPTION, "currency": "EUR"},
            "pricing.price.currency",
            "must be the plan's currency, EUR",
        ),
        (
            "api-subscription",
            {**PER_CALL, "monthly_cap": {"amount_minor": 300000, "currency": "USD"}},
            "pricing.monthly_cap.currency",
            "must be the plan's currency, CNY",
        ),
        (
            "api-subscription",
            {
                **TIERED,
                "tiers": [
                    TIERED["tiers"][0],
                    {"up_to": 100000, "unit_price": {"amount_minor": 30, "currency": "EUR"}},
                    TIERED["tiers"][2],
                ],
            },
            "pricing.tiers[1].unit_price.currency",
            "must be the plan's currency, CNY",
        ),
        (
            "api-subscription",
            {
                **TIERED,
                "tiers": [TIERED["tiers"][0], {"up_to": 10000, "unit_price": cny(30)}, TIERED["tiers"][2]],
            },
            "pricing.tiers[1].up_to",
            "must be more than the previous tier's up_to, 10000",
        ),
        (
            "api-subscription",
            {
                **TIERED,
                "tiers": [
                    {"up_to": 5000, "unit_price": cny(50)},
                    {"up_to": 4000, "unit_price": cny(30)},
                    TIERED["tiers"][2],
                ],
            },
            "pricing.tiers[1].up_to",
            "must be more than the previous tier's up_to, 5000",
        ),
        (
            "api-subscription",
            {**TIERED, "tiers": [{"unit_price": cny(50)}, TIERED["tiers"][2]]},
            "pricing.tiers[0].up_to",
            "required on every tier but the last",
        ),
        (
            "api-subscription",
            {**TIERED, "tiers": [*TIERED["tiers"][:2], {"up_to": 200000, "unit_price": cny(10)}]},
            "pricing.tiers[2].up_to",
            "the last tier has no upper bound",
        ),
        (
            "api-subscription",
            {**PER_CALL, "price": cny(0)},
            "pricing.price.amount_minor",
            "a plan without fees is free",
        ),
        (
            "api-subscription",
            FREE,
            "pricing.model",
            "api-subscription takes a subscription, per_call, per_record or tiered plan",
        ),
        ("api-subscription", {**PER_GB}, "pricing.model", "api-subscription takes a"),
        (
            "api-subscription",
            {**TIERED, "unit": "gb"},
            "pricing.unit",
            "the tiers of api-subscription count call or record",
        ),
        (
            "aggregate-query-only",
            PER_RECORD,
            "pricing.model",
            "takes a free, subscription, per_call or tiered plan",
        ),
        (
            "aggregate-query-only",
            {**TIERED, "unit": "record"},
            "pricing.unit",
            "the tiers of aggregate-query-only count call",
        ),
    ],
)
def test_inconsistent_plans_are_refused_by_path(
    template_id: str, plan: dict[str, Any], where: str, reason: str
) -> None:
    plan = {name: value for name, value in plan.items() if value is not None}
    found = problems(template_id, plan)
    assert where in [problem.path for problem in found], found
    assert reason in next(problem.reason for problem in found if problem.path == where)


@pytest.mark.parametrize("plan", [FREE, SUBSCRIPTION, PER_CALL, PER_RECORD, PER_GB, TIERED])
def test_the_standard_licence_takes_every_model(plan: dict[str, Any]) -> None:
    assert problems("standard-data-licence", plan) == []
    assert check_pricing_plan(plan) == []


def test_a_free_plan_is_refused_everything_a_paid_one_has() -> None:
    plan = {**FREE, "price": cny(1), "tiers": TIERED["tiers"], "free_allowance": 1, "monthly_cap": cny(1)}
    assert [problem.path for problem in check_pricing_plan(plan)] == [
        "pricing.price",
        "pricing.tiers",
        "pricing.free_allowance",
        "pricing.monthly_cap",
    ]


@pytest.mark.parametrize(
    ("change", "where", "reason"),
    [
        ({"model": "per_hour"}, "pricing.model", "must be one of free, subscription, per_call"),
        ({"currency": "yuan"}, "pricing.currency", "ISO 4217"),
        ({"tiers": []}, "pricing.tiers", "at least 1 item"),
        ({"tiers": [{"up_to": 0, "unit_price": cny(5)}]}, "pricing.tiers[0].up_to", "must be at least 1"),
        ({"tiers": [{"up_to": "10", "unit_price": cny(5)}]}, "pricing.tiers[0].up_to", "must be an integer"),
        ({"tiers": [{"up_to": 10}]}, "pricing.tiers[0].unit_price", "required"),
        (
            {"tiers": [{"unit_price": {"amount_minor": -5, "currency": "CNY"}}]},
            "pricing.tiers[0].unit_price.amount_minor",
            "at least 0",
        ),
        ({"unit": "row"}, "pricing.unit", "must be one of call, record, gb"),
        ({"free_allowance": -1}, "pricing.free_allowance", "must be at least 0"),
        ({"payment_due_days": 121}, "pricing.payment_due_days", "must be at most 120"),
        ({"overage_price": cny(50)}, "pricing.overage_price", "not a field of this record"),
        ({"monthly_cap": 3000}, "pricing.monthly_cap", "must be an object"),
    ],
)
def test_mistyped_plans_are_named(change: dict[str, Any], where: str, reason: str) -> None:
    found = problems("api-subscription", {**TIERED, **change})
    assert [problem.path for problem in found] == [where], found
    assert reason in found[0].reason
    assert check_pricing_plan({**TIERED, **change}) == found


def test_version_1_plans_and_version_2_plans_do_not_mix() -> None:
    v1_plan = example_terms("api-subscription", "1")["pricing"]
    assert [p.path for p in problems("api-subscription", v1_plan)] == [
        "pricing.model",
        "pricing.currency",
        "pricing.overage_price",
    ]
    v1_terms = example_terms("api-subscription", "1")
    v1_terms["pricing"] = SUBSCRIPTION
    assert [p.path for p in validate_terms("api-subscription", "1", v1_terms)] == [
        "pricing.model",
        "pricing.currency",
    ]


def _with_payment(terms: dict[str, Any], amount: str, unit: str = "CNY") -> dict[str, Any]:
    terms["policy"]["permission"][0]["duty"] = [
        {
            "action": "compensate",
            "constraint": [
                {
                    "leftOperand": "payAmount",
                    "operator": "eq",
                    "rightOperand": {"@value": amount, "@type": "xsd:decimal"},
                    "unit": unit,
                }
            ],
        }
    ]
    return terms


PAY = "policy.permission[0].duty[0].constraint[0]"


@pytest.mark.parametrize(
    ("template_id", "plan", "amount", "unit", "found"),
    [
        ("api-subscription", SUBSCRIPTION, "8000.00", "CNY", []),
        ("api-subscription", SUBSCRIPTION, "8000", "http://www.w3.org/ns/odrl/2/CNY", []),
        (
            "api-subscription",
            SUBSCRIPTION,
            "800.00",
            "CNY",
            [(f"{PAY}.rightOperand", "must be the price, 8000.00")],
        ),
        (
            "api-subscription",
            PER_RECORD,
            "0.02",
            "EUR",
            [(f"{PAY}.unit", "must be the plan's currency, CNY")],
        ),
        ("api-subscription", TIERED, "0.50", "CNY", []),
        (
            "api-subscription",
            TIERED,
            "0.10",
            "CNY",
            [(f"{PAY}.rightOperand", "must be the first tier's unit price, 0.50")],
        ),
        (
            "standard-data-licence",
            PER_GB,
            "30.001",
            "CNY",
            [(f"{PAY}.rightOperand", "must be the price, 30.00")],
        ),
        (
            "aggregate-query-only",
            FREE,
            "0.00",
            "CNY",
            [(PAY, "the pricing plan is free: the policy carries no payAmount constraint")],
        ),
    ],
)
def test_a_payment_in_the_policy_must_be_the_plan_price(
    template_id: str, plan: dict[str, Any], amount: str, unit: str, found: list[tuple[str, str]]
) -> None:
    terms = _with_payment(terms_with(template_id, plan), amount, unit)
    assert [(p.path, p.reason) for p in validate_terms(template_id, "2", terms)] == found


@pytest.mark.parametrize("template_id", PRICED)
def test_version_2_skeletons_leave_payment_to_the_plan(template_id: str) -> None:
    skeleton = get_template(template_id, "2").policy_skeleton
    assert "compensate" not in json.dumps(skeleton)
    assert not any(path.startswith("pricing") for path in placeholders(skeleton))
    assert "compensate" in json.dumps(get_template(template_id, "1").policy_skeleton)
    text = render_contract(
        template_id, "2", terms_with(template_id, FREE if template_id != "api-subscription" else PER_CALL)
    ).text
    assert "pay the Provider" not in text


def test_manifest_lists_the_models_each_template_takes() -> None:
    takes = {t: get_template(t, "2").variables["pricing"] for t in PRICED}
    assert takes["standard-data-licence"]["models"] == [
        "free",
        "subscription",
        "per_call",
        "per_record",
        "per_gb",
        "tiered",
    ]
    assert takes["api-subscription"]["models"] == ["subscription", "per_call", "per_record", "tiered"]
    assert takes["api-subscription"]["units"] == ["call", "record"]
    assert takes["aggregate-query-only"]["models"] == ["free", "subscription", "per_call", "tiered"]
    assert takes["aggregate-query-only"]["units"] == ["call"]
