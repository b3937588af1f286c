"""Period close: a month of usage becomes one invoice per agreement, at the offer's prices.

The database sums the month's usage events per agreement in one GROUP BY (uses counted, records,
bytes, events, first and last day); the pure ``settlement.pricing`` turns each agreement's sums into
charges; invoices, their lines and their ledger postings are written with bulk inserts. No usage
event is read into Python, so closing a month costs one pass over the month's events.

An invoice is unique per agreement and period: closing a period again finds the invoices already
issued and adds nothing. Only a month that has ended can be closed. The scheduler (``dxnode jobs
tick``) queues the close of the month before once it has been over for ``CLOSE_AFTER``, time enough for
the data plane's usage journal to have written the month's last events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from settlement import Charge, MonthUsage, Plan, Tier, month_charges
from settlement.pricing import month_end

from .. import jobs
from ..errors import field_error
from ..models import Agreement, AgreementStatus, Invoice, InvoiceLine, InvoiceStatus, Offer, UsageEvent
from ..models.base import new_id, utcnow
from ..models.billing import BillingPeriod
from . import ledger
from .actors import Actor, require_operator

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
#: How long after a month's end the scheduler waits before it closes the month.
CLOSE_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Period:
    """A calendar month, YYYY-MM."""

    label: str
    first: date
    last: date

    @property
    def end(self) -> datetime:
        """The first instant after the month (UTC)."""
        return datetime.combine(self.last + timedelta(days=1), time.min, UTC)

    @property
    def start(self) -> datetime:
        """The first instant of the month (UTC)."""
        return datetime.combine(self.first, time.min, UTC)


def parse_period(value: str, field_name: str = "period") -> Period:
    """A YYYY-MM month, or a 422 naming the field."""
    match = _PERIOD.match(value or "")
    if match is None:
        raise field_error(field_name, "a calendar month written YYYY-MM, e.g. 2026-11")
    first = date(int(match.group(1)), int(match.group(2)), 1)
    return Period(value, first, month_end(first))


@dataclass
class CloseResult:
    """What closing a period did: invoices issued now, and those it found already issued."""

    period: str
    issued: list[str] = field(default_factory=list)
    existing: int = 0
    total_minor: dict[str, int] = field(default_factory=dict)


def close_period(session: Session, actor: Actor, period: Period, now: datetime | None = None) -> CloseResult:
    """Issue the invoices of an ended month that are not issued yet (the operator only)."""
    require_operator(session, actor)
    now = now or utcnow()
    if period.end > now:
        raise field_error("period", f"{period.label} has not ended yet; a month is closed after its last day")
    done = set(session.exec(select(Invoice.agreement_id).where(Invoice.period == period.label)))
    usage = _month_usage(session, period)
    result = CloseResult(period.label, existing=len(done))
    invoices: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    postings: list[ledger.Posting] = []
    for row in _billable(session, period, set(usage)):
        if row.id in done:
            continue
        used = usage.get(row.id)
        plan = plan_of(row.pricing)
        charges = month_charges(
            plan,
            used.totals if used else MonthUsage(),
            period.first,
            row.valid_from.date(),
            (row.ended_at or row.valid_until).date(),
        )
        if not charges and used is None:
            continue
        invoice_id = new_id()
        total = sum(c.amount_minor for c in charges)
        invoices.append(
            {
                "id": invoice_id,
                "agreement_id": row.id,
                "offer_id": row.offer_id,
                "dataset_id": row.dataset_id,
                "consumer_org_id": row.consumer_org_id,
                "provider_org_id": row.provider_org_id,
                "period": period.label,
                "currency": plan.currency,
                "total_minor": total,
                "fee_basis_points": row.fee_basis_points,
                "status": InvoiceStatus.OPEN.value if total else InvoiceStatus.NOTHING_DUE.value,
                "paid_minor": 0,
                "refunded_minor": 0,
                "issued_at": now,
                "due_at": now + timedelta(days=int(row.pricing.get("payment_due_days", 30))),
            }
        )
        lines += _lines(invoice_id, charges, used)
        if total:
            postings.append(_issued(invoice_id, row.consumer_org_id, plan.currency, total, period.label))
        result.issued.append(invoice_id)
        result.total_minor[plan.currency] = result.total_minor.get(plan.currency, 0) + total
    if invoices:
        session.execute(insert(Invoice), invoices)
    if lines:
        session.execute(insert(InvoiceLine), lines)
    ledger.post(session, postings)
    if session.get(BillingPeriod, period.label) is None:
        session.add(BillingPeriod(period=period.label, closed_at=now, invoices=len(result.issued)))
        session.flush()
    return result


def close_period_job(label: str) -> dict[str, Any]:
    """The queued form of a period close, run as the node in a unit of work of its own."""
    from ..db import get_session

    result = close_period(get_session(), Actor.node(), parse_period(label))
    return {"period": result.period, "issued": len(result.issued), "existing": result.existing}


@jobs.periodic("billing-close")
def queue_due_close(now: datetime | None = None) -> None:
    """Queue the close of last month once it has been over for `CLOSE_AFTER` and was not closed yet."""
    from ..db import get_session

    now = now or utcnow()
    ended = (now - CLOSE_AFTER).date().replace(day=1) - timedelta(days=1)
    label = f"{ended:%Y-%m}"
    if get_session().get(BillingPeriod, label) is None:
        jobs.enqueue(close_period_job, label, job_id=f"billing-close-{label}")


def plan_of(pricing: dict[str, Any]) -> Plan:
    """The settlement library's plan from an offer's stored pricing."""
    tiers = tuple(Tier(t.get("up_to"), int(t["unit_price_minor"])) for t in pricing.get("tiers") or [])
    return Plan(
        model=pricing["model"],
        currency=pricing.get("currency", "CNY"),
        price_minor=pricing.get("price_minor"),
        period=pricing.get("period"),
        unit=pricing.get("unit"),
        tiers=tiers,
        free_allowance=pricing.get("free_allowance"),
        monthly_cap_minor=pricing.get("monthly_cap_minor"),
    )


@dataclass(frozen=True)
class _Used:
    totals: MonthUsage
    first_day: date
    last_day: date


def _month_usage(session: Session, period: Period) -> dict[str, _Used]:
    """The month's usage per agreement, summed by the database."""
    rows = session.exec(
        select(  # type: ignore[call-overload]
            UsageEvent.agreement_id,
            func.sum(UsageEvent.units),
            func.sum(UsageEvent.records),
            func.sum(UsageEvent.bytes),
            func.count(),
            func.min(UsageEvent.day),
            func.max(UsageEvent.day),
        )
        .where(col(UsageEvent.day) >= period.first, col(UsageEvent.day) <= period.last)
        .group_by(UsageEvent.agreement_id)
    )
    return {
        agreement: _Used(MonthUsage(int(u), int(r), int(b), int(n)), _day(first), _day(last))
        for agreement, u, r, b, n, first, last in rows
    }


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _billable(session: Session, period: Period, used: set[str]) -> list[Any]:
    """Agreements with usage in the month or in force during it, with their offer's pricing and fee."""
    in_force = (
        (col(Agreement.valid_from) < period.end)
        & (col(Agreement.valid_until) >= period.start)
        & (col(Agreement.status) != AgreementStatus.PENDING.value)
    )
    query = (
        select(  # type: ignore[call-overload]
            Agreement.id,
            Agreement.offer_id,
            Agreement.dataset_id,
            Agreement.consumer_org_id,
            Agreement.provider_org_id,
            Agreement.valid_from,
            Agreement.valid_until,
            Agreement.ended_at,
            Offer.pricing,
            Offer.fee_basis_points,
        )
        .join(Offer, col(Offer.id) == Agreement.offer_id)
        .order_by(col(Agreement.id))
    )
    rows = list(session.exec(query.where(in_force)))
    known = {row.id for row in rows}
    missing = sorted(used - known)  # used in the month, though no longer counted as in force
    for start in range(0, len(missing), 500):
        rows += list(session.exec(query.where(col(Agreement.id).in_(missing[start : start + 500]))))
    return rows


