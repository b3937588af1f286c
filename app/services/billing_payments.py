"""Collecting invoices through Stripe, and refunds: the customer per consumer organisation, one
PaymentIntent per collection attempt, refunds that reverse the revenue shares.

Every call that creates something at Stripe carries an idempotency key derived from our ids
(``org:<id>:customer``, ``invoice:<id>:payment:<attempt>``, ``invoice:<id>:refund:<n>``), so a retried
command or request never charges or refunds twice. The Stripe client is passed in as a function that
builds it (from the node's settings), called only once there is something to ask Stripe.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel, col, select

from ..errors import Problem, conflict, field_error, not_found
from ..models import BillingProfile, Invoice, InvoiceStatus, Organization, Payment, Refund, Role
from ..models.base import new_id, utcnow
from ..payments import CardError, StripeClient, StripeError
from . import revenue
from .actors import Actor, require_operator, require_role

#: PaymentIntent states after which another attempt may be made (or none is needed).
SETTLED = ("succeeded", "failed", "canceled")


def stripe_client(config: Mapping[str, Any]) -> StripeClient:
    """The node's Stripe client, or a 503 when payments are not configured."""
    try:
        return StripeClient.from_settings(config)
    except ValueError as error:
        raise Problem(503, str(error), slug="payments-not-configured") from None


def set_profile(
    session: Session, actor: Actor, org_id: str, payment_method: str | None, stripe_account: str | None
) -> BillingProfile:
    """An organisation's payment method (consumers) or connected account for payouts (providers)."""
    org = session.get(Organization, org_id)
    if org is None:
        raise not_found("organisation", org_id)
    require_role(session, actor, org.id, Role.FINANCE, Role.ADMIN)
    if payment_method is not None and not payment_method.startswith("pm_"):
        raise field_error("payment_method", "a Stripe payment method id, pm_...")
    if stripe_account is not None and not stripe_account.startswith("acct_"):
        raise field_error("stripe_account", "a Stripe connected account id, acct_...")
    profile = session.get(BillingProfile, org.id) or BillingProfile(org_id=org.id)
    if payment_method is not None:
        profile.stripe_payment_method_id = payment_method
    if stripe_account is not None:
        profile.stripe_account_id = stripe_account
    profile.updated_at = utcnow()
    session.add(profile)
    session.flush()
    return profile


def ensure_customer(session: Session, client: StripeClient, org: Organization) -> BillingProfile:
    """The consumer organisation's Stripe customer, created once."""
    profile = session.get(BillingProfile, org.id) or BillingProfile(org_id=org.id)
    if profile.stripe_customer_id is None:
        customer = client.create_customer(
            idempotency_key=f"org:{org.id}:customer",
            name=org.name,
            email=org.email,
            metadata={"organization": org.id},
        )
        profile.stripe_customer_id = str(customer["id"])
        session.add(profile)
        session.flush()
    return profile


def collect(session: Session, actor: Actor, stripe: Callable[[], StripeClient], invoice_id: str) -> Payment:
    """Charge an open invoice to its consumer's payment method with a confirmed PaymentIntent."""
    require_operator(session, actor)
    invoice = session.get(Invoice, invoice_id, with_for_update=True)
    if invoice is None:
        raise not_found("invoice", invoice_id)
    if invoice.status != InvoiceStatus.OPEN.value:
        raise conflict(f"the invoice is {invoice.status}, not open")
    pending = session.exec(
        select(Payment.stripe_payment_intent_id).where(
            Payment.invoice_id == invoice.id, col(Payment.status).not_in(SETTLED)
        )
    ).first()
    if pending is not None:
        raise conflict(f"payment {pending} of this invoice is still in progress; its webhook will settle it")
    consumer = session.get(Organization, invoice.consumer_org_id)
    assert consumer is not None
    client = stripe()
    profile = ensure_customer(session, client, consumer)
    attempt = (
        1
        + session.exec(
            select(func.count()).select_from(Payment).where(Payment.invoice_id == invoice.id)
        ).one()
    )
    amount = invoice.total_minor - invoice.paid_minor
    try:
        intent = client.create_payment_intent(
            amount=amount,
            currency=invoice.currency,
            customer=profile.stripe_customer_id,
            payment_method=profile.stripe_payment_method_id,
            confirm=profile.stripe_payment_method_id is not None or None,
            off_session=profile.stripe_payment_method_id is not None or None,
            metadata={"invoice": invoice.id, "period": invoice.period, "attempt": str(attempt)},
            idempotency_key=f"invoice:{invoice.id}:payment:{attempt}",
        )
    except CardError as declined:
        failed = declined.error.get("payment_intent") or {}
        payment = Payment(
            invoice_id=invoice.id,
            stripe_payment_intent_id=str(failed.get("id") or f"declined:{invoice.id}:{attempt}"),
            amount_minor=amount,
            currency=invoice.currency,
            status="failed",
            failure_reason=declined.message[:1000],
        )
        session.add(payment)
        session.flush()
        return payment
    except StripeError as error:
        raise Problem(
            502, f"Stripe refused the payment: {error.message}", slug="payment-provider-error"
        ) from None
    payment = Payment(
        invoice_id=invoice.id,
        stripe_payment_intent_id=str(intent["id"]),
        amount_minor=amount,
        currency=invoice.currency,
        status=str(intent["status"]),
    )
    session.add(payment)
    session.flush()
    if payment.status == "succeeded":
        revenue.payment_succeeded(session, payment)
    return payment


