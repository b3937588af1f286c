"""Invoices as their consumer, their provider and the operator read them: lines, payments, refunds, and
the usage events behind the lines."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from ..errors import field_error, not_found
from ..models import Invoice, InvoiceLine, Payment, Refund, Role, UsageEvent
from .actors import Actor, require_role
from .billing_periods import parse_period

ROLES = ("consumer", "provider", "operator")


def list_invoices(session: Session, actor: Actor, role: str, period: str | None = None) -> list[Invoice]:
    """The invoices the actor's organisation received (consumer) or was billed for (provider); all for
    the operator."""
    query = select(Invoice)
    if role == "operator":
        if not actor.is_operator:
            raise field_error("role", "only the operator lists every invoice", status=403)
    elif role in ("consumer", "provider"):
        require_role(session, actor, actor.org_id, Role.FINANCE, Role.ADMIN)
        party = Invoice.consumer_org_id if role == "consumer" else Invoice.provider_org_id
        query = query.where(party == actor.org_id)
    else:
        raise field_error("role", f"one of {', '.join(ROLES)}")
    if period is not None:
        query = query.where(Invoice.period == parse_period(period).label)
    return list(
        session.exec(query.order_by(col(Invoice.period).desc(), col(Invoice.issued_at), col(Invoice.id)))
    )


def get_invoice(session: Session, actor: Actor, invoice_id: str) -> Invoice:
    """An invoice for its consumer, its provider (finance or admin) or the operator; 404 for others."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise not_found("invoice", invoice_id)
    if actor.is_operator:
        return invoice
    if actor.org_id not in (invoice.consumer_org_id, invoice.provider_org_id):
        raise not_found("invoice", invoice_id)
    require_role(session, actor, actor.org_id, Role.FINANCE, Role.ADMIN)
    return invoice


def lines_of(session: Session, invoice: Invoice) -> list[InvoiceLine]:
    """The invoice's lines in order."""
    query = select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
    return list(session.exec(query.order_by(col(InvoiceLine.position))))


def usage_behind(
    session: Session, actor: Actor, invoice_id: str, offset: int = 0, limit: int = 100
) -> tuple[Invoice, list[UsageEvent]]:
    """The usage events the invoice's usage lines count: its agreement's events in the lines' days."""
    invoice = get_invoice(session, actor, invoice_id)
    period = parse_period(invoice.period)
    query = (
        select(UsageEvent)
        .where(
            UsageEvent.agreement_id == invoice.agreement_id,
            col(UsageEvent.day) >= period.first,
            col(UsageEvent.day) <= period.last,
        )
        .order_by(col(UsageEvent.at), col(UsageEvent.id))
        .offset(offset)
        .limit(limit)
    )
    return invoice, list(session.exec(query))


def to_output(session: Session, invoice: Invoice) -> dict[str, Any]:
    """The API's view of an invoice (the shape of ``InvoiceOut``)."""
    payments = session.exec(
        select(Payment).where(Payment.invoice_id == invoice.id).order_by(col(Payment.created_at))
    ).all()
    refunds = session.exec(
        select(Refund).where(Refund.invoice_id == invoice.id).order_by(col(Refund.created_at))
    ).all()
    return {
        **invoice.model_dump(),
        "lines": [line.model_dump(exclude={"invoice_id"}) for line in lines_of(session, invoice)],
        "payments": [p.model_dump(exclude={"invoice_id"}) for p in payments],
        "refunds": [r.model_dump(exclude={"invoice_id"}) for r in refunds],
    }


def summary(invoice: Invoice) -> dict[str, Any]:
    """An invoice without its lines, for lists."""
    return invoice.model_dump()
