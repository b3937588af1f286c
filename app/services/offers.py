"""Offers: the terms on which a provider makes a dataset available, checked against the grade table.

An offer names its pricing plan, the delivery modes the dataset's grade allows, a contract template and
whether requests are approved automatically. The node writes the offer's ODRL 2.2 policy from these
fields (purpose, jurisdiction, recipient, count, dateTime, elapsedTime and payAmount constraints) unless
the provider supplies one. A new offer is rendered once against a sample consumer, so a template that
cannot state it is refused when the offer is made, not when somebody asks for it.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

import contracts_templates
from contracts_templates.wording import decimal_amount
from dsp import xsd_datetime
from policy import PolicyError, parse_policy

from ..errors import Problem, field_error, from_validation_error, not_found
from ..models import Dataset, DatasetStatus, Distribution, Offer, OfferStatus, Organization, Role
from ..models.base import utcnow
from ..schemas.contracts import AggregationTerms, ApiTerms, OfferIn, PricingPlan
from . import grading, revenue_rules
from .actors import Actor, require_active_org, require_role
from .dataset_bundles import Bundle, dataset_iri, load_bundles
from .datasets import get_dataset
from .harvested_datasets import refuse_if_harvested

#: The node's delivery modes as the contract templates name them.
TEMPLATE_MODES = {"download": "download", "records": "api", "aggregate": "aggregate_query"}
TEMPLATE_FUNCTIONS = {"count": "count", "sum": "sum", "avg": "mean", "min": "min", "max": "max"}
APPROVED_EACH_TIME = ("important", "general-4", "general-3")


def party_iri(org_id: str) -> str:
    """The identifier of an organisation as a party to policies and contracts."""
    return f"urn:uuid:{org_id}"


def offer_iri(offer_id: str) -> str:
    """The identifier of an offer in policies and Dataspace Protocol messages."""
    return f"urn:uuid:{offer_id}"


def create_offer(session: Session, actor: Actor, dataset_id: str, data: OfferIn, base_url: str) -> Offer:
    """A provider offers a dataset; the offer must suit its grade and render with its template."""
    dataset = get_dataset(session, actor, dataset_id)
    refuse_if_harvested(dataset, "offered")
    provider = _provider(session, actor, dataset)
    _check_grade_rules(dataset, data)
    template = _template(data)
    offer = Offer(
        dataset_id=dataset.id,
        org_id=provider.id,
        title=data.title,
        pricing=data.pricing.model_dump(exclude_none=True),
        policy={},
        delivery_modes=list(data.delivery_modes),
        template_id=template.info.template_id,
        template_version=template.version,
        template_terms=_template_terms(data, dataset, provider),
        approval=data.approval,
        validity_days=data.validity_days,
        cross_border=data.cross_border and dataset.grade != "important",
        fee_basis_points=data.fee_basis_points,
        created_by=actor.user_id,
    )
    session.add(offer)
    session.flush()
    revenue_rules.attach(session, offer, data.contribution)
    offer.policy = _policy(offer, data, dataset, provider, base_url)
    problems = contracts_templates.validate_terms(
        offer.template_id, offer.template_version, sample_terms(session, offer, base_url)
    )
    if problems:
        errors = [{"field": _offer_field(p.path), "reason": p.reason} for p in problems]
        raise Problem(
            422,
            "; ".join(f"{e['field']}: {e['reason']}" for e in errors[:5]),
            slug="invalid-input",
            title="The contract template cannot state this offer",
            errors=errors,
        )
    return offer


def withdraw_offer(session: Session, actor: Actor, offer_id: str) -> Offer:
    """No new requests against the offer; agreements already made stay in force."""
    offer = get_offer(session, actor, offer_id)
    require_role(session, actor, offer.org_id, Role.STEWARD, Role.ADMIN)
    if offer.status == OfferStatus.WITHDRAWN.value:
        raise Problem(409, "the offer is already withdrawn", slug="invalid-transition", allowed=[])
    offer.status, offer.withdrawn_at, offer.updated_at = OfferStatus.WITHDRAWN.value, utcnow(), utcnow()
    session.add(offer)
    return offer


def get_offer(session: Session, actor: Actor | None, offer_id: str) -> Offer:
    """An offer on a dataset the actor may see."""
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise not_found("offer", offer_id)
    get_dataset(session, actor, offer.dataset_id)  # 404 unless the dataset is visible
    return offer


def list_offers(
    session: Session, actor: Actor | None, dataset_id: str, active_only: bool = True
) -> list[Offer]:
    """The offers on a dataset: active ones for everybody, every one for the provider and the operator."""
    dataset = get_dataset(session, actor, dataset_id)
    query = select(Offer).where(Offer.dataset_id == dataset.id)
    owner = actor is not None and (actor.is_operator or actor.org_id == dataset.org_id)
    if active_only or not owner:
        query = query.where(Offer.status == OfferStatus.ACTIVE.value)
    return list(session.exec(query.order_by(col(Offer.created_at), col(Offer.id))))


def offered_datasets(
    session: Session, *, offset: int = 0, limit: int | None = None, dataset_id: str | None = None
) -> list[tuple[Bundle, list[Offer]]]:
    """Published datasets with active offers, in order of publication, each with those offers."""
    active = select(Offer.dataset_id).where(Offer.status == OfferStatus.ACTIVE.value)
    query = select(Dataset).where(
        Dataset.status == DatasetStatus.PUBLISHED.value,
        col(Dataset.grade).in_([grade for grade in grading.ORDER if grading.listable(grade)]),
        col(Dataset.id).in_(active),
    )
    if dataset_id is not None:
        query = query.where(Dataset.id == dataset_id)
    query = query.order_by(col(Dataset.published_at), col(Dataset.id)).offset(offset)
    rows = list(session.exec(query if limit is None else query.limit(limit)))
    by_dataset: dict[str, list[Offer]] = {row.id: [] for row in rows}
    for offer in session.exec(
        select(Offer)
        .where(col(Offer.dataset_id).in_(list(by_dataset)), Offer.status == OfferStatus.ACTIVE.value)
        .order_by(col(Offer.created_at), col(Offer.id))
    ):
        by_dataset[offer.dataset_id].append(offer)
    return [(bundle, by_dataset[bundle.dataset.id]) for bundle in load_bundles(session, rows)]


def offered(dataset: Dataset) -> bool:
    """Whether requests may be made on the dataset at all."""
    return dataset.status == DatasetStatus.PUBLISHED.value and grading.listable(dataset.grade)


def to_output(offer: Offer) -> dict[str, Any]:
    """The API's view of an offer (the shape of ``OfferOut``)."""
    return {
        "id": offer.id,
        "dataset_id": offer.dataset_id,
        "org_id": offer.org_id,
        "title": offer.title,
        "status": offer.status,
        "pricing": dict(offer.pricing),
        "policy": dict(offer.policy),
        "delivery_modes": list(offer.delivery_modes),
        "template": offer.template_id,
        "template_version": offer.template_version,
        "template_terms": dict(offer.template_terms),
        "approval": offer.approval,
        "validity_days": offer.validity_days,
        "cross_border": offer.cross_border,
        "fee_basis_points": offer.fee_basis_points,
        "contribution": revenue_rules.rule_of(offer),
        "created_at": offer.created_at,
        "updated_at": offer.updated_at,
    }