def collect_open(
    session: Session, actor: Actor, stripe: Callable[[], StripeClient], period: str | None = None
) -> list[Payment]:
    """Collect every open invoice (of a period) whose consumer has a payment method on file."""
    require_operator(session, actor)
    query = (
        select(Invoice.id)
        .join(BillingProfile, col(BillingProfile.org_id) == Invoice.consumer_org_id)
        .where(
            Invoice.status == InvoiceStatus.OPEN.value,
            col(BillingProfile.stripe_payment_method_id).is_not(None),
        )
    )
    if period is not None:
        query = query.where(Invoice.period == period)
    return [
        collect(session, actor, stripe, invoice_id) for invoice_id in session.exec(query.order_by(Invoice.id))
    ]


def refund(
    session: Session,
    actor: Actor,
    stripe: Callable[[], StripeClient],
    invoice_id: str,
    amount_minor: int | None = None,
) -> Refund:
    """Give back some or all of an invoice's payment; the shares are reversed in proportion."""
    require_operator(session, actor)
    invoice = session.get(Invoice, invoice_id, with_for_update=True)
    if invoice is None:
        raise not_found("invoice", invoice_id)
    payment = session.exec(
        select(Payment)
        .where(Payment.invoice_id == invoice.id, Payment.status == "succeeded")
        .order_by(col(Payment.succeeded_at).desc())
    ).first()
    if payment is None:
        raise conflict("the invoice has no successful payment to refund")
    refunded = session.exec(
        select(func.coalesce(func.sum(Refund.amount_minor), 0)).where(Refund.payment_id == payment.id)
    ).one()
    left = payment.amount_minor - int(refunded)
    amount = left if amount_minor is None else amount_minor
    if not 0 < amount <= left:
        raise field_error("amount_minor", f"between 1 and the {left} not yet refunded")
    count = session.exec(
        select(func.count()).select_from(Refund).where(Refund.invoice_id == invoice.id)
    ).one()
    try:
        answer = stripe().create_refund(
            payment_intent=payment.stripe_payment_intent_id,
            amount=amount,
            metadata={"invoice": invoice.id},
            idempotency_key=f"invoice:{invoice.id}:refund:{count + 1}",
        )
    except StripeError as error:
        raise Problem(
            502, f"Stripe refused the refund: {error.message}", slug="payment-provider-error"
        ) from None
    return record_refund(session, payment, str(answer["id"]), int(answer["amount"]))


def record_refund(session: Session, payment: Payment, stripe_refund_id: str, amount_minor: int) -> Refund:
    """A refund Stripe made, recorded once (by its id) with its reversal of the shares."""
    values = {
        "id": new_id(),
        "payment_id": payment.id,
        "invoice_id": payment.invoice_id,
        "stripe_refund_id": stripe_refund_id,
        "amount_minor": amount_minor,
        "created_at": utcnow(),
    }
    made = insert_once(session, Refund, values, "stripe_refund_id")  # the webhook may have been first
    row = session.exec(select(Refund).where(Refund.stripe_refund_id == stripe_refund_id)).one()
    if made:
        revenue.refund_recorded(session, row)
    return row


def insert_once(session: Session, model: type[SQLModel], values: dict[str, Any], key: str = "id") -> bool:
    """Insert a row unless one with the same unique `key` exists; whether this call inserted it.

    ``INSERT … ON CONFLICT DO NOTHING``: a concurrent insert of the same key waits for the other
    transaction and then does nothing, on PostgreSQL as on SQLite (where the first write takes the
    database's write lock until the unit of work ends).
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = model.__table__  # type: ignore[attr-defined]
    statement = insert(table).values(**values).on_conflict_do_nothing(index_elements=[key])
    return session.execute(statement.returning(table.c[key])).first() is not None
