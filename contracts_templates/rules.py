"""The rules terms must follow beyond their types: grades, delivery, personal information, consistency.

Grades follow GB/T 43697-2024 as the node applies them (DESIGN.md): core data is never contracted;
important and general-4 data only through aggregate queries; general-3 through the API with field
masking or aggregate queries; general-2 and general-1 also by download. Important data stays with
domestic consumers; other data crosses borders only when the offer permits it. The ODRL policy must be
valid ODRL 2.2 (as `policy.parse_policy` reads it) and agree with the terms it is rendered beside.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from contracts_templates.errors import TermProblem
from contracts_templates.manifest import TemplateVersion
from contracts_templates.wording import country, decimal_amount, join_words
from policy import PolicyError, parse_policy

GRADE_DELIVERY: Mapping[str, tuple[str, ...]] = {
    "core": (),
    "important": ("aggregate_query",),
    "general-4": ("aggregate_query",),
    "general-3": ("api", "aggregate_query"),
    "general-2": ("download", "api", "aggregate_query"),
    "general-1": ("download", "api", "aggregate_query"),
}
"""How data of each grade may be delivered."""

SENSITIVE_GRADES = ("important", "general-4")
"""Sensitive personal information is graded general-4, or stricter."""


def check_rules(template: TemplateVersion, terms: Mapping[str, Any]) -> list[TermProblem]:
    """Problems with well-typed terms: grade and delivery, borders, periods, prices, the policy."""
    return [
        *_grade_and_delivery(template, terms),
        *_borders(terms),
        *_periods_and_prices(terms),
        *_masking(template, terms),
        *_policy(terms),
    ]


def _grade_and_delivery(template: TemplateVersion, terms: Mapping[str, Any]) -> Iterator[TermProblem]:
    grade, info = terms["dataset"]["grade"], template.info
    if grade == "core":
        yield TermProblem("dataset.grade", "core data is never offered, contracted or delivered")
        return
    if grade not in info.grades:
        yield TermProblem("dataset.grade", f"{info.template_id} is for {join_words(info.grades, 'or')} data")
    for index, mode in enumerate(terms["delivery_modes"]):
        if mode not in info.delivery_modes:
            allowed = join_words(info.delivery_modes, "or")
            yield TermProblem(f"delivery_modes[{index}]", f"{info.template_id} delivers only by {allowed}")
        elif mode not in GRADE_DELIVERY[grade]:
            allowed = join_words(GRADE_DELIVERY[grade], "or")
            yield TermProblem(f"delivery_modes[{index}]", f"{grade} data is delivered only by {allowed}")
    personal = terms["dataset"]["personal_information"]
    if personal not in info.personal_information:
        yield TermProblem(
            "dataset.personal_information",
            f"{info.template_id} is for data whose personal information is "
            + join_words(info.personal_information, "or"),
        )
    if personal == "sensitive" and grade not in SENSITIVE_GRADES:
        yield TermProblem(
            "dataset.grade", "data with sensitive personal information is general-4 or stricter"
        )


def _borders(terms: Mapping[str, Any]) -> Iterator[TermProblem]:
    grade, allowed = terms["dataset"]["grade"], terms["cross_border_transfer"]
    if grade == "important" and allowed:
        yield TermProblem("cross_border_transfer", "important data is never provided across borders")
    if country(terms["consumer"]["jurisdiction"]) != country(terms["provider"]["jurisdiction"]):
        if grade == "important":
            yield TermProblem(
                "consumer.jurisdiction", "important data is provided to domestic consumers only"
            )
        elif not allowed:
            yield TermProblem(
                "consumer.jurisdiction",
                "the consumer is outside the provider's jurisdiction and the offer does not permit "
                "cross-border provision",
            )


def _periods_and_prices(terms: Mapping[str, Any]) -> Iterator[TermProblem]:
    validity = terms["validity"]
    if datetime.fromisoformat(validity["end"]) <= datetime.fromisoformat(validity["start"]):
        yield TermProblem("validity.end", "must be after validity.start")
    pricing = terms.get("pricing")
    if not isinstance(pricing, Mapping):
        return
    model = pricing.get("model", "subscription")
    if model == "subscription" and not pricing.get("period"):
        yield TermProblem("pricing.period", "a subscription needs a billing period such as P1M")
    if model != "subscription" and pricing.get("period"):
        yield TermProblem("pricing.period", f"a {model} fee has no billing period")
    overage = pricing.get("overage_price")
    if overage is not None and overage["currency"] != pricing["price"]["currency"]:
        yield TermProblem("pricing.overage_price.currency", "must be the currency of pricing.price")


def _masking(template: TemplateVersion, terms: Mapping[str, Any]) -> Iterator[TermProblem]:
    if (
        terms["dataset"]["grade"] == "general-3"
        and "api" in terms["delivery_modes"]
        and "masked_fields" in template.variables
        and not terms.get("masked_fields")
    ):
        yield TermProblem("masked_fields", "general-3 data goes out through the API only with fields masked")


def _policy(terms: Mapping[str, Any]) -> Iterator[TermProblem]:
    policy = terms["policy"]
    try:
        parse_policy(policy)
    except PolicyError as error:
        yield TermProblem(f"policy.{error.path}" if error.path else "policy", error.reason)
        return
    if policy["@type"] not in ("Offer", "Agreement"):
        yield TermProblem("policy.@type", "a contract carries an Offer or an Agreement")
    if policy.get("target") not in (None, terms["dataset"]["id"]):
        yield TermProblem("policy.target", "must be the dataset's IRI, dataset.id")
    pricing = terms.get("pricing")
    for path, constraint in _constraints(policy):
        left, value = _local_name(str(constraint["leftOperand"])), _lexical(constraint["rightOperand"])
        if left == "purpose" and constraint["operator"] == "eq" and value != terms["purpose"]:
            yield TermProblem(f"{path}.rightOperand", "states a purpose other than the contract's purpose")
        if left == "payAmount":
            yield from _price_matches(path, constraint, value, pricing)


def _price_matches(
    path: str, constraint: Mapping[str, Any], value: str, pricing: Any
) -> Iterator[TermProblem]:
    if not isinstance(pricing, Mapping):
        yield TermProblem(path, "a payment is required, but the contract has no pricing")
        return
    price = pricing["price"]
    try:
        same_amount = Decimal(value) == Decimal(decimal_amount(price))
    except InvalidOperation:
        same_amount = False
    if not same_amount:
        yield TermProblem(f"{path}.rightOperand", f"must be the price, {decimal_amount(price)}")
    if _local_name(str(constraint.get("unit", ""))) != price["currency"]:
        yield TermProblem(f"{path}.unit", f"must be the price's currency, {price['currency']}")


def _constraints(policy: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """The atomic constraints directly on rules and their duties (not inside logical constraints)."""
    for kind in ("permission", "prohibition", "obligation"):
        for index, rule in enumerate(policy.get(kind) or []):
            yield from _rule_constraints(rule, f"policy.{kind}[{index}]")


def _rule_constraints(rule: Mapping[str, Any], path: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for index, constraint in enumerate(rule.get("constraint") or []):
        if "leftOperand" in constraint:
            yield f"{path}.constraint[{index}]", constraint
    for nested in ("duty", "remedy"):
        for index, duty in enumerate(rule.get(nested) or []):
            yield from _rule_constraints(duty, f"{path}.{nested}[{index}]")


def _lexical(operand: Any) -> str:
    if isinstance(operand, Mapping):
        return str(operand.get("@value", operand.get("@id", "")))
    return str(operand)


def _local_name(iri: str) -> str:
    return iri[max(iri.rfind("/"), iri.rfind("#"), iri.rfind(":")) + 1 :]
