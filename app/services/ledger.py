"""Posting to the double-entry ledger and proving it balances.

Every movement is one transaction whose entries' debits equal its credits in each currency; its key
names what it records (``invoice:<id>``, ``payment:<id>``, ``share:<payment id>``, ``refund:<id>``,
``payout:<id>``) and is unique, so nothing is posted twice. ``check`` proves, with a few GROUP BY
queries, that every transaction and the whole ledger balance, that no account is on its wrong side,
and that each account agrees with the billing records it summarises.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from ..models import Invoice, LedgerEntry, LedgerTransaction, Payment, Payout, Refund, RevenueShare
from ..models.base import new_id, utcnow

#: Accounts whose balance is normally a debit (assets); the others are normally credits.
DEBIT_NORMAL = ("receivable", "cash")
#: Accounts that can never be on their wrong side. A provider's payable may be: a refund after a
#: payout leaves the provider owing the node, recovered from its next payouts.
NEVER_REVERSED = ("receivable", "clearing", "fee")


@dataclass(frozen=True)
class Entry:
    """One side of a posting: `amount` > 0 debits the account, < 0 credits it."""

    account: str
    amount: int
    org_id: str | None = None
    invoice_id: str | None = None


@dataclass(frozen=True)
class Posting:
    """A transaction to post: its unique key, kind, memo, currency and entries."""

    key: str
    kind: str
    memo: str
    currency: str
    entries: Sequence[Entry]


def post(session: Session, postings: Iterable[Posting]) -> int:
    """Post balanced transactions with two bulk inserts; how many were posted."""
    transactions: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    at = utcnow()
    for posting in postings:
        if sum(e.amount for e in posting.entries) != 0:
            raise ValueError(f"ledger: {posting.key} does not balance")
        tx_id = new_id()
        transactions.append(
            {"id": tx_id, "key": posting.key, "kind": posting.kind, "memo": posting.memo[:500], "at": at}
        )
        entries += [
            {
                "id": new_id(),
                "transaction_id": tx_id,
                "account": e.account,
                "org_id": e.org_id,
                "currency": posting.currency,
                "debit_minor": max(e.amount, 0),
                "credit_minor": max(-e.amount, 0),
                "invoice_id": e.invoice_id,
            }
            for e in posting.entries
            if e.amount
        ]
    if transactions:
        session.execute(insert(LedgerTransaction), transactions)
    if entries:
        session.execute(insert(LedgerEntry), entries)
    return len(transactions)


def posted(session: Session, key: str) -> bool:
    """Whether a transaction with this key is in the ledger."""
    return session.exec(select(LedgerTransaction.id).where(LedgerTransaction.key == key)).first() is not None


@dataclass(frozen=True)
class Balance:
    """An account's debits, credits and balance (debit minus credit) in one currency."""

    account: str
    org_id: str | None
    currency: str
    debit_minor: int
    credit_minor: int

    @property
    def balance_minor(self) -> int:
        """Debits minus credits."""
        return self.debit_minor - self.credit_minor


