"""Usage reports: what an agreement delivered per UTC day, what the data plane refused, and its quota.

The consumer, the provider and the operator read the same figures. The database sums them (GROUP BY
day, or by agreement); no event is walked in Python, so a report costs a few indexed queries however
many deliveries an agreement had. Usage events carry their UTC day; refusals carry a timestamp, whose
UTC day ``utc_day`` asks each database for in its own words.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, select

from ..models import AccessRefusal, Agreement, QuotaCounter, UsageEvent
from .actors import Actor
from .agreements import get_agreement, list_agreements
from .contract_context import NodeContext


class utc_day(FunctionElement[date]):  # noqa: N801 - a SQL function, named like one
    """The UTC calendar day of a timestamp column."""

    type = Date()
    name = "utc_day"
    inherit_cache = True


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(timezone('UTC', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(utc_day)
def _utc_day_sqlite(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"  # SQLite stores UTC as naive text


@dataclass(frozen=True)
class Period:
    """The UTC days a report covers, both inclusive."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        """The first instant of the period."""
        return datetime.combine(self.first, time.min, UTC)

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.last + timedelta(days=1), time.min, UTC)


@dataclass(frozen=True)
class Figures:
    """What was delivered (uses counted, records, bytes, deliveries) and how often access was refused."""

    units: int = 0
    records: int = 0
    bytes: int = 0
    events: int = 0
    refusals: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Figures)))


FIELDS = tuple(f.name for f in fields(Figures))
CSV_COLUMNS = ("day", *FIELDS)


@dataclass(frozen=True)
class Quota:
    """Uses over the agreement's whole term and its limit (None: no count limit)."""

    used: int = 0
    limit: int | None = None

    @property
    def left(self) -> int | None:
        """Uses the limit still allows."""
        return None if self.limit is None else max(self.limit - self.used, 0)


@dataclass(frozen=True)
class AgreementUsage:
    """One agreement's days with usage or refusals in a period, and its quota."""

    agreement: Agreement
    period: Period
    days: list[tuple[date, Figures]]
    quota: Quota

    @property
    def totals(self) -> Figures:
        """The period's figures."""
        return _sum(figures for _, figures in self.days)


@dataclass(frozen=True)
class UsageSummary:
    """An organisation's agreements (or the node's, for the operator) with their totals over a period."""

    role: str
    period: Period
    rows: list[tuple[Agreement, Figures, Quota]]

    @property
    def totals(self) -> Figures:
        """The figures of every agreement together."""
        return _sum(figures for _, figures, _ in self.rows)


def agreement_usage(
    session: Session, actor: Actor, agreement_id: str, period: Period, ctx: NodeContext
) -> AgreementUsage:
    """An agreement's usage per UTC day, for its consumer, its provider or the operator (404 for others)."""
    agreement = get_agreement(session, actor, agreement_id, ctx)
    usage = _usage_by(session, col(UsageEvent.day), period, col(UsageEvent.agreement_id) == agreement.id)
    refused = _refusals_by(
        session, utc_day(col(AccessRefusal.at)), period, col(AccessRefusal.agreement_id) == agreement.id
    )
    days = [
        (day, usage.get(day, Figures()) + Figures(refusals=refused.get(day, 0)))
        for day in sorted(usage.keys() | refused.keys())
    ]
    counter = session.get(QuotaCounter, agreement.id)
    quota = Quota(counter.used, counter.max_uses) if counter else Quota()
    return AgreementUsage(agreement, period, days, quota)


