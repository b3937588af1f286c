"""What a payment does to the books: the invoice is paid, its revenue is split, the ledger records both;
and what a refund undoes: the same shares, reversed in proportion.

A payment's parts come from ``settlement.distribute`` over the product's contributors (the node's fee at
the invoice's rate, then the providers' shares down the lineage, by each offer's rule) and are stored
as revenue shares, each with the rule, weight and amount that explain it. Applying the same payment
twice does nothing the second time: the payment's status and the ledger's unique keys both say so.
"""

from __future__ import annotations

from fractions import Fraction

from sqlmodel import Session, col, select

from settlement import distribute
from settlement.contribution import Part, reverse

from ..models import Invoice, InvoiceStatus, Offer, Payment, Refund, RevenueShare
from ..models.base import utcnow
from . import ledger
from .billing_periods import parse_period
from .revenue_rules import contributors


def payment_succeeded(session: Session, payment: Payment) -> bool:
    """Record a payment's success: the invoice paid, the shares split, the ledger posted. False if done."""
    invoice = session.get(Invoice, payment.invoice_id, with_for_update=True)  # one payment applied at a time
    assert invoice is not None
    if ledger.posted(session, f"payment:{payment.id}"):
        return False
    payment.status, payment.succeeded_at = "succeeded", payment.succeeded_at or utcnow()
    invoice.paid_minor += payment.amount_minor
    if invoice.paid_minor >= invoice.total_minor:
        invoice.status, invoice.paid_at = InvoiceStatus.PAID.value, payment.succeeded_at
    session.add_all([payment, invoice])
    parts = split(session, invoice, payment.amount_minor)
    session.add_all(
        RevenueShare(
            invoice_id=invoice.id,
            payment_id=payment.id,
            position=position,
            role=part.role,
            org_id=part.org_id,
            dataset_id=part.dataset_id,
            path=list(part.path),
            rule=part.rule,
            weight=str(part.weight),
            of_minor=part.of_minor,
            amount_minor=part.amount_minor,
            currency=invoice.currency,
            period=invoice.period,
        )
        for position, part in enumerate(parts)
    )
    ledger.post(session, [_received(invoice, payment), _distributed(invoice, payment, parts)])
    session.flush()
    return True


def split(session: Session, invoice: Invoice, amount_minor: int) -> list[Part]:
    """The parts of `amount_minor` paid on `invoice`: the node's fee, then each provider's share."""
    offer = session.get(Offer, invoice.offer_id)
    assert offer is not None
    period = parse_period(invoice.period)
    return distribute(
        amount_minor, invoice.fee_basis_points, contributors(session, offer, period.first, period.last)
    )


def refund_recorded(session: Session, refund: Refund) -> list[RevenueShare]:
    """Reverse a refund's part of each share of its payment, and post it; the reversing shares."""
    invoice = session.get(Invoice, refund.invoice_id, with_for_update=True)
    assert invoice is not None
    shares = list(
        session.exec(
            select(RevenueShare)
            .where(RevenueShare.payment_id == refund.payment_id, col(RevenueShare.refund_id).is_(None))
            .order_by(col(RevenueShare.position))
        )
    )
    already = session.exec(
        select(RevenueShare).where(
            RevenueShare.payment_id == refund.payment_id, col(RevenueShare.refund_id).is_not(None)
        )
    ).all()
    left = [s.amount_minor + sum(r.amount_minor for r in already if r.position == s.position) for s in shares]
    taken = reverse(
        [_as_part(s, amount) for s, amount in zip(shares, left, strict=True)], refund.amount_minor
    )
    reversals = [
        RevenueShare(
            invoice_id=s.invoice_id,
            payment_id=s.payment_id,
            refund_id=refund.id,
            position=s.position,
            role=s.role,
            org_id=s.org_id,
            dataset_id=s.dataset_id,
            path=list(s.path),
            rule=f"refund of {refund.amount_minor}: {s.rule}",
            weight=str(Fraction(amount, refund.amount_minor) if refund.amount_minor else 0),
            of_minor=refund.amount_minor,
            amount_minor=-amount,
            currency=s.currency,
            period=s.period,
        )
        for s, amount in zip(shares, taken, strict=True)
    ]
    session.add_all(reversals)
    invoice.refunded_minor += refund.amount_minor
    refunded_all = invoice.refunded_minor >= invoice.paid_minor
    invoice.status = (InvoiceStatus.REFUNDED if refunded_all else InvoiceStatus.PARTIALLY_REFUNDED).value
    session.add(invoice)
    entries = [ledger.Entry("cash", -refund.amount_minor, None, invoice.id)]
    entries += [
        ledger.Entry("fee" if r.role == "fee" else "payable", -r.amount_minor, r.org_id, invoice.id)
        for r in reversals
    ]
    memo = f"refund {refund.stripe_refund_id} of invoice {invoice.id}"
    ledger.post(session, [ledger.Posting(f"refund:{refund.id}", "refund", memo, invoice.currency, entries)])
    session.flush()
    return reversals


def _as_part(share: RevenueShare, amount: int) -> Part:
    return Part(share.role, share.org_id, share.dataset_id, amount, tuple(share.path), share.rule)


def _received(invoice: Invoice, payment: Payment) -> ledger.Posting:
    return ledger.Posting(
        f"payment:{payment.id}",
        "payment",
        f"payment {payment.stripe_payment_intent_id} of invoice {invoice.id}",
        invoice.currency,
        [
            ledger.Entry("cash", payment.amount_minor, None, invoice.id),
            ledger.Entry("receivable", -payment.amount_minor, invoice.consumer_org_id, invoice.id),
        ],
    )


def _distributed(invoice: Invoice, payment: Payment, parts: list[Part]) -> ledger.Posting:
    entries = [ledger.Entry("clearing", payment.amount_minor, None, invoice.id)]
    entries += [
        ledger.Entry("fee" if p.role == "fee" else "payable", -p.amount_minor, p.org_id, invoice.id)
        for p in parts
    ]
    return ledger.Posting(
        f"share:{payment.id}", "distribution", f"shares of payment {payment.id}", invoice.currency, entries
    )
