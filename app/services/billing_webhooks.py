"""Stripe's webhooks at ``/webhooks/stripe``: verified, recorded once, and applied.

A delivery is accepted only with a valid ``Stripe-Signature`` made within the tolerance (see
``app.payments.webhooks``). Its event id is stored under a unique constraint in the same transaction as
its effects, so a delivery repeated (Stripe delivers at least once) is answered 200 and does nothing,
and a delivery whose handling failed is not recorded and will be applied when Stripe tries again.

Handled: ``payment_intent.succeeded`` (the invoice paid and its revenue split),
``payment_intent.payment_failed`` (the attempt marked failed) and ``charge.refunded`` (each refund
recorded once and its shares reversed). Other types are acknowledged and ignored.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from ..errors import Problem
from ..models import Invoice, Payment, StripeEvent
from ..models.base import new_id, utcnow
from ..payments.webhooks import WebhookError, verify
from . import revenue
from .billing_payments import insert_once, record_refund


def receive(
    session: Session, payload: bytes, signature: str | None, secret: str, tolerance: int
) -> dict[str, Any]:
    """Verify, de-duplicate and apply one delivery; what it did."""
    try:
        event = verify(payload, signature, secret, tolerance=tolerance)
    except WebhookError as error:
        raise Problem(400, str(error), slug="invalid-webhook") from None
    event_id, kind = event.get("id"), event.get("type")
    if not isinstance(event_id, str) or not isinstance(kind, str):
        raise Problem(400, "an event has an id and a type", slug="invalid-webhook")
    if not insert_once(session, StripeEvent, {"id": event_id, "type": kind[:100], "received_at": utcnow()}):
        # processed before, or being processed by a delivery at the same moment, which applies it
        return {"id": event_id, "type": kind, "duplicate": True, "outcome": "already processed"}
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    outcome = apply(session, kind, obj if isinstance(obj, dict) else {})
    return {"id": event_id, "type": kind, "duplicate": False, "outcome": outcome}


def apply(session: Session, kind: str, obj: dict[str, Any]) -> str:
    """The effect of one event on our records."""
    if kind == "payment_intent.succeeded":
        payment = _payment(session, obj, create=True)
        if payment is None:
            return "no invoice of ours"
        return (
            "payment recorded" if revenue.payment_succeeded(session, payment) else "payment already recorded"
        )
    if kind == "payment_intent.payment_failed":
        payment = _payment(session, obj, create=True)
        if payment is None or payment.status == "succeeded":
            return "nothing to do"
        error = obj.get("last_payment_error") or {}
        payment.status = "failed"
        payment.failure_reason = str(error.get("message") or "the payment failed")[:1000]
        session.add(payment)
        return "payment failed"
    if kind == "charge.refunded":
        payment = session.exec(
            select(Payment).where(Payment.stripe_payment_intent_id == str(obj.get("payment_intent")))
        ).first()
        if payment is None:
            return "no payment of ours"
        refunds = ((obj.get("refunds") or {}).get("data")) or []
        made = [
            record_refund(session, payment, str(r["id"]), int(r["amount"])) for r in refunds if r.get("id")
        ]
        return f"{len(made)} refunds recorded"
    return "ignored"


def _payment(session: Session, intent: dict[str, Any], create: bool) -> Payment | None:
    """Our payment for a PaymentIntent; one made elsewhere for one of our invoices is recorded now."""
    intent_id = str(intent.get("id"))
    payment = session.exec(select(Payment).where(Payment.stripe_payment_intent_id == intent_id)).first()
    if payment is not None or not create:
        return payment
    invoice_id = (intent.get("metadata") or {}).get("invoice")
    invoice = session.get(Invoice, str(invoice_id)) if invoice_id else None
    if invoice is None:
        return None
    values = {
        "id": new_id(),
        "invoice_id": invoice.id,
        "stripe_payment_intent_id": intent_id,
        "amount_minor": int(intent.get("amount_received") or intent.get("amount") or 0),
        "currency": invoice.currency,
        "status": str(intent.get("status") or "processing"),
        "created_at": utcnow(),
    }
    insert_once(session, Payment, values, "stripe_payment_intent_id")  # another event may have made it
    return session.exec(select(Payment).where(Payment.stripe_payment_intent_id == intent_id)).one()