def usage_summary(
    session: Session, actor: Actor, role: str, period: Period, ctx: NodeContext
) -> UsageSummary:
    """Totals per agreement: as consumer, as provider, or (operator only) every agreement of the node."""
    agreements = list_agreements(session, actor, role, ctx)
    if not agreements:
        return UsageSummary(role, period, [])
    events_of: list[ColumnElement[bool]] = []
    agreements_of: list[ColumnElement[bool]] = []
    if role != "operator":
        assert actor.org_id is not None  # list_agreements found none otherwise
        party = "consumer_org_id" if role == "consumer" else "provider_org_id"
        events_of.append(getattr(UsageEvent, party) == actor.org_id)
        agreements_of.append(getattr(Agreement, party) == actor.org_id)
    usage = _usage_by(session, col(UsageEvent.agreement_id), period, *events_of)
    refused = _refusals_by(session, col(AccessRefusal.agreement_id), period, *agreements_of, joined=True)
    counters = session.exec(
        select(QuotaCounter)
        .join(Agreement, col(Agreement.id) == QuotaCounter.agreement_id)
        .where(*agreements_of)
    )
    quotas = {c.agreement_id: Quota(c.used, c.max_uses) for c in counters}
    rows = [
        (
            a,
            usage.get(a.id, Figures()) + Figures(refusals=refused.get(a.id, 0)),
            quotas.get(a.id, Quota()),
        )
        for a in agreements
    ]
    return UsageSummary(role, period, rows)


def to_output(report: AgreementUsage) -> dict[str, Any]:
    """The API's view of an agreement's report (the shape of ``AgreementUsageOut``)."""
    return {
        "agreement_id": report.agreement.id,
        "from": report.period.first,
        "to": report.period.last,
        "days": [{"day": day, **asdict(figures)} for day, figures in report.days],
        "totals": asdict(report.totals),
        "quota": _quota(report.quota),
    }


def summary_output(summary: UsageSummary) -> dict[str, Any]:
    """The API's view of a summary (the shape of ``UsageSummaryOut``)."""
    return {
        "role": summary.role,
        "from": summary.period.first,
        "to": summary.period.last,
        "agreements": [
            {
                "agreement_id": a.id,
                "dataset_id": a.dataset_id,
                "consumer_org_id": a.consumer_org_id,
                "provider_org_id": a.provider_org_id,
                "status": a.status,
                **asdict(figures),
                "quota": _quota(quota),
            }
            for a, figures, quota in summary.rows
        ],
        "totals": asdict(summary.totals),
    }


def to_csv(report: AgreementUsage) -> str:
    """The report's days as CSV: a header row, then one row per day, as in the JSON report."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for day, figures in report.days:
        writer.writerow([day.isoformat(), *(getattr(figures, name) for name in FIELDS)])
    return out.getvalue()


def csv_filename(report: AgreementUsage) -> str:
    """A file name that says whose usage and which days."""
    return f"usage-{report.agreement.id}-{report.period.first}-{report.period.last}.csv"


def _usage_by(session: Session, key: Any, period: Period, *where: ColumnElement[bool]) -> dict[Any, Figures]:
    """Usage events in the period summed per value of `key` (a day or an agreement)."""
    rows = session.exec(
        select(  # type: ignore[call-overload]
            key,
            func.sum(UsageEvent.units),
            func.sum(UsageEvent.records),
            func.sum(UsageEvent.bytes),
            func.count(),
        )
        .where(col(UsageEvent.day) >= period.first, col(UsageEvent.day) <= period.last, *where)
        .group_by(key)
    )
    return {k: Figures(int(units), int(records), int(size), int(n)) for k, units, records, size, n in rows}


def _refusals_by(
    session: Session, key: Any, period: Period, *where: ColumnElement[bool], joined: bool = False
) -> dict[Any, int]:
    """Refusals in the period counted per value of `key`; `joined` to filter on their agreement."""
    query = select(key, func.count()).where(
        col(AccessRefusal.at) >= period.start, col(AccessRefusal.at) < period.end, *where
    )
    if joined:
        query = query.join(Agreement, col(Agreement.id) == AccessRefusal.agreement_id)
    return {k: int(n) for k, n in session.exec(query.group_by(key))}


def _quota(quota: Quota) -> dict[str, int | None]:
    return {"used": quota.used, "limit": quota.limit, "left": quota.left}


def _sum(items: Iterable[Figures]) -> Figures:
    total = Figures()
    for figures in items:
        total += figures
    return total
