"""A provider's statement for a month: every share it earned or gave back on that month's invoices,
each explained from the usage billed and the rule that gave it; totals per currency; what was paid out.

Each line names the invoice (agreement, consumer, what its lines counted), the payment or refund, the
path down the lineage from the product paid for to the provider's dataset, the rule and the exact
fraction of the amount it split. As JSON, CSV and a page.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from ..errors import not_found
from ..models import Invoice, InvoiceLine, Organization, RevenueShare, Role
from .actors import Actor, require_role
from .billing_periods import Period

CSV_COLUMNS = (
    "invoice_id",
    "agreement_id",
    "consumer_org_id",
    "product_dataset_id",
    "dataset_id",
    "path",
    "kind",
    "rule",
    "weight",
    "of_minor",
    "amount_minor",
    "currency",
    "paid_out",
    "usage",
)


@dataclass
class Statement:
    """A provider's shares on one month's invoices."""

    org: Organization
    period: Period
    lines: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, dict[str, int]] = field(default_factory=dict)


def provider_statement(session: Session, actor: Actor, org_id: str, period: Period) -> Statement:
    """The statement of `org_id` for `period`, for its finance or admin members and the operator."""
    org = session.get(Organization, org_id)
    if org is None or (not actor.is_operator and actor.org_id != org_id):
        raise not_found("organisation", org_id)
    require_role(session, actor, org.id, Role.FINANCE, Role.ADMIN)
    rows = session.exec(
        select(RevenueShare, Invoice)
        .join(Invoice, col(Invoice.id) == RevenueShare.invoice_id)
        .where(RevenueShare.org_id == org.id, RevenueShare.period == period.label)
        .order_by(col(Invoice.issued_at), col(Invoice.id), col(RevenueShare.at), col(RevenueShare.position))
    ).all()
    usage = _usage_of(session, list({invoice.id for _, invoice in rows}))
    statement = Statement(org, period)
    for share, invoice in rows:
        kind = "reversal" if share.refund_id else "share"
        statement.lines.append(
            {
                "invoice_id": invoice.id,
                "agreement_id": invoice.agreement_id,
                "consumer_org_id": invoice.consumer_org_id,
                "product_dataset_id": invoice.dataset_id,
                "invoice_total_minor": invoice.total_minor,
                "fee_basis_points": invoice.fee_basis_points,
                "dataset_id": share.dataset_id,
                "path": list(share.path),
                "kind": kind,
                "rule": share.rule,
                "weight": share.weight,
                "of_minor": share.of_minor,
                "amount_minor": share.amount_minor,
                "currency": share.currency,
                "payment_id": share.payment_id,
                "refund_id": share.refund_id,
                "payout_id": share.payout_id,
                "usage": usage.get(invoice.id, ""),
                "explanation": _explain(share, invoice),
            }
        )
        totals = statement.totals.setdefault(
            share.currency, {"earned": 0, "reversed": 0, "net": 0, "paid_out": 0}
        )
        totals["earned" if kind == "share" else "reversed"] += share.amount_minor
        totals["net"] += share.amount_minor
        if share.payout_id:
            totals["paid_out"] += share.amount_minor
    return statement


def to_output(statement: Statement) -> dict[str, Any]:
    """The API's view of a statement (the shape of ``StatementOut``)."""
    return {
        "org_id": statement.org.id,
        "org_name": statement.org.name,
        "period": statement.period.label,
        "lines": statement.lines,
        "totals": [{"currency": c, **t} for c, t in sorted(statement.totals.items())],
    }


def to_csv(statement: Statement) -> str:
    """The statement's lines as CSV, with a header row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for line in statement.lines:
        row = {**line, "path": " > ".join(line["path"]), "paid_out": "yes" if line["payout_id"] else "no"}
        writer.writerow([row[name] for name in CSV_COLUMNS])
    return out.getvalue()


def csv_filename(statement: Statement) -> str:
    """Whose statement and which month."""
    return f"statement-{statement.org.id}-{statement.period.label}.csv"


def _explain(share: RevenueShare, invoice: Invoice) -> str:
    """One sentence: the fraction of which amount, by which rule, down which path."""
    steps = " > ".join(share.path)
    if share.refund_id:
        return f"{share.rule}: {share.weight} of the refund of {share.of_minor} taken back ({steps})"
    return (
        f"{share.weight} of {share.of_minor} by {share.rule} ({steps}); invoice {invoice.id} of "
        f"{invoice.total_minor} {invoice.currency}, node fee {invoice.fee_basis_points / 100:g}%"
    )


def _usage_of(session: Session, invoice_ids: list[str]) -> dict[str, str]:
    """What each invoice's lines counted, e.g. ``20 call at 50 (30 events, 2026-11-01..2026-11-04)``."""
    found: dict[str, list[str]] = {}
    if not invoice_ids:
        return {}
    lines = session.exec(
        select(InvoiceLine)
        .where(col(InvoiceLine.invoice_id).in_(invoice_ids))
        .order_by(col(InvoiceLine.invoice_id), col(InvoiceLine.position))
    )
    for line in lines:
        what = f"{line.quantity} {line.unit or line.kind} at {line.unit_price_minor} = {line.amount_minor}"
        if line.events:
            what += f" ({line.events} events, {line.first_day}..{line.last_day})"
        found.setdefault(line.invoice_id, []).append(what)
    return {invoice_id: "; ".join(parts) for invoice_id, parts in found.items()}
