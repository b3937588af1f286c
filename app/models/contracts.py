"""Offers, negotiations (access requests) and the agreements they end in.

A negotiation follows the Dataspace Protocol's states; an agreement keeps the contract exactly as
signed: the template and version, the canonical terms, the rendered text and its SHA-256, the ODRL
agreement, each party's signature and the node's countersignature (a JWS).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, json_dict, json_list, new_id, utcnow


class OfferStatus(StrEnum):
    """Whether new requests may be made against an offer."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class AgreementStatus(StrEnum):
    """An agreement's life: signed by the provider and awaiting the consumer, then in force or ended."""

    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class Offer(SQLModel, table=True):
    """The terms on which a provider makes a dataset available: price, policy, delivery, contract."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    dataset_id: str = Field(foreign_key="dataset.id", index=True, max_length=36, ondelete="CASCADE")
    org_id: str = Field(foreign_key="organization.id", index=True, max_length=36, ondelete="CASCADE")
    title: str = Field(max_length=200)
    status: str = Field(default=OfferStatus.ACTIVE.value, max_length=16, index=True)
    pricing: dict[str, Any] = Field(sa_column=Column(json_dict(), nullable=False))
    policy: dict[str, Any] = Field(
        sa_column=Column(json_dict(), nullable=False), description="the ODRL 2.2 Offer, DSP shape"
    )
    delivery_modes: list[str] = Field(sa_column=Column(json_list(), nullable=False))
    template_id: str = Field(max_length=64)
    template_version: str = Field(max_length=16)
    template_terms: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(json_dict(), nullable=False),
        description="the template's own variables: max_uses, masked_fields, api, aggregation...",
    )
    approval: str = Field(default="manual", max_length=16, description="automatic | manual")
    validity_days: int = Field(default=365, description="how long an agreement runs")
    cross_border: bool = Field(default=False, description="whether consumers abroad may be served")
    fee_basis_points: int = Field(default=250, description="the node's fee, in hundredths of a percent")
    created_by: str | None = Field(default=None, foreign_key="user.id", max_length=36, ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Negotiation(SQLModel, table=True):
    """A consumer's access request, moving through the Dataspace Protocol's negotiation states."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    consumer_pid: str = Field(max_length=200, index=True, description="the consumer's id for it (DSP)")
    offer_id: str = Field(foreign_key="offer.id", index=True, max_length=36, ondelete="CASCADE")
    dataset_id: str = Field(foreign_key="dataset.id", index=True, max_length=36, ondelete="CASCADE")
    consumer_org_id: str = Field(foreign_key="organization.id", index=True, max_length=36, ondelete="CASCADE")
    provider_org_id: str = Field(foreign_key="organization.id", index=True, max_length=36, ondelete="CASCADE")
    state: str = Field(max_length=16, index=True)
    purpose: str = Field(max_length=500)
    purpose_note: str | None = Field(default=None, max_length=2000)
    validity_days: int = Field(description="the term asked for (or offered back), in days")
    requested_by: str | None = Field(default=None, foreign_key="user.id", max_length=36, ondelete="SET NULL")
    callback_address: str | None = Field(default=None, max_length=1000, description="a remote consumer's")
    needs_provider: bool = Field(default=True, description="the provider must approve")
    needs_operator: bool = Field(default=False, description="the operator must approve as well")
    provider_approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    provider_approved_by: str | None = Field(default=None, max_length=36)
    operator_approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    operator_approved_by: str | None = Field(default=None, max_length=36)
    reason: str | None = Field(default=None, max_length=2000, description="why it was terminated")
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class Agreement(SQLModel, table=True):
    """A usage contract exactly as signed, and whether it is in force."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    negotiation_id: str = Field(foreign_key="negotiation.id", unique=True, max_length=36, ondelete="CASCADE")
    offer_id: str = Field(foreign_key="offer.id", index=True, max_length=36, ondelete="CASCADE")
    dataset_id: str = Field(foreign_key="dataset.id", index=True, max_length=36, ondelete="CASCADE")
    consumer_org_id: str = Field(foreign_key="organization.id", index=True, max_length=36, ondelete="CASCADE")
    provider_org_id: str = Field(foreign_key="organization.id", index=True, max_length=36, ondelete="CASCADE")
    status: str = Field(default=AgreementStatus.PENDING.value, max_length=16, index=True)
    status_reason: str | None = Field(default=None, max_length=2000)
    purpose: str = Field(max_length=500)
    delivery_modes: list[str] = Field(sa_column=Column(json_list(), nullable=False))
    template_id: str = Field(max_length=64)
    template_version: str = Field(max_length=16)
    terms: str = Field(sa_column=Column(Text, nullable=False), description="canonical JSON of the terms")
    contract_text: str = Field(sa_column=Column(Text, nullable=False))
    contract_sha256: str = Field(max_length=64)
    policy: dict[str, Any] = Field(sa_column=Column(json_dict(), nullable=False))
    valid_from: datetime = Field(sa_type=UTCDateTime)
    valid_until: datetime = Field(sa_type=UTCDateTime, index=True)
    node_jws: str | None = Field(default=None, sa_column=Column(Text))
    node_kid: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finalized_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AgreementSignature(SQLModel, table=True):
    """One party's signature: who signed, when, and the SHA-256 of the text they signed."""

    __tablename__ = "agreement_signature"

    agreement_id: str = Field(foreign_key="agreement.id", primary_key=True, max_length=36, ondelete="CASCADE")
    party: str = Field(primary_key=True, max_length=16, description="provider | consumer")
    org_id: str = Field(foreign_key="organization.id", max_length=36, ondelete="CASCADE")
    user_id: str | None = Field(default=None, foreign_key="user.id", max_length=36, ondelete="SET NULL")
    client_id: str | None = Field(default=None, max_length=64)
    method: str = Field(max_length=32, description="user | client | standing-offer")
    sha256: str = Field(max_length=64)
    signed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ContractEvent(SQLModel, table=True):
    """What happened to a negotiation or its agreement, by whom and why: the history both sides see."""

    __tablename__ = "contract_event"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    negotiation_id: str = Field(foreign_key="negotiation.id", index=True, max_length=36, ondelete="CASCADE")
    agreement_id: str | None = Field(
        default=None, foreign_key="agreement.id", index=True, max_length=36, ondelete="CASCADE"
    )
    seq: int = Field(default=1, description="position in the negotiation's history")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    action: str = Field(max_length=64, description="a DSP message or a lifecycle action")
    from_state: str | None = Field(default=None, max_length=16)
    to_state: str = Field(max_length=16)
    actor: str = Field(max_length=16, description="consumer | provider | operator | node")
    org_id: str | None = Field(default=None, max_length=36)
    user_id: str | None = Field(default=None, max_length=36)
    reason: str | None = Field(default=None, max_length=2000)
