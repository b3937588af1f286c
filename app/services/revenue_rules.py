"""Contribution rules: what a derived product's offer states about sharing revenue upstream, checked
against the product's lineage, and the tree of contributors a payment is split over.

The arithmetic is in the pure ``settlement`` library; this module reads the database for it: the
lineage (inputs and their weights), each input's provider and own rule, and for ``pro_rata`` rules the
metered use the product's provider made of each input in the invoice's period.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import object_session
from sqlmodel import Session, col, select

from settlement import MAX_PLAYERS
from settlement.contribution import Contributor, Input

from ..errors import field_error
from ..models import Dataset, DatasetLineage, Offer, OfferContribution, UsageEvent
from ..schemas.contracts import ContributionRule


def attach(session: Session, offer: Offer, rule: ContributionRule | None) -> None:
    """Record an offer's contribution rule after checking it names exactly the product's inputs."""
    if rule is None:
        return
    inputs = lineage_of(session, offer.dataset_id)
    if not inputs:
        raise field_error(
            "contribution", "only a product derived from other datasets shares revenue upstream"
        )
    if rule.shares is not None:
        for key in rule.shares:
            if key not in inputs:
                raise field_error(f"contribution.shares.{key}", "not an input of this dataset")
        for key in inputs:
            if key not in rule.shares:
                raise field_error("contribution.shares", f"every input needs a share; {key} has none")
    if rule.method == "shapley":
        if len(inputs) > MAX_PLAYERS:
            raise field_error(
                "contribution.method", f"Shapley values are exact for up to {MAX_PLAYERS} inputs"
            )
        for index, coalition in enumerate(rule.coalitions or []):
            for name in coalition.inputs:
                if name not in inputs:
                    raise field_error(f"contribution.coalitions.{index}.inputs", f"{name} is not an input")
        if rule.coalitions is not None and not any(c.value for c in rule.coalitions):
            raise field_error("contribution.coalitions", "at least one set of inputs is worth something")
    session.add(OfferContribution(offer_id=offer.id, rule=rule.model_dump(exclude_none=True)))
    session.flush()


def rule_of(offer: Offer) -> dict[str, Any] | None:
    """The offer's contribution rule as stated, or None."""
    session = object_session(offer)
    row = session.get(OfferContribution, offer.id) if session is not None else None
    return dict(row.rule) if row is not None else None


def lineage_of(session: Session, dataset_id: str) -> dict[str, int]:
    """A dataset's inputs and their lineage weights, in a stable order."""
    rows = session.exec(
        select(DatasetLineage)
        .where(DatasetLineage.dataset_id == dataset_id)
        .order_by(col(DatasetLineage.source_id))
    )
    return {row.source_id: row.weight for row in rows}


def contributors(session: Session, offer: Offer, first: date, last: date) -> Contributor:
    """The product of `offer` with its rule and, recursively, its inputs', for a period's payment."""
    dataset = session.get(Dataset, offer.dataset_id)
    assert dataset is not None
    return _node(session, dataset, _rule(session, offer.id), first, last, ())


def _node(
    session: Session,
    dataset: Dataset,
    rule: dict[str, Any] | None,
    first: date,
    last: date,
    path: tuple[str, ...],
) -> Contributor:
    inputs = lineage_of(session, dataset.id)
    if rule is None or not inputs or dataset.id in path:
        return Contributor(dataset.id, dataset.org_id)
    metered = (
        _metered(session, dataset.org_id, list(inputs), first, last) if rule["method"] == "pro_rata" else {}
    )
    shares: dict[str, int] = rule.get("shares") or {}
    children = []
    for source_id, weight in inputs.items():
        source = session.get(Dataset, source_id)
        assert source is not None
        child = _node(session, source, _dataset_rule(session, source_id), first, last, (*path, dataset.id))
        children.append(Input(child, weight, shares.get(source_id, 0), metered.get(source_id, 0)))
    coalitions = tuple((tuple(c["inputs"]), int(c["value"])) for c in rule.get("coalitions") or [])
    return Contributor(
        dataset.id,
        dataset.org_id,
        rule["method"],
        int(rule["upstream_basis_points"]),
        tuple(children),
        coalitions,
    )


def _rule(session: Session, offer_id: str) -> dict[str, Any] | None:
    row = session.get(OfferContribution, offer_id)
    return dict(row.rule) if row is not None else None


def _dataset_rule(session: Session, dataset_id: str) -> dict[str, Any] | None:
    """The rule of the dataset's latest offer that states one."""
    row = session.exec(
        select(OfferContribution)
        .join(Offer, col(Offer.id) == OfferContribution.offer_id)
        .where(Offer.dataset_id == dataset_id)
        .order_by(col(Offer.created_at).desc(), col(Offer.id).desc())
    ).first()
    return dict(row.rule) if row is not None else None


def _metered(session: Session, org_id: str, inputs: list[str], first: date, last: date) -> dict[str, int]:
    """Units of use the product's provider had of each input in the period (one GROUP BY)."""
    rows = session.exec(
        select(UsageEvent.dataset_id, func.sum(UsageEvent.units))  # type: ignore[call-overload]
        .where(
            UsageEvent.consumer_org_id == org_id,
            col(UsageEvent.dataset_id).in_(inputs),
            col(UsageEvent.day) >= first,
            col(UsageEvent.day) <= last,
        )
        .group_by(UsageEvent.dataset_id)
    )
    return {dataset_id: int(units) for dataset_id, units in rows}