def plan(offer: Offer) -> PricingPlan:
    """The offer's pricing plan as a model."""
    return PricingPlan.model_validate(offer.pricing)


def template_pricing(offer: Offer) -> dict[str, Any] | None:
    """The pricing plan as the offer's contract template (and version) states it."""
    if offer.template_id == "open-data-licence":
        return None
    pricing = plan(offer)
    if offer.template_version != "1":
        return _pricing_plan_terms(pricing)
    return _v1_pricing(offer.template_id, pricing)


def _pricing_plan_terms(pricing: PricingPlan) -> dict[str, Any]:
    def money(amount: int) -> dict[str, Any]:
        return {"amount_minor": amount, "currency": pricing.currency}

    terms: dict[str, Any] = {"model": pricing.model, "currency": pricing.currency}
    if pricing.price_minor is not None:
        terms["price"] = money(pricing.price_minor)
    if pricing.period is not None:
        terms["period"] = pricing.period
    if pricing.tiers is not None:
        terms["unit"] = pricing.unit
        terms["tiers"] = [
            {"unit_price": money(tier.unit_price_minor), **({"up_to": tier.up_to} if tier.up_to else {})}
            for tier in pricing.tiers
        ]
    if pricing.free_allowance is not None:
        terms["free_allowance"] = pricing.free_allowance
    if pricing.monthly_cap_minor is not None:
        terms["monthly_cap"] = money(pricing.monthly_cap_minor)
    if pricing.model != "free":
        terms["payment_due_days"] = pricing.payment_due_days
    return terms


