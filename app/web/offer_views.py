"""Offers in words for the pages: the price, delivery and approval of each offer, and the Offers block.

The dataset page (``catalog_pages``) knows nothing of the marketplace: its Offers block asks
``offer_block`` for what to show the viewer.
"""

from __future__ import annotations

from dataclasses import dataclass

import contracts_templates
from contracts_templates.wording import duration, money, number, tier_band

from ..db import get_session
from ..models import Dataset, Offer, Organization, OrgKind, User
from ..schemas.contracts import PricingPlan
from ..services import datasets, offers
from ..services.actors import Actor
from . import bp
from .catalog_pages import DELIVERY_WORDS
from .session import current_user, may, web_actor

STEWARDS = frozenset({"steward", "admin"})
BUYERS = frozenset({"buyer", "admin"})
UNITS = {"call": ("call", "calls"), "record": ("record", "records"), "gb": ("GB", "GB")}


@dataclass(frozen=True)
class OfferView:
    """An offer as people read it: the price, delivery, contract and approval in words."""

    offer: Offer
    pricing: list[str]
    delivery: list[str]
    template: str
    approval: str
    purposes: list[str]
    max_uses: int | None


@dataclass(frozen=True)
class OfferBlock:
    """The Offers block of a dataset page, for the person looking at it."""

    offers: list[OfferView]
    may_request: bool
    may_offer: bool
    requests_open: bool


# ---------------------------------------------------------------------------------------------------------
# The dataset page's offers


@bp.app_template_global("offer_block")
def offer_block(dataset_id: str) -> OfferBlock:
    """The active offers of a dataset, and whether the viewer may request access or make offers."""
    session = get_session()
    user, org, actor = viewer()
    dataset = datasets.get_dataset(session, actor, dataset_id)
    own = org is not None and org.id == dataset.org_id
    may_request = (
        user is not None
        and org is not None
        and not own
        and org.kind != OrgKind.OPERATOR.value
        and bool(BUYERS & set(user.roles))
    )
    return OfferBlock(
        offers=[view_of(o, dataset) for o in offers.list_offers(session, actor, dataset.id)],
        may_request=may_request,
        may_offer=own and may(user, org, OrgKind.PROVIDER.value, STEWARDS),
        requests_open=offers.offered(dataset),
    )


def view_of(offer: Offer, dataset: Dataset) -> OfferView:
    """An offer in words."""
    template = contracts_templates.get_template(offer.template_id, offer.template_version)
    modes = [DELIVERY_WORDS.get(m, m) for m in offer.delivery_modes]
    return OfferView(
        offer=offer,
        pricing=pricing_words(offers.plan(offer)),
        delivery=modes,
        template=f"{template.info.title.get('en', offer.template_id)}, version {offer.template_version}",
        approval=approval_words(offer, dataset),
        purposes=offers.purposes(offer),
        max_uses=offer.template_terms.get("max_uses"),
    )


def pricing_words(plan: PricingPlan) -> list[str]:
    """A pricing plan in words: ``CNY 0.50 per call``, then its allowance, cap and payment terms."""

    def amount(minor: int | None) -> str:
        return money({"amount_minor": minor or 0, "currency": plan.currency})

    if plan.model == "free":
        return ["free of charge"]
    one, many = UNITS.get(plan.usage_unit or "", ("unit", "units"))
    if plan.model == "subscription":
        words = [f"subscription: {amount(plan.price_minor)} per {_period(plan.period or '')}"]
    elif plan.model == "tiered":
        tiers = [tier.model_dump() for tier in plan.tiers or []]
        bands = [
            f"{tier_band(tiers, i, many)} at {amount(tier['unit_price_minor'])} per {one}"
            for i, tier in enumerate(tiers)
        ]
        words = ["tiered prices each month: " + "; ".join(bands)]
    else:
        words = [f"{amount(plan.price_minor)} per {one}"]
    if plan.free_allowance:
        words.append(f"the first {number(plan.free_allowance)} {many} of each month are free")
    if plan.monthly_cap_minor is not None:
        words.append(f"at most {amount(plan.monthly_cap_minor)} charged per month")
    words.append(f"invoices are due within {plan.payment_due_days} days")
    return words


def approval_words(offer: Offer, dataset: Dataset) -> str:
    """Who approves a request on this offer, after the grade table."""
    if dataset.grade == "important":
        return "the provider and the operator approve each request"
    manual = offer.approval == "manual" or dataset.grade in offers.APPROVED_EACH_TIME
    if manual or dataset.personal_info != "none":
        return "the provider approves each request"
    if dataset.grade == "general-2":
        return "automatic when the consumer's credit standing allows it; otherwise the provider approves"
    return "automatic: the contract is ready to sign at once"


def _period(period: str) -> str:
    words = duration(period)
    return words.removeprefix("1 ") if words.startswith("1 ") else words


# ---------------------------------------------------------------------------------------------------------
# Requesting access


def viewer() -> tuple[User | None, Organization | None, Actor | None]:
    """The logged-in user, their organisation and their actor, or Nones."""
    user = current_user()
    org = get_session().get(Organization, user.org_id) if user else None
    if user is None or org is None:
        return None, None, None
    return user, org, web_actor(user, org)
