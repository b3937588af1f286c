"""The rules terms must follow beyond their types: grades, delivery, personal information, consistency.

Grades follow GB/T 43697-2024 as the node applies them (DESIGN.md): core data is never contracted;
important and general-4 data only through aggregate queries; general-3 through the API with field
masking or aggregate queries; general-2 and general-1 also by download. Important data stays with
domestic consumers; other data crosses borders only when the offer permits it. The ODRL policy must be
valid ODRL 2.2 (as `policy.parse_policy` reads it) and agree with the terms it is rendered beside.

A pricing plan (`pricing_plan`, template version 2 on) must be consistent in itself: each model has the
fields it needs and none it would ignore, every amount is in the plan's currency, tiers rise. Each
template version lists the models (and the units of tiered plans) it accepts in the manifest.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from contracts_templates.errors import TermProblem
from contracts_templates.manifest import TemplateVersion
from contracts_templates.term_types import check_value
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

PLAN_UNITS: Mapping[str, str] = {"per_call": "call", "per_record": "record", "per_gb": "gb"}
"""The unit a flat usage-based plan charges by; a tiered plan names its unit."""

USAGE_MODELS = ("per_call", "per_record", "per_gb", "tiered")
"""Plans charged by use, counted and invoiced per calendar month."""


def check_rules(template: TemplateVersion, terms: Mapping[str, Any]) -> list[TermProblem]:
    """Problems with well-typed terms: grade and delivery, borders, periods, prices, the policy."""
    return [
        *_grade_and_delivery(template, terms),
        *_borders(terms),
        *_periods_and_prices(template, terms),
        *_masking(template, terms),
        *_policy(template, terms),
    ]


def check_pricing_plan(plan: Any, path: str = "pricing") -> list[TermProblem]:
    """Every problem with a pricing plan on its own (types, then consistency), e.g. an offer's plan."""
    problems = check_value({"type": "pricing_plan"}, plan, path)
    return problems or list(_plan_problems(plan, path))


def _is_plan(template: TemplateVersion) -> bool:
    return bool(template.variables.get("pricing", {}).get("type") == "pricing_plan")


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


def _periods_and_prices(template: TemplateVersion, terms: Mapping[str, Any]) -> Iterator[TermProblem]:
    validity = terms["validity"]
    if datetime.fromisoformat(validity["end"]) <= datetime.fromisoformat(validity["start"]):
        yield TermProblem("validity.end", "must be after validity.start")
    pricing = terms.get("pricing")
    if not isinstance(pricing, Mapping):
        return
    if _is_plan(template):
        yield from _plan_problems(pricing, "pricing")
        yield from _plan_fits(template, pricing)
        return
    model = pricing.get("model", "subscription")
    if model == "subscription" and not pricing.get("period"):
        yield TermProblem("pricing.period", "a subscription needs a billing period such as P1M")
    if model != "subscription" and pricing.get("period"):
        yield TermProblem("pricing.period", f"a {model} fee has no billing period")
    overage = pricing.get("overage_price")
    if overage is not None and overage["currency"] != pricing["price"]["currency"]:
        yield TermProblem("pricing.overage_price.currency", "must be the currency of pricing.price")


def _plan_problems(plan: Mapping[str, Any], path: str) -> Iterator[TermProblem]:
    """A well-typed pricing plan that says something it cannot mean, or leaves out what it needs."""
    model = plan["model"]
    needs = {  # name: (needed, what it gives, what the plan then lacks)
        "price": (
            model in ("subscription", *PLAN_UNITS),
            "the fee per period or the price per unit",
            "price",
        ),
        "period": (model == "subscription", "a billing period such as P1M", "billing period"),
        "unit": (model == "tiered", "what its tiers count: call, record or gb", "unit; only tiers name one"),
        "tiers": (model == "tiered", "its tiers", "tiers"),
        "payment_due_days": (model != "free", "the days within which an invoice is paid", "payment terms"),
    }
    for name, (needed, what, lacks) in needs.items():
        if needed and not _has(plan, name):
            yield TermProblem(f"{path}.{name}", f"a {model} plan needs {what}")
        elif not needed and _has(plan, name):
            yield TermProblem(f"{path}.{name}", f"a {model} plan has no {lacks}")
    for name in ("free_allowance", "monthly_cap"):
        if _has(plan, name) and model not in USAGE_MODELS:
            usage = join_words(USAGE_MODELS, "or")
            yield TermProblem(f"{path}.{name}", f"a {model} plan has none; it applies to {usage} plans")
    for money_path, amount in _plan_amounts(plan, path):
        if amount["currency"] != plan["currency"]:
            yield TermProblem(f"{money_path}.currency", f"must be the plan's currency, {plan['currency']}")
    for name in ("price", "monthly_cap"):
        if _has(plan, name) and plan[name]["amount_minor"] == 0:
            yield TermProblem(
                f"{path}.{name}.amount_minor", "must be more than zero; a plan without fees is free"
            )
    if model == "tiered":
        yield from _tier_problems(plan.get("tiers") or [], f"{path}.tiers")


