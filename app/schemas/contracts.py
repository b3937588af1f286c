"""Offers, access requests (negotiations) and agreements as the API takes and returns them."""

from __future__ import annotations

import re
from datetime import datetime
from itertools import pairwise
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from .common import Strict

DeliveryMode = Literal["download", "records", "aggregate"]
PricingModel = Literal["free", "subscription", "per_call", "per_record", "per_gb", "tiered"]
AggregateFunction = Literal["count", "sum", "avg", "min", "max"]

ALL_FUNCTIONS: tuple[AggregateFunction, ...] = ("count", "sum", "avg", "min", "max")

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_PERIOD = re.compile(r"^P(\d+[YMWD])$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")

#: Each pricing model's unit of use, as invoices count it.
UNITS = {"per_call": "call", "per_record": "record", "per_gb": "gb"}


class Tier(Strict):
    """One band of a tiered price: units up to `up_to` (the last band has none) at `unit_price_minor`."""

    up_to: int | None = Field(None, ge=1)
    unit_price_minor: int = Field(ge=0, description="price per unit in minor units (cents, fen)")


class PricingPlan(Strict):
    """What the consumer pays: nothing, a fee per period, a price per unit of use, or tiered unit prices."""

    model: PricingModel
    currency: str = Field("CNY", description="ISO 4217 code")
    price_minor: int | None = Field(
        None,
        ge=0,
        description="fee per period (subscription) or price per call, record or GB, in minor units",
    )
    period: str | None = Field(None, description="billing period of a subscription, e.g. P1M")
    unit: Literal["call", "record", "gb"] | None = Field(None, description="what a tiered plan counts")
    tiers: list[Tier] | None = Field(None, min_length=1, max_length=20)
    free_allowance: int | None = Field(None, ge=0, description="units per calendar month not charged")
    monthly_cap_minor: int | None = Field(None, ge=0, description="most charged per calendar month")
    payment_due_days: int = Field(30, ge=0, le=120)

    @model_validator(mode="after")
    def _consistent(self) -> PricingPlan:
        if not _CURRENCY.match(self.currency):
            raise ValueError("currency: must be an ISO 4217 code such as CNY or EUR")
        priced = self.model in ("subscription", "per_call", "per_record", "per_gb")
        if priced and self.price_minor is None:
            raise ValueError(f"price_minor: a {self.model} plan needs a price")
        if not priced and self.price_minor is not None:
            raise ValueError(f"price_minor: a {self.model} plan has no single price")
        if (self.model == "subscription") != (self.period is not None):
            raise ValueError("period: a subscription, and only a subscription, has a billing period")
        if self.period is not None and not _PERIOD.match(self.period):
            raise ValueError("period: must be an ISO 8601 duration such as P1M, P3M or P1Y")
        if self.model == "tiered":
            if not self.tiers or self.unit is None:
                raise ValueError("tiers: a tiered plan needs a unit and at least one tier")
            bounds = [tier.up_to for tier in self.tiers]
            if bounds[-1] is not None or any(bound is None for bound in bounds[:-1]):
                raise ValueError("tiers: every tier but the last has an up_to; the last has none")
            if any(b <= a for a, b in pairwise(bounds[:-1])):  # type: ignore[operator]
                raise ValueError("tiers: up_to must increase from tier to tier")
        elif self.tiers is not None or self.unit is not None:
            raise ValueError("tiers: only a tiered plan has tiers and a unit")
        if self.model == "free" and (self.free_allowance is not None or self.monthly_cap_minor is not None):
            raise ValueError("free_allowance: a free plan has no allowance or cap")
        return self

    @property
    def usage_unit(self) -> str | None:
        """What a unit of use is under this plan (None for free and subscription plans)."""
        return self.unit if self.model == "tiered" else UNITS.get(self.model)


class CoalitionValue(Strict):
    """What the product would be worth built from these inputs alone (for Shapley values)."""

    inputs: list[str] = Field(min_length=1, max_length=12, description="ids of input datasets")
    value: int = Field(ge=0, description="any non-negative integer measure, e.g. expected revenue")


