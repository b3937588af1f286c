"""Period close: a month of usage becomes one invoice per agreement, and closing it again adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from app import jobs
from app.db import get_session, unit_of_work
from app.models import Invoice, InvoiceLine, LedgerEntry, LedgerTransaction
from app.services import billing_periods, ledger
from app.services.actors import Actor

from .conftest import month_before

FREE_TEN = {"model": "per_call", "currency": "CNY", "price_minor": 50, "free_allowance": 10}


def counts(app) -> tuple[int, int, int, int]:
    with app.app_context():
        session = get_session()
        return tuple(  # type: ignore[return-value]
            session.exec(select(func.count()).select_from(table)).one()
            for table in (Invoice, InvoiceLine, LedgerTransaction, LedgerEntry)
        )


def lines_of(app, agreement_id: str) -> tuple[Invoice, list[InvoiceLine]]:
    with app.app_context():
        session = get_session()
        invoice = session.exec(select(Invoice).where(Invoice.agreement_id == agreement_id)).one()
        lines = session.exec(
            select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.position)
        ).all()
        return invoice, list(lines)


def test_closing_a_month_bills_its_usage_and_closing_it_again_changes_nothing(
    app, runner, make_agreement, record_use, last_month
):
    agreement = make_agreement(pricing=FREE_TEN)
    record_use(agreement, last_month.first, 12)
    record_use(agreement, last_month.first + timedelta(days=3), 18)
    record_use(agreement, last_month.last + timedelta(days=1), 5)  # this month: not in the period

    closed = runner.invoke(args=["billing", "close", "--period", last_month.label])
    assert closed.exit_code == 0, closed.output
    said = f"{last_month.label}: 1 invoices issued (1000 CNY in minor units), 0 already issued"
    assert said in closed.output
    invoice, lines = lines_of(app, agreement["id"])
    assert (invoice.total_minor, invoice.status, invoice.currency) == (1000, "open", "CNY")
    assert [(line.kind, line.quantity, line.unit_price_minor, line.amount_minor) for line in lines] == [
        ("allowance", "10", 0, 0),
        ("usage", "20", 50, 1000),
    ]
    usage = lines[1]
    assert (usage.first_day, usage.last_day, usage.events) == (
        last_month.first,
        last_month.first + timedelta(days=3),
        30,
    )
    before = counts(app)
    assert before == (1, 2, 1, 2)

    again = runner.invoke(args=["billing", "close", "--period", last_month.label])
    assert again.exit_code == 0, again.output
    assert "0 invoices issued, 1 already issued" in again.output
    assert counts(app) == before


def test_a_month_not_yet_ended_or_badly_written_is_refused_naming_the_option(runner):
    this_month = f"{datetime.now(UTC):%Y-%m}"
    for period, reason in ((this_month, "has not ended yet"), ("2026-13", "YYYY-MM")):
        result = runner.invoke(args=["billing", "close", "--period", period])
        assert result.exit_code == 2
        assert "period: " in result.output
        assert reason in result.output


def test_subscriptions_tiers_caps_and_free_plans_each_price_their_month(app, make_agreement, record_use):
    monthly = make_agreement(
        template="api-subscription",
        pricing={"model": "subscription", "currency": "CNY", "price_minor": 90_000, "period": "P1M"},
        delivery_modes=["records"],
        max_uses=None,
    )
    tiered = make_agreement(
        pricing={
            "model": "tiered",
            "currency": "EUR",
            "unit": "record",
            "tiers": [{"up_to": 100, "unit_price_minor": 10}, {"unit_price_minor": 4}],
            "monthly_cap_minor": 1500,
        }
    )
    free = make_agreement(pricing={"model": "free", "currency": "CNY"}, template="standard-data-licence")
    today = datetime.now(UTC).date()
    this_month = billing_periods.parse_period(f"{today:%Y-%m}")
    record_use(tiered, today, 3, records=100)  # 300 records: 100 at 10, 200 at 4 = 1800, capped at 1500
    record_use(free, today, 2)
    after_the_month = this_month.end + timedelta(hours=1)
    with app.app_context(), unit_of_work() as session:
        result = billing_periods.close_period(session, Actor.node(), this_month, now=after_the_month)
    assert sorted(result.total_minor.items()) == [("CNY", 90_000), ("EUR", 1500)]
    invoice, lines = lines_of(app, monthly["id"])
    assert [(line.kind, line.amount_minor) for line in lines] == [("subscription", 90_000)]
    invoice, lines = lines_of(app, tiered["id"])
    assert [(line.kind, line.quantity, line.amount_minor) for line in lines] == [
        ("usage", "100", 1000),
        ("usage", "200", 800),
        ("cap", "1", -300),
    ]
    invoice, lines = lines_of(app, free["id"])
    assert (invoice.total_minor, invoice.status) == (0, "nothing_due")
    assert [(line.quantity, line.amount_minor, line.events) for line in lines] == [("2", 0, 2)]
    with app.app_context():
        assert ledger.check(get_session()).ok


def test_a_queued_close_runs_as_a_job_after_its_caller_commits(app, runner, make_agreement, record_use):
    earlier = month_before(month_before(datetime.now(UTC).date()).first)
    agreement = make_agreement(pricing=FREE_TEN)
    record_use(agreement, earlier.last, 11)
    queued = runner.invoke(args=["billing", "close", "--period", earlier.label, "--queue"])
    assert queued.exit_code == 0, queued.output
    assert f"to close {earlier.label}" in queued.output
    with app.app_context(), unit_of_work():
        job = jobs.enqueue(billing_periods.close_period_job, earlier.label)
    assert job.wait() == {"period": earlier.label, "issued": 0, "existing": 1}  # the CLI's job ran first
    invoice, _ = lines_of(app, agreement["id"])
    assert (invoice.period, invoice.total_minor) == (earlier.label, 50)


def test_only_the_operator_closes_a_period(app, consumer):
    from app.errors import Problem
    from app.models import Organization, User

    with app.app_context():
        session = get_session()
        user = session.get(User, consumer.user.id)
        org = session.get(Organization, consumer.org.id)
        actor = Actor.for_user(user, org, frozenset({"billing:read"}))
        with pytest.raises(Problem) as refused:
            billing_periods.close_period(session, actor, billing_periods.parse_period("2020-01"))
    assert refused.value.status == 403


def test_the_scheduler_queues_last_months_close_once_it_is_an_hour_over(app, make_agreement, record_use):
    agreement = make_agreement(pricing=FREE_TEN)
    record_use(agreement, datetime(2026, 4, 30, tzinfo=UTC).date(), 12)
    with app.app_context(), unit_of_work():
        billing_periods.queue_due_close(now=datetime(2026, 5, 1, 0, 30, tzinfo=UTC))  # too early
    assert counts(app)[0] == 0
    with app.app_context(), unit_of_work():
        billing_periods.queue_due_close(now=datetime(2026, 5, 1, 1, 30, tzinfo=UTC))
        marker = jobs.enqueue(billing_periods.plan_of, {"model": "free", "currency": "CNY"})
    marker.wait()  # jobs run in order: the close queued before it has run
    invoice, _ = lines_of(app, agreement["id"])
    assert (invoice.period, invoice.total_minor) == ("2026-04", 100)
    with app.app_context():
        from app.models.billing import BillingPeriod

        closed = get_session().get(BillingPeriod, "2026-04")
        assert closed is not None
        assert closed.invoices == 1