@dataclass
class LedgerCheck:
    """What `check` proved and, if anything failed, what."""

    transactions: int = 0
    entries: int = 0
    balances: list[Balance] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every check held."""
        return not self.problems


def balances(session: Session, org_id: str | None = None) -> list[Balance]:
    """Every account's totals per currency (or one organisation's accounts)."""
    query = select(  # type: ignore[call-overload]
        LedgerEntry.account,
        col(LedgerEntry.org_id),
        LedgerEntry.currency,
        func.sum(LedgerEntry.debit_minor),
        func.sum(LedgerEntry.credit_minor),
    ).group_by(LedgerEntry.account, col(LedgerEntry.org_id), LedgerEntry.currency)
    if org_id is not None:
        query = query.where(LedgerEntry.org_id == org_id)
    rows = session.exec(query)
    found = [Balance(a, o, c, int(d), int(cr)) for a, o, c, d, cr in rows]
    return sorted(found, key=lambda b: (b.account, b.org_id or "", b.currency))


def check(session: Session) -> LedgerCheck:
    """Prove the ledger balances: per transaction, as a whole, per account and against the records."""
    result = LedgerCheck()
    result.transactions = session.exec(select(func.count()).select_from(LedgerTransaction)).one()
    result.entries = session.exec(select(func.count()).select_from(LedgerEntry)).one()
    unbalanced = session.exec(
        select(LedgerTransaction.key, LedgerEntry.currency)  # type: ignore[call-overload]
        .join(LedgerEntry, col(LedgerEntry.transaction_id) == LedgerTransaction.id)
        .group_by(LedgerTransaction.key, LedgerEntry.currency)
        .having(func.sum(LedgerEntry.debit_minor) != func.sum(LedgerEntry.credit_minor))
    )
    result.problems += [f"transaction {key} does not balance in {cur}" for key, cur in unbalanced]
    result.balances = balances(session)
    for currency in sorted({b.currency for b in result.balances}):
        debit = sum(b.debit_minor for b in result.balances if b.currency == currency)
        credit = sum(b.credit_minor for b in result.balances if b.currency == currency)
        if debit != credit:
            result.problems.append(f"the ledger does not balance in {currency}: {debit} != {credit}")
    for b in (b for b in result.balances if b.account in NEVER_REVERSED):
        normal = b.balance_minor if b.account in DEBIT_NORMAL else -b.balance_minor
        if normal < 0:
            result.problems.append(f"{_name(b)} is on its wrong side: {b.balance_minor}")
    result.problems += _reconcile(session, result.balances)
    return result


def _name(b: Balance) -> str:
    return f"{b.account}{':' + b.org_id if b.org_id else ''} ({b.currency})"


def _reconcile(session: Session, found: list[Balance]) -> list[str]:
    """Each account against the records it summarises."""
    expected: dict[tuple[str, str | None, str], int] = {}

    def add(account: str, org_id: str | None, currency: str, amount: int) -> None:
        key = (account, org_id, currency)
        expected[key] = expected.get(key, 0) + int(amount)

    issued = select(  # type: ignore[call-overload]
        Invoice.consumer_org_id, Invoice.currency, func.sum(Invoice.total_minor), func.sum(Invoice.paid_minor)
    ).group_by(Invoice.consumer_org_id, Invoice.currency)
    for consumer, currency, total, paid in session.exec(issued):
        add("receivable", consumer, currency, total - paid)  # debit balance: billed, not yet paid
        add("clearing", None, currency, -(total - paid))  # credit balance: billed, not yet distributed
    paid_in = select(Payment.currency, func.sum(Payment.amount_minor)).where(  # type: ignore[call-overload]
        Payment.status == "succeeded"
    )
    for currency, amount in session.exec(paid_in.group_by(Payment.currency)):
        add("cash", None, currency, amount)
    refunded = select(Invoice.currency, func.sum(Refund.amount_minor)).join(  # type: ignore[call-overload]
        Invoice, col(Invoice.id) == Refund.invoice_id
    )
    for currency, amount in session.exec(refunded.group_by(Invoice.currency)):
        add("cash", None, currency, -amount)
    paid_out = select(Payout.org_id, Payout.currency, func.sum(Payout.amount_minor)).where(  # type: ignore[call-overload]
        Payout.status == "paid"
    )
    for payee, currency, amount in session.exec(paid_out.group_by(Payout.org_id, Payout.currency)):
        add("cash", None, currency, -amount)
        add("payable", payee, currency, amount)
    shares = select(  # type: ignore[call-overload]
        RevenueShare.role, RevenueShare.org_id, RevenueShare.currency, func.sum(RevenueShare.amount_minor)
    ).group_by(RevenueShare.role, col(RevenueShare.org_id), RevenueShare.currency)
    for role, receiver, currency, amount in session.exec(shares):
        add("fee" if role == "fee" else "payable", None if role == "fee" else receiver, currency, -amount)
    have = {(b.account, b.org_id, b.currency): b.balance_minor for b in found}
    problems = []
    for key in sorted(expected.keys() | have.keys(), key=lambda k: (k[0], k[1] or "", k[2])):
        want, got = expected.get(key, 0), have.get(key, 0)
        if want != got:
            owner = f":{key[1]}" if key[1] else ""
            problems.append(f"{key[0]}{owner} ({key[2]}) is {got} but the records say {want}")
    return problems