class ContributionRule(Strict):
    """How a product derived from other datasets shares its revenue with the providers of its inputs.

    `upstream_basis_points` of the product's revenue (after the node's fee) goes to its inputs; the
    product's own provider keeps the rest. The inputs divide that part by `method`: `fixed` (the
    `shares` stated per input), `pro_rata` (the metered use the product's provider made of each input
    in the period; lineage weights when none was metered) or `shapley` (exact Shapley values of the
    declared `coalitions`; an undeclared set of inputs is worth its best declared subset; with no
    coalitions, each input's lineage weight). An input that is itself derived splits its part by the
    rule of its own latest offer that states one.
    """

    method: Literal["fixed", "pro_rata", "shapley"]
    upstream_basis_points: int = Field(ge=0, le=10_000, description="5000 passes half upstream")
    shares: dict[str, int] | None = Field(
        None, description="fixed: input dataset id -> its parts (non-negative integers)"
    )
    coalitions: list[CoalitionValue] | None = Field(None, max_length=200)

    @model_validator(mode="after")
    def _consistent(self) -> ContributionRule:
        if (self.method == "fixed") != (self.shares is not None):
            raise ValueError("shares: a fixed rule, and only a fixed rule, states shares")
        if self.shares is not None:
            if any(part < 0 for part in self.shares.values()):
                raise ValueError("shares: a share is never negative")
            if not any(self.shares.values()):
                raise ValueError("shares: at least one input has a share")
        if self.coalitions is not None and self.method != "shapley":
            raise ValueError("coalitions: only a shapley rule declares coalition values")
        return self


class AggregationTerms(Strict):
    """What an aggregate-query consumer may ask and what the node releases."""

    functions: list[AggregateFunction] = Field(default_factory=lambda: list(ALL_FUNCTIONS))
    columns: list[str] = Field(default_factory=list, description="columns queries may group, filter and use")
    min_group_size: int = Field(10, ge=5, le=10_000)
    query_budget: int = Field(1000, ge=1)
    max_rows_per_result: int = Field(1000, ge=1, le=100_000)


class ApiTerms(Strict):
    """The record API's service level for API subscriptions."""

    calls_per_period: int = Field(100_000, ge=1)
    rate_limit_per_minute: int = Field(600, ge=1)
    availability_permille: int = Field(995, ge=0, le=1000)


class OfferIn(Strict):
    """An offer as a provider writes it; the node builds the ODRL policy from it unless one is given."""

    title: str = Field(min_length=1, max_length=200)
    pricing: PricingPlan
    delivery_modes: list[DeliveryMode] = Field(min_length=1, max_length=3)
    template: Literal[
        "open-data-licence", "standard-data-licence", "api-subscription", "aggregate-query-only"
    ]
    template_version: str | None = Field(None, description="default: the template's latest version")
    approval: Literal["automatic", "manual"] = "manual"
    validity_days: int = Field(365, ge=1, le=3650, description="how long an agreement runs")
    cross_border: bool = Field(False, description="whether consumers outside the provider's country may ask")
    purposes: list[str] = Field(
        default_factory=list, max_length=20, description="purposes allowed; empty allows any stated purpose"
    )
    jurisdictions: list[str] = Field(
        default_factory=list, max_length=50, description="countries consumers may be in (ISO 3166-1 alpha-2)"
    )
    recipients: list[str] = Field(
        default_factory=list, max_length=50, description="organisation ids that alone may ask"
    )
    max_uses: int | None = Field(None, ge=1, description="deliveries allowed over the term (ODRL count)")
    available_from: AwareDatetime | None = None
    available_until: AwareDatetime | None = None
    masked_fields: list[str] = Field(default_factory=list, max_length=200)
    aggregation: AggregationTerms | None = None
    api: ApiTerms | None = None
    attribution: str | None = Field(None, max_length=1000)
    deletion_days: int = Field(30, ge=0, le=365)
    fee_basis_points: int = Field(250, ge=0, le=10_000, description="the node's fee: 250 is 2.5%")
    policy: dict[str, Any] | None = Field(
        None, description="an ODRL 2.2 policy (Offer or Set) to use instead of the one built from the fields"
    )
    contribution: ContributionRule | None = Field(
        None, description="for a product derived from other datasets: how its revenue is shared upstream"
    )

    @model_validator(mode="after")
    def _consistent(self) -> OfferIn:
        if len(set(self.delivery_modes)) != len(self.delivery_modes):
            raise ValueError("delivery_modes: each mode once")
        for index, code in enumerate(self.jurisdictions):
            if not _COUNTRY.match(code):
                raise ValueError(f"jurisdictions[{index}]: {code!r} is not an ISO 3166-1 alpha-2 code")
        for index, purpose in enumerate(self.purposes):
            if not purpose.strip() or len(purpose) > 500:
                raise ValueError(f"purposes[{index}]: a purpose is 1 to 500 characters")
        if self.available_from and self.available_until and self.available_until <= self.available_from:
            raise ValueError("available_until: must be after available_from")
        return self


