"""The double-entry ledger: every movement of money is a transaction of balanced entries.

Accounts are named by a code and, where they belong to one, an organisation:

| code | kind | holds |
|---|---|---|
| `receivable` | asset, per consumer | what a consumer owes on issued invoices |
| `clearing` | liability, the node | billed revenue waiting to be paid and distributed |
| `cash` | asset, the node | money held at the payment provider |
| `fee` | income, the node | the node's fees |
| `payable` | liability, per provider | what the node owes a provider until it is paid out |

Amounts are integer minor units, one side per entry; a transaction's key (e.g. ``invoice:<id>``) is
unique, so posting the same movement twice is refused by the database.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, new_id, utcnow


class LedgerTransaction(SQLModel, table=True):
    """One movement: an invoice issued, a payment, its distribution, a refund, a payout."""

    __tablename__ = "ledger_transaction"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    key: str = Field(max_length=120, unique=True, description="what it records, e.g. payment:<id>")
    kind: str = Field(max_length=24, description="invoice | payment | distribution | refund | payout")
    memo: str = Field(max_length=500)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class LedgerEntry(SQLModel, table=True):
    """One side of a transaction on one account."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint("debit_minor >= 0 AND credit_minor >= 0", name="not_negative"),
        CheckConstraint("(debit_minor = 0) <> (credit_minor = 0)", name="one_side"),
        Index("ix_ledger_entry_account", "account", "org_id", "currency"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    transaction_id: str = Field(
        foreign_key="ledger_transaction.id", index=True, max_length=36, ondelete="RESTRICT"
    )
    account: str = Field(max_length=16, description="receivable | clearing | cash | fee | payable")
    org_id: str | None = Field(default=None, max_length=36, description="whose account; None: the node's")
    currency: str = Field(max_length=3)
    debit_minor: int = Field(default=0)
    credit_minor: int = Field(default=0)
    invoice_id: str | None = Field(default=None, max_length=36, index=True)
