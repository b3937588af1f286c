"""The terms of a usage contract: what its template renders, from the offer, the parties and the request.

The agreement's ODRL policy is the offer's, turned into an Agreement between the two parties: the
purpose pinned to the one agreed, and the validity period written as dateTime constraints.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from dsp import xsd_datetime

from ..models import Dataset, Offer, Organization
from ..models.base import utcnow
from .dataset_bundles import dataset_iri
from .offers import TEMPLATE_MODES, distributions, offer_iri, party_iri, template_pricing

#: Terms of the offer that belong to the node, not to the template.
NODE_ONLY_TERMS = ("columns", "min_group_size")


def validity(offer: Offer, days: int, start: datetime) -> tuple[datetime, datetime]:
    """The contract's term: from `start` for `days`, ending no later than the offer's window."""
    end = start + timedelta(days=days)
    for rule in offer.policy.get("permission") or []:
        for constraint in rule.get("constraint") or []:
            if str(constraint.get("leftOperand")).endswith("dateTime") and constraint.get("operator") in (
                "lteq",
                "lt",
            ):
                right = constraint["rightOperand"]
                limit = datetime.fromisoformat(str(right.get("@value") if isinstance(right, dict) else right))
                end = min(end, limit)
    return start.replace(microsecond=0), end.replace(microsecond=0)


def agreement_policy(
    offer: Offer,
    *,
    agreement_id: str,
    consumer: Organization,
    purpose: str,
    valid_from: datetime,
    valid_until: datetime,
) -> dict[str, Any]:
    """The offer's policy as the ODRL Agreement between provider and consumer."""
    policy = copy.deepcopy(dict(offer.policy))
    for rule in policy.get("permission") or []:
        kept = [
            c
            for c in rule.get("constraint") or []
            if not str(c.get("leftOperand", "")).endswith(("purpose", "dateTime"))
        ]
        kept.append({"leftOperand": "purpose", "operator": "eq", "rightOperand": purpose})
        kept.append(_moment("gteq", valid_from))
        kept.append(_moment("lteq", valid_until))
        rule["constraint"] = kept
    policy.update(
        {
            "@id": f"urn:uuid:{agreement_id}",
            "@type": "Agreement",
            "assigner": party_iri(offer.org_id),
            "assignee": party_iri(consumer.id),
            "timestamp": xsd_datetime(valid_from),
        }
    )
    return policy


def contract_terms(
    session: Session,
    offer: Offer,
    dataset: Dataset,
    provider: Organization,
    consumer: Organization,
    *,
    agreement_id: str,
    purpose: str,
    validity_days: int,
    base_url: str,
    node_name: str,
    start: datetime | None = None,
) -> dict[str, Any]:
    """Every variable the offer's template needs, for one consumer and purpose."""
    valid_from, valid_until = validity(offer, validity_days, start or utcnow())
    if valid_until <= valid_from:  # the offer's window has closed; the rules name the problem
        valid_until = valid_from + timedelta(seconds=1)
    dists = distributions(session, dataset.id)
    terms: dict[str, Any] = {
        "contract_id": f"urn:uuid:{agreement_id}",
        "offer_id": offer_iri(offer.id),
        "issued_at": xsd_datetime(valid_from),
        "node": {"id": base_url, "name": node_name},
        "provider": _party(provider),
        "consumer": _party(consumer),
        "dataset": {
            "id": dataset_iri(base_url, dataset.id),
            "title": _text(dataset.title),
            "grade": dataset.grade,
            "personal_information": dataset.personal_info,
        },
        "distributions": [
            {
                "id": f"{base_url}/distribution/{d.id}",
                "format": d.media_type or _short(d.format) or "application/octet-stream",
                **({"title": _text(d.title)} if d.title else {}),
            }
            for d in dists
        ],
        "purpose": purpose,
        "delivery_modes": [TEMPLATE_MODES[m] for m in offer.delivery_modes],
        "policy": agreement_policy(
            offer,
            agreement_id=agreement_id,
            consumer=consumer,
            purpose=purpose,
            valid_from=valid_from,
            valid_until=valid_until,
        ),
        "validity": {"start": xsd_datetime(valid_from), "end": xsd_datetime(valid_until)},
        "cross_border_transfer": offer.cross_border,
        "governing_law": {
            "jurisdiction": provider.jurisdiction,
            "dispute_resolution": "court",
            "forum": "the competent court at the Provider's registered seat",
        },
        "notice_days": 30,
    }
    description = _text(dataset.description)
    if description:
        terms["dataset"]["description"] = description[:1000]
    terms.update({k: v for k, v in offer.template_terms.items() if k not in NODE_ONLY_TERMS})
    if "api" in terms:  # the record API of this agreement on this node
        terms["api"] = {**terms["api"], "base_url": f"{base_url}/data/v1/agreements/{agreement_id}"}
    pricing = template_pricing(offer)
    if pricing is not None:
        terms["pricing"] = pricing
    return terms


def _party(org: Organization) -> dict[str, Any]:
    return {"id": party_iri(org.id), "name": org.name, "jurisdiction": org.jurisdiction}


def _text(values: dict[str, str]) -> str:
    return values.get("en") or next(iter(values.values()), "")


def _short(value: str | None) -> str | None:
    """A format IRI's last segment, e.g. CSV."""
    return value.rsplit("/", 1)[-1] if value else None


def _moment(operator: str, moment: datetime) -> dict[str, Any]:
    return {
        "leftOperand": "dateTime",
        "operator": operator,
        "rightOperand": {"@value": xsd_datetime(moment), "@type": "xsd:dateTime"},
    }
