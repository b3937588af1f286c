"""Refusing bad terms with the field and the reason, so the API can answer 4xx naming them."""

from typing import Any

import pytest
from contract_terms import set_term

from contracts_templates import TermProblem, example_terms, validate_terms


def problems(
    template_id: str, *changes: tuple[list[str | int], Any], version: str = "1"
) -> list[TermProblem]:
    """What validate_terms says about the example terms after `changes` (a value of ... removes the term)."""
    terms = example_terms(template_id, version)
    for path, value in changes:
        terms = set_term(terms, path, value)
    return validate_terms(template_id, version, terms)


def paths(found: list[TermProblem]) -> list[str]:
    """The paths of the problems."""
    return [problem.path for problem in found]


@pytest.mark.parametrize(
    ("path", "value", "where", "reason"),
    [
        (["max_uses"], "5000", "max_uses", "must be an integer"),
        (["max_uses"], True, "max_uses", "must be an integer"),
        (["max_uses"], 0, "max_uses", "must be at least 1"),
        (["deletion_days"], 400, "deletion_days", "must be at most 365"),
        (["issued_at"], "2026-11-22T08:00:00", "issued_at", "date-time with offset"),
        (["issued_at"], "2026-02-30T08:00:00Z", "issued_at", "date-time with offset"),
        (["provider", "jurisdiction"], "China", "provider.jurisdiction", "ISO 3166"),
        (["pricing", "price", "currency"], "cny", "pricing.price.currency", "ISO 4217"),
        (["pricing", "period"], "monthly", "pricing.period", "ISO 8601 duration"),
        (["contract_id"], "contract 42", "contract_id", "absolute IRI"),
        (["dataset", "grade"], "secret", "dataset.grade", "must be one of core, important"),
        (["delivery_modes"], ["download", "download"], "delivery_modes", "must not repeat"),
        (["delivery_modes"], [], "delivery_modes", "at least 1 item"),
        (["distributions", 0, "format"], 12, "distributions[0].format", "non-empty text"),
        (["provider", "name"], "\u202e\u200e ", "provider.name", "non-empty text"),
        (["purpose"], "x" * 2001, "purpose", "at most 2000 characters"),
        (["cross_border_transfer"], "no", "cross_border_transfer", "true or false"),
        (["provider", "nickname"], "Acme", "provider.nickname", "not a field of this record"),
        (["discount"], 10, "discount", "not a term of this template"),
        (["policy", "@type"], "Permission", "policy.@type", "Offer, Agreement or Set"),
        (["policy", "permission", 0, "action"], None, "policy.permission[0].action", "action name"),
    ],
)
def test_mistyped_terms_are_named(path: list[str | int], value: Any, where: str, reason: str) -> None:
    found = problems("standard-data-licence", (path, value))
    assert paths(found) == [where], found
    assert reason in found[0].reason


def test_an_api_subscription_needs_its_service_terms() -> None:
    found = problems("api-subscription", (["api", "base_url"], "ftp://node.example"), (["api"], ...))
    assert found == [TermProblem("api", "required (api_service)")]


