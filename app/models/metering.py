"""Metering: one usage event per logical request, the quota counters that bound them, and refusals.

A usage event and the quota it consumes are written in one transaction before any data leaves the
node, so a crash can lose neither; an `Idempotency-Key` makes a retried request replay the event it
already paid for instead of counting again.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, new_id, utcnow


class UsageEvent(SQLModel, table=True):
    """One delivery under an agreement: what was delivered, how much, when and for whom (append-only)."""

    __tablename__ = "usage_event"
    __table_args__ = (
        UniqueConstraint("agreement_id", "idempotency_key"),
        Index("ix_usage_event_agreement_day", "agreement_id", "day"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    agreement_id: str = Field(foreign_key="agreement.id", max_length=36, ondelete="CASCADE")
    dataset_id: str = Field(max_length=36, index=True)
    distribution_id: str | None = Field(default=None, max_length=36)
    consumer_org_id: str = Field(max_length=36, index=True)
    provider_org_id: str = Field(max_length=36, index=True)
    client_id: str | None = Field(default=None, max_length=64)
    mode: str = Field(max_length=16, description="download | records | aggregate")
    units: int = Field(default=1, description="uses counted against the agreement's quota")
    records: int = Field(default=0)
    bytes: int = Field(default=0)
    purpose: str = Field(max_length=500)
    idempotency_key: str | None = Field(default=None, max_length=200)
    request: str = Field(max_length=1000, description="method, path and query of the request")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    day: date = Field(description="the UTC day, for reports")
    duration_ms: int = Field(default=0)


class QuotaCounter(SQLModel, table=True):
    """Uses of an agreement so far and its limit (the ODRL `count` constraint), consumed atomically."""

    __tablename__ = "quota_counter"

    agreement_id: str = Field(foreign_key="agreement.id", primary_key=True, max_length=36, ondelete="CASCADE")
    used: int = Field(default=0)
    max_uses: int | None = Field(default=None, description="None: no count limit")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AccessRefusal(SQLModel, table=True):
    """A data request the gateway refused, and why."""

    __tablename__ = "access_refusal"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    agreement_id: str | None = Field(default=None, max_length=36, index=True)
    consumer_org_id: str | None = Field(default=None, max_length=36, index=True)
    client_id: str | None = Field(default=None, max_length=64)
    reason: str = Field(max_length=64, description="a Problem type slug, e.g. quota-exhausted")
    detail: str = Field(max_length=2000)
    request: str = Field(max_length=1000)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
