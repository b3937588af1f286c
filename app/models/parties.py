"""Organisations and their users."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, json_list, new_id, utcnow


class OrgKind(StrEnum):
    """What an organisation does on the node."""

    PROVIDER = "provider"
    CONSUMER = "consumer"
    OPERATOR = "operator"


class OrgStatus(StrEnum):
    """Admission state: the operator admits pending organisations and may suspend them."""

    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"


class Role(StrEnum):
    """What a member may do inside their organisation."""

    ADMIN = "admin"  # the organisation, its members and OAuth clients; on the operator: admissions
    STEWARD = "steward"  # manage datasets and offers (providers)
    BUYER = "buyer"  # request access and sign contracts (consumers)
    REVIEWER = "reviewer"  # review listings before they are published (operator)
    FINANCE = "finance"  # invoices, statements and payouts
    VIEWER = "viewer"  # read only


class Organization(SQLModel, table=True):
    """A provider, consumer or the operator of the exchange."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    name: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=16, index=True)
    jurisdiction: str = Field(max_length=2, description="ISO 3166-1 alpha-2 country code")
    status: str = Field(default=OrgStatus.PENDING.value, max_length=16, index=True)
    homepage: str | None = Field(default=None, max_length=500)
    email: str | None = Field(default=None, max_length=320)
    publisher_type: str | None = Field(default=None, max_length=64, description="ADMS publisher type code")
    credit_score: int = Field(default=600, description="credit standing, 0..1000, earned from conduct")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class User(SQLModel, table=True):
    """A person, member of exactly one organisation, with roles inside it."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    org_id: str = Field(foreign_key="organization.id", index=True, max_length=36, ondelete="CASCADE")
    email: str = Field(max_length=320, unique=True)
    name: str = Field(max_length=200)
    password_hash: str = Field(sa_column=Column(String(200), nullable=False))
    roles: list[str] = Field(default_factory=list, sa_column=Column(json_list(), nullable=False))
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