def _v1_pricing(template_id: str, pricing: PricingPlan) -> dict[str, Any]:
    """Version 1 templates know one-off, subscription and per-query fees only."""
    price = {"amount_minor": pricing.price_minor or 0, "currency": pricing.currency}
    due = pricing.payment_due_days
    if template_id == "api-subscription":
        if pricing.model != "subscription":
            raise field_error("pricing.model", "version 1 of api-subscription states subscriptions only")
        return {"price": price, "period": pricing.period, "payment_due_days": due}
    if pricing.model == "subscription":
        return {"model": "subscription", "price": price, "period": pricing.period, "payment_due_days": due}
    if pricing.model == "per_call":
        return {"model": "per_query", "price": price, "payment_due_days": due}
    if pricing.model == "free":
        return {"model": "one_off", "price": price, "payment_due_days": due}
    raise field_error("pricing.model", f"version 1 of {template_id} cannot state a {pricing.model} plan")


def sample_terms(session: Session, offer: Offer, base_url: str) -> dict[str, Any]:
    """The terms a contract on this offer would have, with the provider standing in as consumer."""
    from .contract_terms import contract_terms  # the terms module builds on this one

    dataset = session.get(Dataset, offer.dataset_id)
    provider = session.get(Organization, offer.org_id)
    assert dataset is not None
    assert provider is not None
    purposes = _purposes(offer.policy)
    return contract_terms(
        session,
        offer,
        dataset,
        provider,
        provider,
        agreement_id=offer.id,
        purpose=purposes[0] if purposes else "the consumer's stated purpose",
        validity_days=offer.validity_days,
        base_url=base_url,
        node_name="dxnode",
    )


def purposes(offer: Offer) -> list[str]:
    """The purposes the offer's policy allows; empty when it allows any stated purpose."""
    return _purposes(offer.policy)


def _purposes(policy: dict[str, Any]) -> list[str]:
    for rule in policy.get("permission") or []:
        for constraint in rule.get("constraint") or []:
            if str(constraint.get("leftOperand", "")).endswith("purpose"):
                right = constraint.get("rightOperand")
                values = right if isinstance(right, list) else [right]
                return [str(v.get("@value", v.get("@id")) if isinstance(v, dict) else v) for v in values]
    return []


def _provider(session: Session, actor: Actor, dataset: Dataset) -> Organization:
    provider = session.get(Organization, dataset.org_id)
    assert provider is not None
    require_role(session, actor, provider.id, Role.STEWARD, Role.ADMIN)
    require_active_org(provider)
    return provider


