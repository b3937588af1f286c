"""Billing: invoices for consumers, statements for providers, period close, collection, refunds and
payouts for the operator, and the ledger check."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response, current_app

from ..db import get_session
from ..payments import StripeClient
from ..responses import csv_attachment
from ..schemas.billing import (
    BillingProfileIn,
    BillingProfileOut,
    CloseOut,
    EventsQuery,
    InvoiceEventsOut,
    InvoiceOut,
    InvoiceQuery,
    InvoiceSummaryOut,
    LedgerCheckOut,
    PaymentOut,
    PayoutOut,
    RefundIn,
    RefundOut,
    StatementOut,
    StatementQuery,
)
from ..services import (
    billing_invoices,
    billing_payments,
    billing_payouts,
    billing_periods,
    ledger,
    statements,
)
from ..services.actors import Actor, require_operator
from . import bp
from .operations import operation

BILLING = "Billing"


@bp.get("/invoices")
@operation(
    summary="Invoices",
    tag=BILLING,
    scopes=["billing:read"],
    query=InvoiceQuery,
    response=list[InvoiceSummaryOut],
)
def list_invoices(actor: Actor, query: InvoiceQuery) -> list[dict[str, Any]]:
    """Invoices to your organisation (`role=consumer`), for its data (`role=provider`), or every invoice
    (`role=operator`), newest period first; `period` (YYYY-MM) narrows them to one month."""
    found = billing_invoices.list_invoices(get_session(), actor, query.role, query.period)
    return [billing_invoices.summary(i) for i in found]


@bp.get("/invoices/<invoice_id>")
@operation(summary="An invoice", tag=BILLING, scopes=["billing:read"], response=InvoiceOut)
def get_invoice(actor: Actor, invoice_id: str) -> dict[str, Any]:
    """An invoice with its lines (each with the unit, quantity, days and number of usage events it
    counts), its payments and its refunds."""
    session = get_session()
    return billing_invoices.to_output(session, billing_invoices.get_invoice(session, actor, invoice_id))


@bp.get("/invoices/<invoice_id>/events")
@operation(
    summary="The usage behind an invoice",
    tag=BILLING,
    scopes=["billing:read"],
    query=EventsQuery,
    response=InvoiceEventsOut,
)
def invoice_events(actor: Actor, invoice_id: str, query: EventsQuery) -> dict[str, Any]:
    """The usage events its lines count (the agreement's events in the invoice's month), oldest first."""
    invoice, events = billing_invoices.usage_behind(
        get_session(), actor, invoice_id, query.offset, query.limit
    )
    return {
        "invoice_id": invoice.id,
        "agreement_id": invoice.agreement_id,
        "offset": query.offset,
        "events": [e.model_dump() for e in events],
    }


@bp.post("/billing/periods/<period>/close")
@operation(summary="Close a month", tag=BILLING, scopes=["operator"], response=CloseOut, errors={403, 422})
def close_period(actor: Actor, period: str) -> dict[str, Any]:
    """Issue the month's invoices, one per agreement with usage or a fee in it; closing a month again
    issues nothing more (the operator)."""
    result = billing_periods.close_period(get_session(), actor, billing_periods.parse_period(period))
    return asdict(result)


@bp.post("/invoices/<invoice_id>/collect")
@operation(
    summary="Collect an invoice",
    tag=BILLING,
    scopes=["operator"],
    response=PaymentOut,
    status=201,
    errors={409, 502, 503},
)
def collect_invoice(actor: Actor, invoice_id: str) -> Any:
    """Charge an open invoice to its consumer's payment method with a Stripe PaymentIntent; a payment
    that succeeds splits its revenue at once (the operator)."""
    session = get_session()
    require_operator(session, actor)
    return billing_payments.collect(session, actor, _stripe, invoice_id)


@bp.post("/invoices/<invoice_id>/refunds")
@operation(
    summary="Refund an invoice",
    tag=BILLING,
    scopes=["operator"],
    body=RefundIn,
    body_optional=True,
    response=RefundOut,
    status=201,
    errors={409, 502, 503},
)
def refund_invoice(actor: Actor, invoice_id: str, body: RefundIn) -> Any:
    """Give back `amount_minor` (default: all not yet refunded) of the invoice's payment; every revenue
    share is reversed in the same proportion (the operator)."""
    session = get_session()
    require_operator(session, actor)
    return billing_payments.refund(session, actor, _stripe, invoice_id, body.amount_minor)


@bp.post("/payouts")
@operation(
    summary="Pay providers out", tag=BILLING, scopes=["operator"], response=list[PayoutOut], errors={502, 503}
)
def make_payouts(actor: Actor) -> Any:
    """Transfer each provider's payable balance to its connected account (the operator)."""
    session = get_session()
    require_operator(session, actor)
    return billing_payouts.pay_out(session, actor, _stripe)


@bp.get("/payouts")
@operation(summary="Payouts", tag=BILLING, scopes=["billing:read"], response=list[PayoutOut])
def list_payouts(actor: Actor) -> Any:
    """Payouts to your organisation; every payout for the operator."""
    return billing_payouts.list_payouts(get_session(), actor)


@bp.put("/billing/profile")
@operation(
    summary="Your billing profile",
    tag=BILLING,
    scopes=["org:write"],
    body=BillingProfileIn,
    response=BillingProfileOut,
)
def set_profile(actor: Actor, body: BillingProfileIn) -> Any:
    """Set your organisation's payment method for invoices, or its connected account for payouts."""
    return billing_payments.set_profile(
        get_session(), actor, actor.org_id or "", body.payment_method, body.stripe_account
    )


@bp.get("/statements/<period>")
@operation(
    summary="A provider's statement",
    tag=BILLING,
    scopes=["billing:read"],
    query=StatementQuery,
    response=StatementOut,
)
def statement(actor: Actor, period: str, query: StatementQuery) -> dict[str, Any]:
    """Every share your organisation earned or gave back on the month's invoices, each explained from
    the usage billed and the contribution rule; the operator names a provider with `org_id`."""
    return statements.to_output(_statement(actor, period, query))


@bp.get("/statements/<period>.csv")
@operation(
    summary="A provider's statement as CSV",
    tag=BILLING,
    scopes=["billing:read"],
    query=StatementQuery,
    response=str,
    media_type="text/csv",
)
def statement_csv(actor: Actor, period: str, query: StatementQuery) -> Response:
    """The statement's lines as CSV with a header row."""
    found = _statement(actor, period, query)
    return csv_attachment(statements.to_csv(found), statements.csv_filename(found))


@bp.get("/ledger/check")
@operation(summary="Check the ledger", tag=BILLING, scopes=["operator"], response=LedgerCheckOut)
def check_ledger(actor: Actor) -> dict[str, Any]:
    """Whether every transaction, every account and the whole ledger balance, with each account's totals."""
    session = get_session()
    require_operator(session, actor)
    result = ledger.check(session)
    return {
        "ok": result.ok,
        "transactions": result.transactions,
        "entries": result.entries,
        "balances": [{**asdict(b), "balance_minor": b.balance_minor} for b in result.balances],
        "problems": result.problems,
    }


def _statement(actor: Actor, period: str, query: StatementQuery) -> statements.Statement:
    month = billing_periods.parse_period(period)
    org_id = query.org_id or actor.org_id or ""
    return statements.provider_statement(get_session(), actor, org_id, month)


def _stripe() -> StripeClient:
    return billing_payments.stripe_client(current_app.config)