def _has(plan: Mapping[str, Any], name: str) -> bool:
    return plan.get(name) is not None  # as for the types, a null term is an absent one


def _plan_amounts(plan: Mapping[str, Any], path: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for name in ("price", "monthly_cap"):
        if _has(plan, name):
            yield f"{path}.{name}", plan[name]
    for index, tier in enumerate(plan.get("tiers") or []):
        yield f"{path}.tiers[{index}].unit_price", tier["unit_price"]


def _tier_problems(tiers: Sequence[Mapping[str, Any]], path: str) -> Iterator[TermProblem]:
    previous: int | None = None
    for index, tier in enumerate(tiers):
        here, last = f"{path}[{index}].up_to", index == len(tiers) - 1
        up_to = tier.get("up_to")
        if last and up_to is not None:
            yield TermProblem(here, "the last tier has no upper bound: leave up_to out")
        elif not last and up_to is None:
            yield TermProblem(here, "required on every tier but the last")
        elif up_to is not None and previous is not None and up_to <= previous:
            yield TermProblem(here, f"must be more than the previous tier's up_to, {previous}")
        previous = up_to if up_to is not None else previous


def _plan_fits(template: TemplateVersion, plan: Mapping[str, Any]) -> Iterator[TermProblem]:
    spec, template_id = template.variables["pricing"], template.template_id
    models, units = spec.get("models"), spec.get("units")
    if models is not None and plan["model"] not in models:
        yield TermProblem("pricing.model", f"{template_id} takes a {join_words(models, 'or')} plan")
    elif plan["model"] == "tiered" and units is not None and plan.get("unit") not in (None, *units):
        yield TermProblem("pricing.unit", f"the tiers of {template_id} count {join_words(units, 'or')}")


def _masking(template: TemplateVersion, terms: Mapping[str, Any]) -> Iterator[TermProblem]:
    if (
        terms["dataset"]["grade"] == "general-3"
        and "api" in terms["delivery_modes"]
        and "masked_fields" in template.variables
        and not terms.get("masked_fields")
    ):
        yield TermProblem("masked_fields", "general-3 data goes out through the API only with fields masked")


def _policy(template: TemplateVersion, terms: Mapping[str, Any]) -> Iterator[TermProblem]:
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
        if left == "payAmount" and _is_plan(template) and isinstance(pricing, Mapping):
            yield from _plan_price_matches(path, constraint, value, pricing)
        elif left == "payAmount":
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


def _plan_price_matches(
    path: str, constraint: Mapping[str, Any], value: str, plan: Mapping[str, Any]
) -> Iterator[TermProblem]:
    """A payAmount is the price, or the first tier's unit price, in the plan's currency; never free."""
    if plan["model"] == "free":
        yield TermProblem(path, "the pricing plan is free: the policy carries no payAmount constraint")
        return
    if plan["model"] == "tiered":
        tiers, what = plan.get("tiers") or [{}], "the first tier's unit price"
        price = tiers[0].get("unit_price")
    else:
        price, what = plan.get("price"), "the price"
    if price is None:
        return  # the plan lacks it, which _plan_problems reports
    if not _same_amount(value, price):
        yield TermProblem(f"{path}.rightOperand", f"must be {what}, {decimal_amount(price)}")
    if _local_name(str(constraint.get("unit", ""))) != plan["currency"]:
        yield TermProblem(f"{path}.unit", f"must be the plan's currency, {plan['currency']}")


def _same_amount(value: str, price: Mapping[str, Any]) -> bool:
    try:
        return Decimal(value) == Decimal(decimal_amount(price))
    except InvalidOperation:
        return False


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
