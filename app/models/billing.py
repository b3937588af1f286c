"""Billing: invoices per agreement and month with lines traceable to usage, their payments and refunds,
the revenue shares a payment is split into, payouts to providers, and Stripe's processed events.

Each row that moves money carries the id Stripe knows it by (PaymentIntent, refund, transfer, event) under
a unique constraint, so a retried call or a webhook delivered twice finds the row it already made.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, json_dict, json_list, new_id, utcnow


class InvoiceStatus(StrEnum):
    """An invoice's life: issued and open, paid (or nothing due), refunded in part or in full."""

    OPEN = "open"
    PAID = "paid"
    NOTHING_DUE = "nothing_due"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class BillingProfile(SQLModel, table=True):
    """An organisation's accounts at the payment provider: its customer (consumers) and connected account."""

    __tablename__ = "billing_profile"

    org_id: str = Field(foreign_key="organization.id", primary_key=True, max_length=36, ondelete="CASCADE")
    stripe_customer_id: str | None = Field(default=None, max_length=255, unique=True)
    stripe_payment_method_id: str | None = Field(
        default=None, max_length=255, description="the payment method invoices are charged to"
    )
    stripe_account_id: str | None = Field(
        default=None, max_length=255, description="the connected account payouts are transferred to"
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OfferContribution(SQLModel, table=True):
    """How a derived product's offer shares its revenue with the providers of its inputs."""

    __tablename__ = "offer_contribution"

    offer_id: str = Field(foreign_key="offer.id", primary_key=True, max_length=36, ondelete="CASCADE")
    rule: dict[str, Any] = Field(sa_column=Column(json_dict(), nullable=False))


class BillingPeriod(SQLModel, table=True):
    """A calendar month that has been closed: when, and how many invoices it issued then."""

    __tablename__ = "billing_period"

    period: str = Field(primary_key=True, max_length=7, description="YYYY-MM")
    closed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    invoices: int = Field(default=0, description="invoices issued by the first close")


class Invoice(SQLModel, table=True):
    """What a consumer owes for one agreement in one calendar month, at the offer's prices."""

    __table_args__ = (UniqueConstraint("agreement_id", "period"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    agreement_id: str = Field(foreign_key="agreement.id", index=True, max_length=36, ondelete="RESTRICT")
    offer_id: str = Field(max_length=36)
    dataset_id: str = Field(max_length=36, index=True)
    consumer_org_id: str = Field(max_length=36, index=True)
    provider_org_id: str = Field(max_length=36, index=True)
    period: str = Field(max_length=7, index=True, description="the calendar month, YYYY-MM")
    currency: str = Field(max_length=3)
    total_minor: int
    fee_basis_points: int = Field(description="the node's fee, from the offer when the period closed")
    status: str = Field(max_length=24, index=True)
    paid_minor: int = Field(default=0)
    refunded_minor: int = Field(default=0)
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    due_at: datetime = Field(sa_type=UTCDateTime)
    paid_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class InvoiceLine(SQLModel, table=True):
    """One charge: what was counted (unit, quantity, days, events) at which price, and the amount."""

    __tablename__ = "invoice_line"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    invoice_id: str = Field(foreign_key="invoice.id", index=True, max_length=36, ondelete="CASCADE")
    position: int
    kind: str = Field(max_length=16, description="usage | allowance | subscription | cap")
    unit: str | None = Field(default=None, max_length=16, description="call | record | gb")
    quantity: str = Field(max_length=64, description="exact: an integer or a fraction such as 3/2")
    unit_price_minor: int
    amount_minor: int
    description: str = Field(max_length=500)
    first_day: date | None = Field(default=None, description="the first day of usage counted")
    last_day: date | None = Field(default=None, description="the last day of usage counted")
    events: int = Field(default=0, description="usage events counted, listed by the invoice's events")


class Payment(SQLModel, table=True):
    """An attempt to collect an invoice: a Stripe PaymentIntent and where it stands."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    invoice_id: str = Field(foreign_key="invoice.id", index=True, max_length=36, ondelete="RESTRICT")
    stripe_payment_intent_id: str = Field(max_length=255, unique=True)
    amount_minor: int
    currency: str = Field(max_length=3)
    status: str = Field(max_length=32, description="Stripe's PaymentIntent status")
    failure_reason: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    succeeded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Refund(SQLModel, table=True):
    """Money given back on a payment; its revenue shares are reversed in the same proportion."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    payment_id: str = Field(foreign_key="payment.id", index=True, max_length=36, ondelete="RESTRICT")
    invoice_id: str = Field(max_length=36, index=True)
    stripe_refund_id: str = Field(max_length=255, unique=True)
    amount_minor: int
    reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RevenueShare(SQLModel, table=True):
    """One part of a payment (or, negative, of a refund): the node's fee or a provider's share, and why."""

    __tablename__ = "revenue_share"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    invoice_id: str = Field(foreign_key="invoice.id", index=True, max_length=36, ondelete="RESTRICT")
    payment_id: str = Field(max_length=36, index=True)
    refund_id: str | None = Field(default=None, max_length=36, index=True)
    position: int
    role: str = Field(max_length=16, description="fee | provider")
    org_id: str | None = Field(default=None, max_length=36, index=True, description="None: the node")
    dataset_id: str = Field(max_length=36)
    path: list[str] = Field(sa_column=Column(json_list(), nullable=False), description="product to dataset")
    rule: str = Field(max_length=200)
    weight: str = Field(max_length=64, description="the exact fraction of `of_minor` the rule gives")
    of_minor: int = Field(description="the amount this step split")
    amount_minor: int = Field(description="positive for a payment's share, negative for a refund's")
    currency: str = Field(max_length=3)
    period: str = Field(max_length=7, index=True)
    payout_id: str | None = Field(default=None, max_length=36, index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Payout(SQLModel, table=True):
    """A transfer of a provider's payable balance to its connected account."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    org_id: str = Field(foreign_key="organization.id", index=True, max_length=36, ondelete="RESTRICT")
    currency: str = Field(max_length=3)
    amount_minor: int
    destination: str = Field(max_length=255)
    stripe_transfer_id: str | None = Field(default=None, max_length=255, unique=True)
    status: str = Field(max_length=16, description="pending | paid | failed")
    failure_reason: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StripeEvent(SQLModel, table=True):
    """A webhook event already handled: its id is unique, so a second delivery has no effect."""

    __tablename__ = "stripe_event"

    id: str = Field(primary_key=True, max_length=255)
    type: str = Field(max_length=100)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
