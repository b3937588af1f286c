"""Billing and the ledger from the shell: close a period, collect invoices, pay providers out, check."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import jobs
from ..db import get_session, unit_of_work
from ..errors import Problem
from ..payments import StripeClient
from ..services import billing_payments, billing_periods, ledger
from ..services import billing_payouts as billing_payouts_service
from ..services.actors import Actor
from .common import fail


@click.group("billing")
def billing_group() -> None:
    """Invoices, payments and payouts."""


@billing_group.command("close")
@click.option("--period", required=True, metavar="YYYY-MM", help="the calendar month to close")
@click.option("--queue", "queued", is_flag=True, help="run it as a background job")
@with_appcontext
def billing_close(period: str, queued: bool) -> None:
    """Issue the month's invoices, one per agreement; closing a month again adds nothing."""
    try:
        month = billing_periods.parse_period(period)
        if queued:
            with unit_of_work():
                job = jobs.enqueue(billing_periods.close_period_job, month.label)
            click.echo(f"queued job {job.id} to close {month.label}")
            return
        with unit_of_work() as session:
            result = billing_periods.close_period(session, Actor.node(), month)
    except Problem as exc:
        fail(exc)
        return
    totals = ", ".join(f"{amount} {currency}" for currency, amount in sorted(result.total_minor.items()))
    click.echo(
        f"{result.period}: {len(result.issued)} invoices issued"
        + (f" ({totals} in minor units)" if totals else "")
        + f", {result.existing} already issued"
    )


@billing_group.command("collect")
@click.option("--period", metavar="YYYY-MM", help="only the invoices of this month")
@with_appcontext
def billing_collect(period: str | None) -> None:
    """Charge every open invoice whose consumer has a payment method on file (Stripe PaymentIntents)."""
    try:
        label = billing_periods.parse_period(period).label if period else None
        with unit_of_work() as session:
            payments = billing_payments.collect_open(session, Actor.node(), _stripe, label)
    except Problem as exc:
        fail(exc)
        return
    for payment in payments:
        click.echo(
            f"invoice {payment.invoice_id}: {payment.amount_minor} {payment.currency} {payment.status}"
        )
    click.echo(f"{len(payments)} invoices collected")


@billing_group.command("payouts")
@with_appcontext
def billing_payouts() -> None:
    """Transfer each provider's payable balance to its Stripe connected account."""
    try:
        with unit_of_work() as session:
            payouts = billing_payouts_service.pay_out(session, Actor.node(), _stripe)
    except Problem as exc:
        fail(exc)
        return
    for payout in payouts:
        amount = f"{payout.amount_minor} {payout.currency}"
        click.echo(f"{payout.org_id}: {amount} to {payout.destination} {payout.status}")
    click.echo(f"{len(payouts)} payouts")


def _stripe() -> StripeClient:
    return billing_payments.stripe_client(current_app.config)


@click.group("ledger")
def ledger_group() -> None:
    """The double-entry ledger."""


@ledger_group.command("check")
@with_appcontext
def ledger_check() -> None:
    """Prove every transaction, every account and the whole ledger balance; exit 1 if not."""
    result = ledger.check(get_session())
    for balance in result.balances:
        owner = f":{balance.org_id}" if balance.org_id else ""
        click.echo(
            f"{balance.account}{owner} {balance.currency}: debit {balance.debit_minor}, "
            f"credit {balance.credit_minor}, balance {balance.balance_minor}"
        )
    for problem in result.problems:
        click.echo(f"problem: {problem}", err=True)
    if not result.ok:
        raise SystemExit(1)
    click.echo(f"ledger balances: {result.transactions} transactions, {result.entries} entries")