def _lines(invoice_id: str, charges: list[Charge], used: _Used | None) -> list[dict[str, Any]]:
    if not charges and used is not None:  # free of charge: the use is still shown
        charges = [Charge("usage", "call", Fraction(used.totals.calls), 0, 0, "calls at no charge")]
    lines = []
    for position, charge in enumerate(charges):
        counted = used is not None and charge.kind in ("usage", "allowance")
        lines.append(
            {
                "id": new_id(),
                "invoice_id": invoice_id,
                "position": position,
                "kind": charge.kind,
                "unit": charge.unit,
                "quantity": str(charge.quantity),
                "unit_price_minor": charge.unit_price_minor,
                "amount_minor": charge.amount_minor,
                "description": charge.description[:500],
                "first_day": used.first_day if counted and used else None,
                "last_day": used.last_day if counted and used else None,
                "events": used.totals.events if counted and used else 0,
            }
        )
    return lines


def _issued(invoice_id: str, consumer: str, currency: str, total: int, period: str) -> ledger.Posting:
    return ledger.Posting(
        key=f"invoice:{invoice_id}",
        kind="invoice",
        memo=f"invoice {invoice_id} for {period}",
        currency=currency,
        entries=[
            ledger.Entry("receivable", total, consumer, invoice_id),
            ledger.Entry("clearing", -total, None, invoice_id),
        ],
    )
