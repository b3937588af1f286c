"""Last month closed and paid: invoices from the metered use, payments, and the providers' shares.

The operator closes the last month that has ended, as `dxnode billing close` would. A demo node talks to
no Stripe account, so each invoice is paid the way a `payment_intent.succeeded` webhook would record it
(a payment with a `pi_demo_…` id): the invoice is paid, its revenue split (the node's fee, the
provider's part and, for the derived index, the Shapley shares of its three inputs' providers) and
the ledger posted. Statements then explain every amount.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from ..models import Invoice, Payment
from ..models.billing import InvoiceStatus
from ..services import revenue
from ..services.billing_periods import close_period, parse_period
from .cast import Cast

OPERATOR_ADMIN = "ops@exchange.example.org"


def previous_month(now: datetime) -> str:
    """The label of the last month that has ended."""
    return (now.date().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def close_and_pay(session: Session, cast: Cast, now: datetime) -> list[str]:
    """Close last month as the operator and pay every invoice it issued; the invoices' ids."""
    period = parse_period(previous_month(now))
    close_period(session, cast.actor(OPERATOR_ADMIN), period, now=now)
    invoices = session.exec(
        select(Invoice).where(Invoice.period == period.label).order_by(col(Invoice.id))
    ).all()
    for invoice in invoices:
        if invoice.total_minor == 0 or invoice.status != InvoiceStatus.OPEN.value:
            continue
        reference = hashlib.sha256(f"demo:{invoice.id}".encode()).hexdigest()[:24]
        payment = Payment(
            invoice_id=invoice.id,
            stripe_payment_intent_id=f"pi_demo_{reference}",
            amount_minor=invoice.total_minor,
            currency=invoice.currency,
            status="processing",
            created_at=now,
        )
        session.add(payment)
        session.flush()
        revenue.payment_succeeded(session, payment)
    return [invoice.id for invoice in invoices]