class OfferOut(BaseModel):
    """An offer as published."""

    id: str
    dataset_id: str
    org_id: str
    title: str
    status: str
    pricing: dict[str, Any]
    policy: dict[str, Any]
    delivery_modes: list[str]
    template: str
    template_version: str
    template_terms: dict[str, Any]
    approval: str
    validity_days: int
    cross_border: bool
    fee_basis_points: int
    contribution: dict[str, Any] | None = None
    created_at: datetime
    updated_at: datetime


class NegotiationIn(Strict):
    """A consumer's access request."""

    offer_id: str = Field(min_length=1, max_length=36)
    purpose: str = Field(
        min_length=1, max_length=500, description="one of the offer's purposes, if it names any"
    )
    purpose_note: str | None = Field(None, max_length=2000, description="more about the intended use")
    validity_days: int | None = Field(None, ge=1, le=3650, description="a shorter term than the offer's")


class ReasonIn(Strict):
    """A decision or lifecycle change, with why."""

    reason: str | None = Field(None, max_length=2000)


class CounterOfferIn(Strict):
    """The provider's counter-offer: the terms it would agree to instead."""

    validity_days: int = Field(ge=1, le=3650)
    reason: str | None = Field(None, max_length=2000)


class NegotiationQuery(Strict):
    """Which requests to list."""

    role: Literal["consumer", "provider", "operator"] = Field(
        "consumer", description="requests I made, requests to me, or (operator) all"
    )
    state: str | None = None


class ContractEventOut(BaseModel):
    """One step of a negotiation or agreement."""

    at: datetime
    action: str
    from_state: str | None
    to_state: str
    actor: str
    org_id: str | None
    user_id: str | None
    reason: str | None


class NegotiationOut(BaseModel):
    """An access request and where it stands."""

    id: str
    provider_pid: str
    consumer_pid: str
    state: str
    offer_id: str
    dataset_id: str
    consumer_org_id: str
    provider_org_id: str
    purpose: str
    purpose_note: str | None
    validity_days: int
    needs_provider: bool
    needs_operator: bool
    provider_approved_at: datetime | None
    operator_approved_at: datetime | None
    reason: str | None
    expires_at: datetime
    agreement_id: str | None
    allowed: list[dict[str, Any]] = Field(description="what each side may do next")
    events: list[ContractEventOut]
    created_at: datetime
    updated_at: datetime


class SignatureOut(BaseModel):
    """One party's signature of the contract text."""

    party: str
    org_id: str
    user_id: str | None
    client_id: str | None
    method: str
    sha256: str
    signed_at: datetime


class AgreementOut(BaseModel):
    """A usage contract and whether it is in force."""

    id: str
    negotiation_id: str
    offer_id: str
    dataset_id: str
    consumer_org_id: str
    provider_org_id: str
    status: str
    status_reason: str | None
    purpose: str
    delivery_modes: list[str]
    template: str
    template_version: str
    contract_sha256: str
    policy: dict[str, Any]
    valid_from: datetime
    valid_until: datetime
    signatures: list[SignatureOut]
    node_signature: str | None = Field(description="the node's countersignature, a compact JWS")
    node_key_id: str | None
    terms: dict[str, Any]
    created_at: datetime
    finalized_at: datetime | None
    ended_at: datetime | None


class AgreementQuery(Strict):
    """Which agreements to list."""

    role: Literal["consumer", "provider", "operator"] = "consumer"
    status: str | None = None


class SignIn(Strict):
    """The consumer's signature: optionally the SHA-256 of the text it read, to sign exactly that."""

    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")


class CheckOut(BaseModel):
    """One check of an agreement and, when it failed, why."""

    check: str
    ok: bool
    problem: str | None


class VerificationOut(BaseModel):
    """Whether an agreement's text, terms and countersignature hold together."""

    agreement_id: str
    valid: bool
    checks: list[CheckOut]