def _check_grade_rules(dataset: Dataset, data: OfferIn) -> None:
    grade = dataset.grade
    if not grading.listable(grade):
        raise Problem(409, "core data is never offered", slug="core-never-offered")
    allowed = grading.DELIVERY[grade]
    for index, mode in enumerate(data.delivery_modes):
        if mode not in allowed:
            modes = " or ".join(sorted(allowed))
            raise field_error(f"delivery_modes[{index}]", f"{grade} data is delivered only by {modes}")
    if grade == "important" and data.cross_border:
        raise field_error("cross_border", "important data is never provided across borders")
    if grade in APPROVED_EACH_TIME and data.approval == "automatic":
        raise field_error("approval", f"the provider approves each request for {grade} data")
    if dataset.personal_info != "none" and data.approval == "automatic":
        raise field_error("approval", "the provider approves each request for data with personal information")
    if grade == "general-3" and "records" in data.delivery_modes and not data.masked_fields:
        raise field_error("masked_fields", "general-3 records are delivered only with fields masked")
    if "aggregate" not in data.delivery_modes and data.aggregation is not None:
        raise field_error("aggregation", "aggregation terms belong to offers with aggregate delivery")


def _template(data: OfferIn) -> contracts_templates.TemplateVersion:
    try:
        return contracts_templates.get_template(data.template, data.template_version)
    except contracts_templates.UnknownTemplate as error:
        raise field_error("template_version", str(error)) from None


def _template_terms(data: OfferIn, dataset: Dataset, provider: Organization) -> dict[str, Any]:
    """The template's own variables, from the offer's fields."""
    terms: dict[str, Any] = {}
    if data.template == "open-data-licence":
        if data.pricing.model != "free":
            raise field_error("pricing.model", "the open-data licence is free of charge")
        title = dataset.title.get("en") or next(iter(dataset.title.values()))
        terms["attribution"] = data.attribution or f"Contains data from {provider.name}: {title}"
        return terms
    if data.template == "aggregate-query-only":
        aggregation = data.aggregation or _default_aggregation()
        terms["aggregation"] = {
            "functions": [TEMPLATE_FUNCTIONS[f] for f in aggregation.functions],
            "min_group_size": aggregation.min_group_size,
            "query_budget": data.max_uses or aggregation.query_budget,
            "max_rows_per_result": aggregation.max_rows_per_result,
        }
        terms["columns"] = list(aggregation.columns)
        return terms
    terms["masked_fields"] = list(data.masked_fields)
    terms["deletion_days"] = data.deletion_days
    if data.template == "standard-data-licence":
        if data.max_uses is None:
            raise field_error("max_uses", "the standard data licence states how many deliveries it allows")
        terms["max_uses"] = data.max_uses
    if data.template == "api-subscription":
        terms["api"] = (data.api or _default_api()).model_dump()
    if data.aggregation is not None:
        terms["columns"] = list(data.aggregation.columns)
        terms["min_group_size"] = data.aggregation.min_group_size
    return terms


def _default_aggregation() -> AggregationTerms:
    return AggregationTerms.model_validate({})


def _default_api() -> ApiTerms:
    return ApiTerms.model_validate({})


def _policy(
    offer: Offer, data: OfferIn, dataset: Dataset, provider: Organization, base_url: str
) -> dict[str, Any]:
    """The offer's ODRL policy: the provider's own, or one written from the offer's fields."""
    target = dataset_iri(base_url, dataset.id)
    if data.policy is not None:
        return _provider_policy(offer, data.policy, target, provider)
    constraints: list[dict[str, Any]] = []
    if data.purposes:
        constraints.append(_one_or_any("purpose", data.purposes))
    countries = list(data.jurisdictions)
    if not countries and not offer.cross_border:
        countries = [provider.jurisdiction]
    if dataset.grade == "important":
        countries = [provider.jurisdiction]
    if countries:
        constraints.append(_one_or_any("spatial", countries))
    if data.recipients:
        constraints.append(_one_or_any("recipient", [party_iri(r) for r in data.recipients]))
    max_uses = data.max_uses
    if max_uses is None and data.template == "aggregate-query-only":
        max_uses = (data.aggregation or _default_aggregation()).query_budget  # the contract's query budget
    if max_uses is not None:
        constraints.append(_typed("count", "lteq", str(max_uses), "xsd:integer"))
    if data.available_from is not None:
        constraints.append(_typed("dateTime", "gteq", xsd_datetime(data.available_from), "xsd:dateTime"))
    if data.available_until is not None:
        constraints.append(_typed("dateTime", "lteq", xsd_datetime(data.available_until), "xsd:dateTime"))
    constraints.append(_typed("elapsedTime", "lteq", f"P{data.validity_days}D", "xsd:duration"))
    permission: dict[str, Any] = {"action": "use", "constraint": constraints}
    duty = _compensation(data.pricing)
    if duty is not None:
        permission["duty"] = [duty]
    policy: dict[str, Any] = {
        "@id": offer_iri(offer.id),
        "@type": "Offer",
        "assigner": party_iri(provider.id),
        "target": target,
        "permission": [permission],
    }
    if data.template != "open-data-licence":
        policy["prohibition"] = [{"action": "distribute"}, {"action": "grantUse"}, {"action": "transfer"}]
    return policy


