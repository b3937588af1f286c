"""Invoices, payments, refunds, payouts, statements and the ledger check as the API takes and returns them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from .common import Strict

PERIOD_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class InvoiceQuery(Strict):
    """Which invoices to list."""

    role: Literal["consumer", "provider", "operator"] = Field(
        "consumer", description="invoices to you, for your data, or (operator) all"
    )
    period: str | None = Field(None, pattern=PERIOD_PATTERN, description="a calendar month, YYYY-MM")


class InvoiceLineOut(BaseModel):
    """One charge and the usage it counts."""

    id: str
    position: int
    kind: str
    unit: str | None
    quantity: str = Field(description="exact: an integer or a fraction such as 3/2")
    unit_price_minor: int
    amount_minor: int
    description: str
    first_day: date | None
    last_day: date | None
    events: int


class PaymentOut(BaseModel):
    """An attempt to collect an invoice."""

    id: str
    stripe_payment_intent_id: str
    amount_minor: int
    currency: str
    status: str
    failure_reason: str | None
    created_at: datetime
    succeeded_at: datetime | None


class RefundOut(BaseModel):
    """Money given back on a payment."""

    id: str
    payment_id: str
    stripe_refund_id: str
    amount_minor: int
    reason: str | None
    created_at: datetime


class InvoiceSummaryOut(BaseModel):
    """An invoice without its lines."""

    id: str
    agreement_id: str
    offer_id: str
    dataset_id: str
    consumer_org_id: str
    provider_org_id: str
    period: str
    currency: str
    total_minor: int
    fee_basis_points: int
    status: str
    paid_minor: int
    refunded_minor: int
    issued_at: datetime
    due_at: datetime
    paid_at: datetime | None


class InvoiceOut(InvoiceSummaryOut):
    """An invoice with its lines, payments and refunds."""

    lines: list[InvoiceLineOut]
    payments: list[PaymentOut]
    refunds: list[RefundOut]


class EventsQuery(Strict):
    """A page of the usage events behind an invoice."""

    offset: int = Field(0, ge=0, le=10_000_000)
    limit: int = Field(100, ge=1, le=1000)


class UsageEventOut(BaseModel):
    """One metered delivery."""

    id: str
    dataset_id: str
    distribution_id: str | None
    mode: str
    units: int
    records: int
    bytes: int
    at: datetime
    day: date


class InvoiceEventsOut(BaseModel):
    """Usage events counted by an invoice's lines."""

    invoice_id: str
    agreement_id: str
    offset: int
    events: list[UsageEventOut]


class CloseOut(BaseModel):
    """What a period close did."""

    period: str
    issued: list[str] = Field(description="ids of the invoices issued now")
    existing: int = Field(description="invoices of the period already issued before")
    total_minor: dict[str, int] = Field(description="the new invoices' totals per currency")


class RefundIn(Strict):
    """How much to refund: all that is left by default."""

    amount_minor: int | None = Field(None, ge=1)


class PayoutOut(BaseModel):
    """A transfer of a provider's balance to its connected account."""

    id: str
    org_id: str
    currency: str
    amount_minor: int
    destination: str
    stripe_transfer_id: str | None
    status: str
    failure_reason: str | None
    created_at: datetime


class BillingProfileIn(Strict):
    """Your organisation's payment method (consumers) or connected account for payouts (providers)."""

    payment_method: str | None = Field(None, min_length=4, max_length=255, description="pm_...")
    stripe_account: str | None = Field(None, min_length=6, max_length=255, description="acct_...")


class BillingProfileOut(BaseModel):
    """An organisation's accounts at Stripe."""

    org_id: str
    stripe_customer_id: str | None
    stripe_payment_method_id: str | None
    stripe_account_id: str | None


class StatementQuery(Strict):
    """Whose statement: your organisation's, or (operator) any provider's."""

    org_id: str | None = Field(None, max_length=36)


class StatementLineOut(BaseModel):
    """One share earned or given back, and why."""

    invoice_id: str
    agreement_id: str
    consumer_org_id: str
    product_dataset_id: str
    invoice_total_minor: int
    fee_basis_points: int
    dataset_id: str
    path: list[str] = Field(description="from the product paid for down to this provider's dataset")
    kind: Literal["share", "reversal"]
    rule: str
    weight: str = Field(description="the exact fraction of `of_minor` this part is")
    of_minor: int
    amount_minor: int
    currency: str
    payment_id: str
    refund_id: str | None
    payout_id: str | None
    usage: str = Field(description="what the invoice's lines counted")
    explanation: str


class StatementTotalOut(BaseModel):
    """A statement's sums in one currency."""

    currency: str
    earned: int
    reversed: int
    net: int
    paid_out: int


class StatementOut(BaseModel):
    """A provider's shares on one month's invoices."""

    org_id: str
    org_name: str
    period: str
    lines: list[StatementLineOut]
    totals: list[StatementTotalOut]


class BalanceOut(BaseModel):
    """One account's totals in one currency."""

    account: str
    org_id: str | None
    currency: str
    debit_minor: int
    credit_minor: int
    balance_minor: int


class LedgerCheckOut(BaseModel):
    """Whether every transaction, every account and the whole ledger balance."""

    ok: bool
    transactions: int
    entries: int
    balances: list[BalanceOut]
    problems: list[str]