@pytest.mark.parametrize(
    ("template_id", "changes", "where", "reason"),
    [
        ("standard-data-licence", [(["dataset", "grade"], "core")], "dataset.grade", "never offered"),
        (
            "standard-data-licence",
            [(["dataset", "grade"], "important")],
            "dataset.grade",
            "general-3, general-2",
        ),
        (
            "standard-data-licence",
            [(["dataset", "grade"], "general-3"), (["masked_fields"], ["id_number"])],
            "delivery_modes[0]",
            "general-3 data is delivered only by api or aggregate_query",
        ),
        (
            "api-subscription",
            [(["masked_fields"], [])],
            "masked_fields",
            "general-3 data goes out through the API only with fields masked",
        ),
        (
            "api-subscription",
            [(["delivery_modes"], ["download"])],
            "delivery_modes[0]",
            "delivers only by api",
        ),
        (
            "open-data-licence",
            [(["dataset", "personal_information"], "personal")],
            "dataset.personal_information",
            "personal information is none",
        ),
        (
            "standard-data-licence",
            [(["dataset", "personal_information"], "sensitive")],
            "dataset.personal_information",
            "none or personal",
        ),
        (
            "aggregate-query-only",
            [(["dataset", "grade"], "general-2")],
            "dataset.grade",
            "sensitive personal information is general-4 or stricter",
        ),
        (
            "aggregate-query-only",
            [(["dataset", "grade"], "important"), (["cross_border_transfer"], True)],
            "cross_border_transfer",
            "never",
        ),
        (
            "aggregate-query-only",
            [(["dataset", "grade"], "important"), (["consumer", "jurisdiction"], "SG")],
            "consumer.jurisdiction",
            "domestic consumers only",
        ),
        (
            "standard-data-licence",
            [(["consumer", "jurisdiction"], "DE")],
            "consumer.jurisdiction",
            "does not permit cross-border provision",
        ),
        (
            "standard-data-licence",
            [(["validity", "end"], "2026-12-31T23:59:59Z")],
            "validity.end",
            "after validity.start",
        ),
        ("standard-data-licence", [(["pricing", "period"], ...)], "pricing.period", "needs a billing period"),
        (
            "aggregate-query-only",
            [(["pricing", "period"], "P1M")],
            "pricing.period",
            "per_query fee has no billing",
        ),
        (
            "api-subscription",
            [(["pricing", "overage_price", "currency"], "EUR")],
            "pricing.overage_price.currency",
            "currency of pricing.price",
        ),
        (
            "aggregate-query-only",
            [(["aggregation", "min_group_size"], 3)],
            "aggregation.min_group_size",
            "at least 5",
        ),
        (
            "standard-data-licence",
            [
                (
                    ["policy", "permission", 0, "constraint", 3, "rightOperand"],
                    {"@value": "-1", "@type": "xsd:integer"},
                )
            ],
            "policy.permission[0].constraint[3].rightOperand",
            "non-negative integer",
        ),
        (
            "standard-data-licence",
            [(["policy", "target"], "https://node.example/dataset/other")],
            "policy.target",
            "dataset.id",
        ),
        (
            "standard-data-licence",
            [(["purpose"], "Marketing")],
            "policy.permission[0].constraint[0].rightOperand",
            "purpose other than the contract's purpose",
        ),
        (
            "standard-data-licence",
            [(["pricing", "price", "amount_minor"], 1100000)],
            "policy.permission[0].duty[0].constraint[0].rightOperand",
            "must be the price, 11000.00",
        ),
        (
            "open-data-licence",
            [
                (
                    ["policy", "obligation"],
                    [
                        {
                            "action": "compensate",
                            "constraint": [
                                {
                                    "leftOperand": "payAmount",
                                    "operator": "eq",
                                    "rightOperand": "5.00",
                                    "unit": "CNY",
                                }
                            ],
                        }
                    ],
                )
            ],
            "policy.obligation[0].constraint[0]",
            "no pricing",
        ),
    ],
)
def test_terms_that_break_the_rules_are_named(
    template_id: str, changes: list[tuple[list[str | int], Any]], where: str, reason: str
) -> None:
    found = problems(template_id, *changes)
    assert where in paths(found), found
    assert reason in next(problem.reason for problem in found if problem.path == where)


def test_every_problem_is_reported_at_once() -> None:
    found = problems(
        "standard-data-licence",
        (["provider", "name"], ...),
        (["consumer", "id"], "not an iri"),
        (["max_uses"], -3),
    )
    assert paths(found) == ["provider.name", "consumer.id", "max_uses"]
    assert str(found[0]) == "provider.name: required (Registered legal name.)"


def test_terms_that_are_not_an_object_are_refused() -> None:
    assert validate_terms("standard-data-licence", "1", ["terms"]) == [
        TermProblem("", "terms are a JSON object")
    ]