def _provider_policy(
    offer: Offer, policy: dict[str, Any], target: str, provider: Organization
) -> dict[str, Any]:
    if policy.get("@type") not in ("Offer", "Set"):
        raise field_error("policy.@type", "an offer's policy is an ODRL Offer or Set")
    if policy.get("target") not in (None, target):
        raise field_error("policy.target", f"must be the dataset's IRI, {target}")
    written = {
        **policy,
        "@id": offer_iri(offer.id),
        "@type": "Offer",
        "assigner": party_iri(provider.id),
        "target": target,
    }
    written.pop("@context", None)
    try:
        parse_policy(written)
    except PolicyError as error:
        raise field_error(f"policy.{error.path}" if error.path else "policy", error.reason) from None
    if not written.get("permission"):
        raise field_error("policy.permission", "an offer permits something")
    return written


def _compensation(pricing: PricingPlan) -> dict[str, Any] | None:
    if pricing.model == "free":
        return None
    amount = pricing.price_minor
    if amount is None and pricing.tiers:
        amount = pricing.tiers[0].unit_price_minor
    assert amount is not None
    value = decimal_amount({"amount_minor": amount, "currency": pricing.currency})
    return {
        "action": "compensate",
        "constraint": [
            {
                "leftOperand": "payAmount",
                "operator": "eq",
                "rightOperand": {"@value": value, "@type": "xsd:decimal"},
                "unit": pricing.currency,
            }
        ],
    }


def _one_or_any(left: str, values: list[str]) -> dict[str, Any]:
    if len(values) == 1:
        return {"leftOperand": left, "operator": "eq", "rightOperand": values[0]}
    return {"leftOperand": left, "operator": "isAnyOf", "rightOperand": list(values)}


def _typed(left: str, operator: str, value: str, datatype: str) -> dict[str, Any]:
    return {"leftOperand": left, "operator": operator, "rightOperand": {"@value": value, "@type": datatype}}


def _offer_field(path: str) -> str:
    """Where a template's complaint about the sample terms points in the offer."""
    head = path.split(".")[0].split("[")[0]
    if head in ("pricing", "delivery_modes", "masked_fields", "max_uses", "policy"):
        return path
    if head in ("aggregation", "api", "attribution", "deletion_days"):
        return path
    if head == "dataset":
        return "dataset"
    return "template"


def distributions(session: Session, dataset_id: str) -> list[Distribution]:
    """A dataset's distributions, in the provider's order."""
    return list(
        session.exec(
            select(Distribution)
            .where(Distribution.dataset_id == dataset_id)
            .order_by(col(Distribution.position), col(Distribution.id))
        )
    )


def validate_offer(payload: Any) -> OfferIn:
    """An offer from plain JSON (the CLI's files), with the API's errors."""
    try:
        return OfferIn.model_validate(payload)
    except ValidationError as error:
        raise from_validation_error(error) from None
